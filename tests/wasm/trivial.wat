;; The cheapest possible method, for measuring per-call overhead; `set`
;; writes one key like a kv_store set would.
(module
  (import "env" "storage_write" (func $storage_write (param i64 i64 i64) (result i32)))
  (import "env" "input" (func $input (param i64)))
  (memory (export "memory") 2)
  (data (i32.const 0) "\00\01\00\00\00\00\00\00\03\00\00\00\00\00\00\00")
  (data (i32.const 16) "\03\01\00\00\00\00\00\00\05\00\00\00\00\00\00\00")
  (data (i32.const 256) "keyvalue")
  (func (export "noop"))
  (func (export "set")
    (call $input (i64.const 0))
    (drop (call $storage_write (i64.const 0) (i64.const 16) (i64.const 1))))
)
