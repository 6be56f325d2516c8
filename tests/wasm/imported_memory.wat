;; Imports its memory instead of exporting its own: refused at compile time.
(module
  (import "env" "memory" (memory 1))
  (export "memory" (memory 0))
  (func (export "go"))
)
