;; Imports nothing at all (the memory rewrite must create the import section).
(module
  (memory (export "memory") 1 2)
  (data (i32.const 8) "x")
  (func (export "noop"))
  (func (export "grow_twice")
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const 1)) (then unreachable))
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable)))
)
