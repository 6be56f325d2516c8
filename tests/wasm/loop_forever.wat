;; `spin` never returns: the watchdog must terminate it. `ok` returns "ok".
(module
  (import "env" "value_return" (func $value_return (param i64)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\00\00\00\00\00\00\00\00\40\00\00\00\00\00\00\00\02\00\00\00\00\00\00\00")
  (data (i32.const 64) "ok")
  (func (export "spin") (loop $l (br $l)))
  (func $deep (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 0))
      (else (i64.add (call $deep (i64.sub (local.get 0) (i64.const 1))) (i64.const 1)))))
  (func (export "recurse") (drop (call $deep (i64.const -1))))
  (func (export "ok") (call $value_return (i64.const 16)))
)
