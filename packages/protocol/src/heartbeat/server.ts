import { HEARTBEAT_PROTOCOL } from '../constants.js'
import { serveRequests } from '../frames.js'
import type { Host } from '../host.js'
import { DEFAULT_HEARTBEAT_SERVE_TIMEOUT_MS, MAX_HEARTBEAT_BYTES } from './constants.js'
import { decodeHeartbeat, encodeHeartbeatReply, type HeartbeatBody, type HeartbeatReply } from './messages.js'

/**
 * Handles one heartbeat from an authenticated peer and returns the reply. Throw a LienthongError
 * to refuse it: the node receives the code.
 */
export type HeartbeatHandler = (body: HeartbeatBody, remotePeerId: string) => HeartbeatReply | Promise<HeartbeatReply>

/** Options of `serveHeartbeats`. */
export interface ServeHeartbeatsOptions {
  /** Deadline for one exchange (default 10 s: a heartbeat is tiny). */
  timeoutMs?: number
}

/**
 * Serve HEARTBEAT_PROTOCOL on `host`: each request is decoded strictly (a malformed one is
 * refused with `heartbeat-bad-message`, the handler never sees it) and handed to `handler`
 * with the sender's PeerId. Stop with `host.unhandle(HEARTBEAT_PROTOCOL)`.
 */
export async function serveHeartbeats (host: Host, handler: HeartbeatHandler, options: ServeHeartbeatsOptions = {}): Promise<void> {
  if (typeof handler !== 'function') throw new TypeError('handler must be a function')
  await serveRequests(host, HEARTBEAT_PROTOCOL, async (bytes, remotePeerId) => {
    const body = decodeHeartbeat(bytes)
    return encodeHeartbeatReply(await handler(body, remotePeerId))
  }, { maxRequestBytes: MAX_HEARTBEAT_BYTES, timeoutMs: options.timeoutMs ?? DEFAULT_HEARTBEAT_SERVE_TIMEOUT_MS })
}
