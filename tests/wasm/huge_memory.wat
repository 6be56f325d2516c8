;; Declares a 2000-page (125 MiB) initial memory: over the 1024-page cap.
(module
  (memory (export "memory") 2000)
  (func (export "go"))
)
