;; For the daemon's slow-consumer test: `burst` stores its input under the key
;; "burst" (so every call is a delta) and emits 100 events of 16 000 bytes —
;; about 1.6 MB pushed to each WebSocket subscriber per call, so a test can
;; push tens of MB with a few dozen calls.
;; Memory: 0x20 key buf, 0x30 value buf, 0x40 event, 0x80 value_return,
;; 0x100 "burst", 0x110 "null", 0x200 "Burst", 0x800 input, 0x1000 event data.
(module
  (import "env" "input" (func $input (param i64)))
  (import "env" "register_len" (func $register_len (param i64) (result i64)))
  (import "env" "read_register" (func $read_register (param i64 i64) (result i32)))
  (import "env" "value_return" (func $value_return (param i64)))
  (import "env" "emit" (func $emit (param i64)))
  (import "env" "storage_write" (func $storage_write (param i64 i64 i64) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0x100) "burst")
  (data (i32.const 0x110) "null")
  (data (i32.const 0x200) "Burst")
  (func (export "burst")
    (local $i i32) (local $len i64)
    ;; value = the call's input (at most 1 KiB of it)
    (call $input (i64.const 0))
    (local.set $len (call $register_len (i64.const 0)))
    (if (i64.gt_u (local.get $len) (i64.const 1024)) (then (local.set $len (i64.const 1024))))
    (i64.store (i32.const 0x30) (i64.const 0x800))
    (i64.store (i32.const 0x38) (local.get $len))
    (drop (call $read_register (i64.const 0) (i64.const 0x30)))
    (i64.store (i32.const 0x20) (i64.const 0x100))
    (i64.store (i32.const 0x28) (i64.const 5))
    (drop (call $storage_write (i64.const 0x20) (i64.const 0x30) (i64.const 1)))
    ;; 100 events {kind "Burst", data 16 000 × 'x'}
    (memory.fill (i32.const 0x1000) (i32.const 0x78) (i32.const 16000))
    (i64.store (i32.const 0x40) (i64.const 0x200))
    (i64.store (i32.const 0x48) (i64.const 5))
    (i64.store (i32.const 0x50) (i64.const 0x1000))
    (i64.store (i32.const 0x58) (i64.const 16000))
    (loop $next
      (call $emit (i64.const 0x40))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 100))))
    ;; return null
    (i64.store (i32.const 0x80) (i64.const 0))
    (i64.store (i32.const 0x88) (i64.const 0x110))
    (i64.store (i32.const 0x90) (i64.const 4))
    (call $value_return (i64.const 0x80)))
)
