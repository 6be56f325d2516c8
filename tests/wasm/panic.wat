;; Calls panic_utf8("boom", {file "app.c", line 12, column 7}).
(module
  (import "env" "panic_utf8" (func $panic_utf8 (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\00\01\00\00\00\00\00\00\04\00\00\00\00\00\00\00")
  (data (i32.const 16) "\04\01\00\00\00\00\00\00\05\00\00\00\00\00\00\00\0c\00\00\00\07\00\00\00")
  (data (i32.const 256) "boomapp.c")
  (func (export "boom") (call $panic_utf8 (i64.const 0) (i64.const 16)))
)
