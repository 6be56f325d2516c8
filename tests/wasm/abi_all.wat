;; A scriptable probe of the whole host ABI, for tests/unit/runtime.
;;
;; Method `run` reads its input (register 0) as a script of commands and
;; performs them in order, so a test can call every host function with any
;; arguments it likes (valid or hostile) without one wasm module per case.
;; Script: op byte, then the op's u64 LE arguments.
;;   0 poke(addr, len, <len bytes>)      copy bytes into memory
;;   1..17  one host function each (args as listed below); results are
;;          appended as u64 LE to the OUT buffer (0x8000)
;;   18 return_out()                     value_return(ok, OUT bytes)
;;   19 ret_mem(addr, len)               value_return(ok, memory[addr..addr+len])
;;   20 trap()                           unreachable
;;   21 spin()                           loop forever
;;   22 grow(pages)                      memory.grow → OUT (sign-extended)
;;   23 fill(addr, len, byte)            memory.fill
;;   24 ret_reg(reg, addr)               read register into addr, value_return it
;;   25 append_reg(reg)                  OUT += u64 register_len, then the register's bytes
;;   26 append_mem(addr, len)            OUT += memory[addr..addr+len]
;; Memory: 0x0000 scratch, 0x1000..0x6fff free for tests, 0x7000 a data segment
;; ("pristine"), 0x8000 OUT, 0x10000 script.
(module
  (import "env" "register_len" (func $register_len (param i64) (result i64)))
  (import "env" "read_register" (func $read_register (param i64 i64) (result i32)))
  (import "env" "input" (func $input (param i64)))
  (import "env" "value_return" (func $value_return (param i64)))
  (import "env" "log_utf8" (func $log_utf8 (param i64)))
  (import "env" "panic_utf8" (func $panic_utf8 (param i64 i64)))
  (import "env" "emit" (func $emit (param i64)))
  (import "env" "emit_with_handler" (func $emit_with_handler (param i64 i64)))
  (import "env" "storage_read" (func $storage_read (param i64 i64) (result i32)))
  (import "env" "storage_write" (func $storage_write (param i64 i64 i64) (result i32)))
  (import "env" "storage_remove" (func $storage_remove (param i64 i64) (result i32)))
  (import "env" "storage_scan" (func $storage_scan (param i64 i64) (result i64)))
  (import "env" "counter_add" (func $counter_add (param i64 i64)))
  (import "env" "counter_get" (func $counter_get (param i64 i64) (result i32)))
  (import "env" "context_id" (func $context_id (param i64)))
  (import "env" "executor_id" (func $executor_id (param i64)))
  (import "env" "time_now" (func $time_now (param i64)))
  (memory (export "memory") 4)
  (data (i32.const 0x7000) "pristine")
  (global $pc (mut i32) (i32.const 0))
  (global $out (mut i32) (i32.const 0x8000))

  (func $arg (result i64)
    (local $v i64)
    (local.set $v (i64.load (global.get $pc)))
    (global.set $pc (i32.add (global.get $pc) (i32.const 8)))
    (local.get $v))
  (func $put (param $v i64)
    (i64.store (global.get $out) (local.get $v))
    (global.set $out (i32.add (global.get $out) (i32.const 8))))
  (func $ret (param $ptr i64) (param $len i64)
    (i64.store (i32.const 0x20) (i64.const 0))
    (i64.store (i32.const 0x28) (local.get $ptr))
    (i64.store (i32.const 0x30) (local.get $len))
    (call $value_return (i64.const 0x20)))

  (func (export "run")
    (local $len i64) (local $end i32) (local $op i32) (local $a i64) (local $b i64)
    (call $input (i64.const 0))
    (local.set $len (call $register_len (i64.const 0)))
    ;; make room for the script at 0x10000
    (local.set $end (i32.add (i32.const 0x10000) (i32.wrap_i64 (local.get $len))))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 0x10000)))
      (then (drop (memory.grow (i32.sub (i32.add (i32.shr_u (local.get $end) (i32.const 16)) (i32.const 1))
                                        (memory.size))))))
    (i64.store (i32.const 0) (i64.const 0x10000))
    (i64.store (i32.const 8) (local.get $len))
    (drop (call $read_register (i64.const 0) (i64.const 0)))
    (global.set $pc (i32.const 0x10000))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (global.get $pc) (local.get $end)))
        (local.set $op (i32.load8_u (global.get $pc)))
        (global.set $pc (i32.add (global.get $pc) (i32.const 1)))
        (if (i32.eq (local.get $op) (i32.const 0)) (then
          (local.set $a (call $arg)) (local.set $b (call $arg))
          (memory.copy (i32.wrap_i64 (local.get $a)) (global.get $pc) (i32.wrap_i64 (local.get $b)))
          (global.set $pc (i32.add (global.get $pc) (i32.wrap_i64 (local.get $b))))
          (br $next)))
        (if (i32.eq (local.get $op) (i32.const 1)) (then
          (call $put (call $register_len (call $arg))) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 2)) (then
          (local.set $a (call $arg))
          (call $put (i64.extend_i32_u (call $read_register (local.get $a) (call $arg)))) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 3)) (then (call $input (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 4)) (then (call $value_return (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 5)) (then (call $log_utf8 (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 6)) (then
          (local.set $a (call $arg)) (call $panic_utf8 (local.get $a) (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 7)) (then (call $emit (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 8)) (then
          (local.set $a (call $arg)) (call $emit_with_handler (local.get $a) (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 9)) (then
          (local.set $a (call $arg))
          (call $put (i64.extend_i32_u (call $storage_read (local.get $a) (call $arg)))) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 10)) (then
          (local.set $a (call $arg)) (local.set $b (call $arg))
          (call $put (i64.extend_i32_u (call $storage_write (local.get $a) (local.get $b) (call $arg)))) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 11)) (then
          (local.set $a (call $arg))
          (call $put (i64.extend_i32_u (call $storage_remove (local.get $a) (call $arg)))) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 12)) (then
          (local.set $a (call $arg))
          (call $put (call $storage_scan (local.get $a) (call $arg))) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 13)) (then
          (local.set $a (call $arg)) (call $counter_add (local.get $a) (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 14)) (then
          (local.set $a (call $arg))
          (call $put (i64.extend_i32_u (call $counter_get (local.get $a) (call $arg)))) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 15)) (then (call $context_id (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 16)) (then (call $executor_id (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 17)) (then (call $time_now (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 18)) (then
          (call $ret (i64.const 0x8000) (i64.extend_i32_u (i32.sub (global.get $out) (i32.const 0x8000))))
          (br $next)))
        (if (i32.eq (local.get $op) (i32.const 19)) (then
          (local.set $a (call $arg)) (call $ret (local.get $a) (call $arg)) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 20)) (then unreachable))
        (if (i32.eq (local.get $op) (i32.const 21)) (then (loop $forever (br $forever))))
        (if (i32.eq (local.get $op) (i32.const 22)) (then
          (call $put (i64.extend_i32_s (memory.grow (i32.wrap_i64 (call $arg))))) (br $next)))
        (if (i32.eq (local.get $op) (i32.const 23)) (then
          (local.set $a (call $arg)) (local.set $b (call $arg))
          (memory.fill (i32.wrap_i64 (local.get $a)) (i32.wrap_i64 (call $arg)) (i32.wrap_i64 (local.get $b)))
          (br $next)))
        (if (i32.eq (local.get $op) (i32.const 24)) (then
          (local.set $a (call $arg)) (local.set $b (call $arg))
          (i64.store (i32.const 0x40) (local.get $b))
          (i64.store (i32.const 0x48) (call $register_len (local.get $a)))
          (drop (call $read_register (local.get $a) (i64.const 0x40)))
          (call $ret (local.get $b) (i64.load (i32.const 0x48)))
          (br $next)))
        (if (i32.eq (local.get $op) (i32.const 25)) (then
          (local.set $a (call $arg))
          (local.set $b (call $register_len (local.get $a)))
          (call $put (local.get $b))
          (if (i64.ne (local.get $b) (i64.const -1)) (then
            (i64.store (i32.const 0x40) (i64.extend_i32_u (global.get $out)))
            (i64.store (i32.const 0x48) (local.get $b))
            (drop (call $read_register (local.get $a) (i64.const 0x40)))
            (global.set $out (i32.add (global.get $out) (i32.wrap_i64 (local.get $b))))))
          (br $next)))
        (if (i32.eq (local.get $op) (i32.const 26)) (then
          (local.set $a (call $arg)) (local.set $b (call $arg))
          (memory.copy (global.get $out) (i32.wrap_i64 (local.get $a)) (i32.wrap_i64 (local.get $b)))
          (global.set $out (i32.add (global.get $out) (i32.wrap_i64 (local.get $b))))
          (br $next)))
        unreachable)))

  ;; Not methods: exported functions whose type is not () -> ().
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "answer") (result i32) (i32.const 42))
  (func (export "noop"))
)
