;; Writes key "k" = "v", emits an event, then traps: nothing may be committed.
(module
  (import "env" "storage_write" (func $storage_write (param i64 i64 i64) (result i32)))
  (import "env" "emit" (func $emit (param i64)))
  (import "env" "log_utf8" (func $log_utf8 (param i64)))
  (memory (export "memory") 1)
  ;; key desc @0 -> "k" @256, value desc @16 -> "v" @257, event @32 {kind "E" @258, data "d" @259}
  (data (i32.const 0) "\00\01\00\00\00\00\00\00\01\00\00\00\00\00\00\00")
  (data (i32.const 16) "\01\01\00\00\00\00\00\00\01\00\00\00\00\00\00\00")
  (data (i32.const 32) "\02\01\00\00\00\00\00\00\01\00\00\00\00\00\00\00\03\01\00\00\00\00\00\00\01\00\00\00\00\00\00\00")
  (data (i32.const 256) "kvEd")
  (func (export "write_then_trap")
    (drop (call $storage_write (i64.const 0) (i64.const 16) (i64.const 1)))
    (call $emit (i64.const 32))
    (call $log_utf8 (i64.const 0))
    unreachable)
  (func (export "write_ok")
    (drop (call $storage_write (i64.const 0) (i64.const 16) (i64.const 1))))
)
