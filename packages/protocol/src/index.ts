// The Node 20 Promise.withResolvers polyfill must run before libp2p does: first import.
import '@lienthong/compat'

/**
 * The libp2p layer of Lienthong: protocol ids, a host (TCP + Noise + yamux, identity from the
 * node's ed25519 key, a symmetric allow-list gate) and framed request/response on one stream.
 *
 * @example
 * ```ts
 * import { createHost, request, serveRequests, HEARTBEAT_PROTOCOL } from '@lienthong/protocol'
 * const host = await createHost({ key, listen: ['/ip4/127.0.0.1/tcp/0'], gate: { isAllowed: id => allowed.has(id) } })
 * await serveRequests(host, HEARTBEAT_PROTOCOL, async (bytes, remotePeerId) => reply(bytes, remotePeerId))
 * const answer = await request(host, peerMultiaddr, HEARTBEAT_PROTOCOL, bytes, { timeoutMs: 5000 })
 * await host.stop()
 * ```
 */
export * from './constants.js'
export { ProtocolErrorCode } from './errors.js'
export { createHost, type Host, type HostInit, type HostDialOptions, type PeerGate } from './host.js'
export { withPeerIdSuffix, type PeerTarget } from './target.js'
export { request, serveRequests, type RequestHandler, type RequestOptions, type ServeOptions } from './frames.js'
export * from './sync/index.js'
export * from './deliver/index.js'
export * from './info/index.js'
export * from './heartbeat/index.js'
