;; Imports storage_read with i32 parameters: refused at compile time.
(module
  (import "env" "storage_read" (func $storage_read (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "go") (drop (call $storage_read (i32.const 0) (i32.const 0))))
)
