;; Exports no memory: refused at compile time.
(module
  (memory 1)
  (func (export "go"))
)
