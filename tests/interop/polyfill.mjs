// Node 20 lacks Promise.withResolvers (Node 22+), which js-libp2p 3.x uses.
// Loaded with `node --import ./polyfill.mjs peer.mjs`.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve
    let reject
    const promise = new this((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
