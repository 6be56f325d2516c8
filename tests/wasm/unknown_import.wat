;; Imports env.fetch, which the host does not provide: refused at compile time.
(module
  (import "env" "fetch" (func $fetch (param i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "go") (drop (call $fetch (i64.const 0))))
)
