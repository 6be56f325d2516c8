;; Grows memory one page at a time until memory.grow fails (returns -1), then
;; returns the final size in pages as 8 bytes LE; `grow_then_trap` traps when
;; growth fails, as a module that does not check would. The declared maximum
;; (4 GiB) is far above the node's cap: the cap wins.
(module
  (import "env" "value_return" (func $value_return (param i64)))
  (memory (export "memory") 1 65536)
  (func $grow_all (result i32)
    (block $done (loop $l
      (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
      (br $l)))
    (memory.size))
  (func (export "grow")
    (i64.store (i32.const 64) (i64.extend_i32_u (call $grow_all)))
    (i64.store (i32.const 16) (i64.const 0))
    (i64.store (i32.const 24) (i64.const 64))
    (i64.store (i32.const 32) (i64.const 8))
    (call $value_return (i64.const 16)))
  (func (export "grow_then_trap")
    (drop (call $grow_all))
    (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable)))
)
