// A stand-in for the node's host ABI (ARCHITECTURE §7) so the sample apps and the
// C SDK can be exercised before/without the engine. It is deliberately
// simple: one in-memory store, a fresh instance per call, writes committed
// only when the call neither traps nor returns an error.
//
// usage: node mock_host.mjs <module.wasm>  < calls.json
//   calls:   [{"method": "set", "args": {...} | "raw": "<input text>",
//              "executor": "<64 hex>"?, "time": "<u64 decimal>"?}, ...]
//   output:  [{"trap": null | "<message>", "tag": 0 | 1 | null,
//              "ret": "<returned text>" | null, "events": [{kind, data, handler}],
//              "logs": ["..."]}, ...]
import { readFileSync } from 'node:fs';

const module = new WebAssembly.Module(readFileSync(process.argv[2]));
const calls = JSON.parse(readFileSync(0, 'utf8'));
const utf8 = new TextDecoder('utf-8', { fatal: true });
const enc = new TextEncoder();

let storage = new Map();   // latin1 key string -> Uint8Array (latin1 keeps byte order)
let counters = new Map();  // latin1 key string -> BigInt
const toKey = (b) => Buffer.from(b).toString('latin1');
const fromKey = (k) => new Uint8Array(Buffer.from(k, 'latin1'));

function run(call) {
  const out = { trap: null, tag: null, ret: null, events: [], logs: [] };
  const regs = new Map();
  const store = new Map(storage), ctrs = new Map(counters);  // write buffer
  const executor = Buffer.from(call.executor ?? '11'.repeat(32), 'hex');
  const time = BigInt(call.time ?? '0x6700000080000000');
  const input = call.raw !== undefined ? enc.encode(call.raw)
                                       : enc.encode(JSON.stringify(call.args ?? {}));
  let mem;
  const bytes = () => new Uint8Array(mem.buffer);   // re-read: memory may grow
  const view = () => new DataView(mem.buffer);
  const desc = (p) => { const v = view(); p = Number(p);
    return [Number(v.getBigUint64(p, true)), Number(v.getBigUint64(p + 8, true))]; };
  const buf = (p) => { const [ptr, len] = desc(p);
    if (ptr + len > mem.buffer.byteLength) throw new Error('buffer out of bounds');
    return bytes().slice(ptr, ptr + len); };
  const text = (p) => utf8.decode(buf(p));
  const set = (reg, data) => regs.set(reg, Uint8Array.from(data));
  const env = {
    register_len: (r) => regs.has(r) ? BigInt(regs.get(r).length) : 0xffffffffffffffffn,
    read_register: (r, p) => { const [ptr, len] = desc(p), d = regs.get(r);
      if (!d || d.length !== len) return 0; bytes().set(d, ptr); return 1; },
    input: (r) => set(r, input),
    value_return: (p) => { const v = view(); p = Number(p);
      out.tag = Number(v.getBigUint64(p, true)); out.ret = text(p + 8); },
    log_utf8: (p) => out.logs.push(text(p)),
    panic_utf8: (m, l) => { const v = view();
      throw new Error(`panic: ${text(m)} at ${text(l)}:${v.getUint32(Number(l) + 16, true)}`); },
    emit: (e) => out.events.push({ kind: text(e), data: text(e + 16n), handler: null }),
    emit_with_handler: (e, h) =>
      out.events.push({ kind: text(e), data: text(e + 16n), handler: text(h) }),
    storage_read: (k, r) => { const v = store.get(toKey(buf(k)));
      if (!v) return 0; set(r, v); return 1; },
    storage_write: (k, val, r) => { const key = toKey(buf(k)), old = store.get(key);
      store.set(key, buf(val)); if (!old) return 0; set(r, old); return 1; },
    storage_remove: (k, r) => { const key = toKey(buf(k)), old = store.get(key);
      if (!old) return 0; store.delete(key); set(r, old); return 1; },
    storage_scan: (p, r) => { const prefix = toKey(buf(p));
      const keys = [...store.keys()].filter((k) => k.startsWith(prefix)).sort();
      const parts = [];
      for (const k of keys) {
        const kb = fromKey(k), vb = store.get(k), n = new DataView(new ArrayBuffer(8));
        n.setUint32(0, kb.length, true); n.setUint32(4, vb.length, true);
        parts.push(new Uint8Array(n.buffer, 0, 4), kb, new Uint8Array(n.buffer, 4, 4), vb);
      }
      set(r, Buffer.concat(parts)); return BigInt(keys.length); },
    counter_add: (k, a) => { const key = toKey(buf(k));
      ctrs.set(key, BigInt.asIntN(64, (ctrs.get(key) ?? 0n) + a)); },
    counter_get: (k, r) => { const key = toKey(buf(k));
      if (!ctrs.has(key)) return 0;
      const d = new DataView(new ArrayBuffer(8)); d.setBigInt64(0, ctrs.get(key), true);
      set(r, new Uint8Array(d.buffer)); return 1; },
    context_id: (r) => set(r, new Uint8Array(32).fill(0xcc)),
    executor_id: (r) => set(r, executor),
    time_now: (p) => { const [ptr, len] = desc(p);
      if (len !== 8) throw new Error('time_now: need 8 bytes'); view().setBigUint64(ptr, time, true); },
  };
  try {
    const inst = new WebAssembly.Instance(module, { env });
    mem = inst.exports.memory;
    const fn = inst.exports[call.method];
    if (typeof fn !== 'function') throw new Error(`method not found: ${call.method}`);
    fn();
    if (out.tag !== 1) { storage = store; counters = ctrs; }
  } catch (e) {
    out.trap = String(e.message ?? e);
  }
  return out;
}

process.stdout.write(JSON.stringify(calls.map(run)));
