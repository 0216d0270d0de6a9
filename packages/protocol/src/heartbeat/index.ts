/**
 * Heartbeats (`HEARTBEAT_PROTOCOL`, `/lienthong/heartbeat/1.0.0`): a node tells the coordinator,
 * once per registry-set interval, its software version, listen addresses, registry seq, queue
 * depths and counters; the coordinator answers with its clock and registry seq, so the node can
 * estimate clock skew. Messages are deterministic CBOR, decoded strictly (`heartbeat-bad-message`).
 *
 * @example
 * ```ts
 * // coordinator
 * await serveHeartbeats(host, async (body, peerId) => {
 *   await monitor.recordHeartbeat(peerId, body)
 *   return { serverTime: Date.now(), registrySeq: replica.seq }
 * })
 * // node
 * const sender = startHeartbeats({
 *   host, coordinator: network.coordinatorPeerId, logger,
 *   intervalMs: () => replica.state.params.heartbeatIntervalMs,
 *   collect: () => ({ version, addresses: host.multiaddrs, registrySeq: replica.seq, queues, counters })
 * })
 * await sender.stop()
 * ```
 */
export { HeartbeatErrorCode } from './errors.js'
export {
  MAX_HEARTBEAT_BYTES, MAX_HEARTBEAT_REPLY_BYTES, HEARTBEAT_VERSION_MAX_LENGTH, HEARTBEAT_MAX_ADDRESSES,
  HEARTBEAT_ADDRESS_MAX_LENGTH, DEFAULT_HEARTBEAT_TIMEOUT_MS, DEFAULT_HEARTBEAT_SERVE_TIMEOUT_MS
} from './constants.js'
export {
  encodeHeartbeat, decodeHeartbeat, encodeHeartbeatReply, decodeHeartbeatReply,
  type HeartbeatBody, type HeartbeatStatus, type HeartbeatQueues, type HeartbeatCounters, type HeartbeatReply
} from './messages.js'
export {
  startHeartbeats, sendHeartbeat, type HeartbeatSender, type HeartbeatSenderInit, type HeartbeatSenderStats,
  type HeartbeatResult, type SendHeartbeatOptions
} from './sender.js'
export { serveHeartbeats, type HeartbeatHandler, type ServeHeartbeatsOptions } from './server.js'
