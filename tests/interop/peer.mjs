// A js-libp2p peer for deltanode's interop tests (and benchmarks).
//
//   node --import ./polyfill.mjs peer.mjs [--listen /ip4/127.0.0.1/tcp/0]
//        [--dial MULTIADDR] [--topic NAME]... [--seed HEX32]
//
// Prints one JSON object per line on stdout (NDJSON), e.g.
//   {"event":"listening","peerId":"12D3KooW…","addrs":["/ip4/…/p2p/…"]}
//   {"event":"connected","peer":"…","direction":"inbound","addr":"…"}
//   {"event":"identified","peer":"…","agentVersion":"…","protocols":[…],"listenAddrs":[…]}
//   {"event":"ping","peer":"…","rttMs":0,"elapsedMs":0.41}
//   {"event":"message","topic":"…","from":"…","seqno":"…","data":"<base64>"}
//   {"event":"error","cmd":"…","message":"…"}
// and reads commands, one JSON object per line, on stdin:
//   {"cmd":"dial","addr":"…"}            → "dialed" or "error"
//   {"cmd":"ping","peer":"…"|"addr":"…"} → "ping" or "error"
//   {"cmd":"echo","peer":"…","protocol":"…","bytes":N} → "echoed" {ok, bytes}
//   {"cmd":"subscribe","topic":"…"}      → "subscribed"
//   {"cmd":"publish","topic":"…","data":"<base64>"} → "published"
//   {"cmd":"peers"}                      → "peers"
//   {"cmd":"exit"}
// The process exits when stdin closes, so a crashed test never leaves it behind.
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { gossipsub } from '@libp2p/gossipsub'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { createInterface } from 'node:readline'
import { performance } from 'node:perf_hooks'

function out (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function parseArgs (argv) {
  const a = { listen: [], dial: [], topics: [], seed: null }
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]
    const v = argv[i + 1]
    if (k === '--listen') { a.listen.push(v); i++ } else if (k === '--dial') { a.dial.push(v); i++ } else if (k === '--topic') { a.topics.push(v); i++ } else if (k === '--seed') { a.seed = v; i++ } else if (k === '--help') {
      out({ event: 'usage', text: 'see the header of peer.mjs' })
      process.exit(0)
    } else {
      throw new Error(`unknown argument ${k}`)
    }
  }
  if (a.listen.length === 0 && a.dial.length === 0) a.listen.push('/ip4/127.0.0.1/tcp/0')
  return a
}

const args = parseArgs(process.argv.slice(2))
const privateKey = args.seed != null
  ? await generateKeyPairFromSeed('Ed25519', Buffer.from(args.seed, 'hex'))
  : undefined

const node = await createLibp2p({
  ...(privateKey != null ? { privateKey } : {}),
  addresses: { listen: args.listen },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    pubsub: gossipsub({
      emitSelf: false,
      allowPublishToZeroTopicPeers: true,
      floodPublish: true,
      // Small test networks: as deltanode's defaults (ARCHITECTURE §9).
      D: 4,
      Dlo: 2,
      Dhi: 8,
      Dout: 1
    })
  }
})

node.addEventListener('connection:open', (evt) => {
  const c = evt.detail
  out({ event: 'connected', peer: c.remotePeer.toString(), direction: c.direction, addr: c.remoteAddr.toString() })
})
node.addEventListener('connection:close', (evt) => {
  out({ event: 'disconnected', peer: evt.detail.remotePeer.toString() })
})
node.addEventListener('peer:identify', (evt) => {
  const d = evt.detail
  out({
    event: 'identified',
    peer: d.peerId.toString(),
    agentVersion: d.agentVersion,
    protocolVersion: d.protocolVersion,
    protocols: d.protocols,
    listenAddrs: (d.listenAddrs ?? []).map((m) => m.toString()),
    observedAddr: d.observedAddr?.toString()
  })
})
node.services.pubsub.addEventListener('message', (evt) => {
  const m = evt.detail
  out({
    event: 'message',
    topic: m.topic,
    from: m.type === 'signed' ? m.from.toString() : null,
    seqno: m.type === 'signed' ? m.sequenceNumber.toString() : null,
    data: Buffer.from(m.data).toString('base64'),
    receivedAt: performance.timeOrigin + performance.now()
  })
})
node.services.pubsub.addEventListener('subscription-change', (evt) => {
  out({
    event: 'subscription-change',
    peer: evt.detail.peerId.toString(),
    subscriptions: evt.detail.subscriptions.map((s) => ({ topic: s.topic, subscribe: s.subscribe }))
  })
})

// An echo protocol, so that tests can push bulk data through both yamux
// implementations' flow control in either direction.
const ECHO = '/deltanode/interop/echo/1.0.0'

function waitDrain (stream) {
  return new Promise((resolve, reject) => {
    stream.addEventListener('drain', () => resolve(), { once: true })
    stream.addEventListener('close', () => reject(new Error('stream closed while writing')), { once: true })
  })
}

async function sendAll (stream, bytes) {
  for (let off = 0; off < bytes.length; off += 65536) {
    if (!stream.send(bytes.subarray(off, off + 65536))) await waitDrain(stream)
  }
}

async function readAll (stream) {
  const parts = []
  for await (const chunk of stream) parts.push(Buffer.from(chunk.subarray()))
  return Buffer.concat(parts)
}

function pattern (n) {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 8)) & 0xff
  return b
}

await node.handle(ECHO, async (stream) => {
  try {
    for await (const chunk of stream) {
      if (!stream.send(chunk.subarray())) await waitDrain(stream)
    }
    await stream.close()
  } catch (err) {
    out({ event: 'error', cmd: 'echo-handler', message: err.message })
    stream.abort(err)
  }
})

for (const t of args.topics) node.services.pubsub.subscribe(t)

out({
  event: 'listening',
  peerId: node.peerId.toString(),
  addrs: node.getMultiaddrs().map((m) => m.toString())
})

async function run (cmd) {
  switch (cmd.cmd) {
    case 'dial': {
      const conn = await node.dial(multiaddr(cmd.addr))
      out({ event: 'dialed', peer: conn.remotePeer.toString(), addr: cmd.addr })
      break
    }
    case 'ping': {
      const target = cmd.addr != null ? multiaddr(cmd.addr) : peerIdFromString(cmd.peer)
      const t0 = performance.now()
      const rttMs = await node.services.ping.ping(target)
      out({ event: 'ping', peer: cmd.peer ?? cmd.addr, rttMs, elapsedMs: performance.now() - t0 })
      break
    }
    case 'echo': {
      // {"cmd":"echo","peer":"…","protocol":"…","bytes":N}: send N bytes on a
      // new stream, half-close, compare what comes back.
      const target = cmd.addr != null ? multiaddr(cmd.addr) : peerIdFromString(cmd.peer)
      const stream = await node.dialProtocol(target, cmd.protocol ?? ECHO)
      const payload = pattern(cmd.bytes ?? 1024)
      const t0 = performance.now()
      const reading = readAll(stream)
      await sendAll(stream, payload)
      await stream.close()
      const got = await reading
      out({ event: 'echoed', ok: Buffer.compare(got, payload) === 0, bytes: got.length, ms: performance.now() - t0 })
      break
    }
    case 'subscribe':
      node.services.pubsub.subscribe(cmd.topic)
      out({ event: 'subscribed', topic: cmd.topic })
      break
    case 'unsubscribe':
      node.services.pubsub.unsubscribe(cmd.topic)
      out({ event: 'unsubscribed', topic: cmd.topic })
      break
    case 'publish': {
      const data = Buffer.from(cmd.data ?? '', 'base64')
      const r = await node.services.pubsub.publish(cmd.topic, data)
      out({ event: 'published', topic: cmd.topic, recipients: r.recipients.map((p) => p.toString()) })
      break
    }
    case 'peers':
      out({
        event: 'peers',
        peers: node.getPeers().map((p) => p.toString()),
        mesh: Object.fromEntries(node.services.pubsub.getTopics().map((t) => [t, node.services.pubsub.getMeshPeers(t)]))
      })
      break
    case 'exit':
      await shutdown(0)
      break
    default:
      throw new Error(`unknown command ${cmd.cmd}`)
  }
}

let stopping = false
async function shutdown (code) {
  if (stopping) return
  stopping = true
  try { await node.stop() } catch {}
  process.exit(code)
}

for (const addr of args.dial) {
  run({ cmd: 'dial', addr }).catch((err) => out({ event: 'error', cmd: 'dial', message: err.message }))
}

const rl = createInterface({ input: process.stdin })
rl.on('line', (line) => {
  if (line.trim() === '') return
  let cmd
  try { cmd = JSON.parse(line) } catch (err) {
    out({ event: 'error', cmd: null, message: `bad command: ${err.message}` })
    return
  }
  run(cmd).catch((err) => out({ event: 'error', cmd: cmd.cmd, message: err.message }))
})
rl.on('close', () => { shutdown(0) })
process.on('SIGTERM', () => { shutdown(0) })
