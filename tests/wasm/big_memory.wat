;; A 2 MiB initial memory (more than the runtime zeroes with memset), to check
;; that a recycled memory is zero everywhere for the next call.
(module
  (import "env" "value_return" (func $value_return (param i64)))
  (memory (export "memory") 32)
  (func (export "dirty")
    (i64.store (i32.const 0x100) (i64.const -1))
    (i64.store (i32.const 0x1F0000) (i64.const -1)))
  (func (export "check")
    (i64.store (i32.const 0x200) (i64.load (i32.const 0x100)))
    (i64.store (i32.const 0x208) (i64.load (i32.const 0x1F0000)))
    (i64.store (i32.const 0x10) (i64.const 0))
    (i64.store (i32.const 0x18) (i64.const 0x200))
    (i64.store (i32.const 0x20) (i64.const 16))
    (call $value_return (i64.const 0x10)))
)
