import { LienthongError } from '@lienthong/errors'
import { checkTimeout } from '../deadline.js'
import { request, serveRequests } from '../frames.js'
import type { Host } from '../host.js'
import { parseTarget, type PeerTarget } from '../target.js'
import {
  DEFAULT_INFO_TIMEOUT_MS, INFO_MAX_REPLY_BYTES, INFO_MAX_REQUEST_BYTES, INFO_MAX_SOFTWARE_LENGTH, INFO_PROTOCOL,
  INFO_SERVE_TIMEOUT_MS
} from './constants.js'
import { InfoErrorCode } from './errors.js'
import { decodeInfoReply, decodeInfoRequest, encodeInfoReply, encodeInfoRequest, hasControl, type InfoReply } from './messages.js'

/** Options of `serveInfo`. */
export interface ServeInfoOptions {
  /** Software version to announce, e.g. `lienthong-node/0.1.0` (1..128 printable characters). */
  software: string
  /** The clock reported as `time` (default `Date.now`); tests pass a skewed one. */
  now?: () => number
}

/** Options of `fetchInfo`. */
export interface FetchInfoOptions {
  /** Deadline of the whole exchange, dial included (default 5 s). */
  timeoutMs?: number
  /** Caller's cancellation; an abort maps to `protocol-aborted`. */
  signal?: AbortSignal
}

/**
 * Answer INFO_PROTOCOL on `host`: its PeerId, `software`, the protocol ids it handles at the
 * moment of the request (so a protocol registered later is listed too) and its clock. Anything
 * but a well-formed request is refused with `info-bad-message`.
 */
export async function serveInfo (host: Host, options: ServeInfoOptions): Promise<void> {
  const software = options?.software
  if (typeof software !== 'string' || software.length < 1 || software.length > INFO_MAX_SOFTWARE_LENGTH ||
    hasControl(software)) {
    throw new TypeError(`software must be 1..${INFO_MAX_SOFTWARE_LENGTH} printable characters`)
  }
  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError('now must be a function')
  await serveRequests(host, INFO_PROTOCOL, (bytes) => {
    decodeInfoRequest(bytes)
    const protocols = host.node.getProtocols().filter(p => p.startsWith('/'))
    return encodeInfoReply({ peerId: host.peerId, software, protocols, time: Math.floor(now()) })
  }, { maxRequestBytes: INFO_MAX_REQUEST_BYTES, timeoutMs: INFO_SERVE_TIMEOUT_MS })
}

/**
 * Ask `target` (a PeerId or a multiaddr ending in `/p2p/<peerId>`) for its info. Dial and stream
 * failures are typed protocol errors (`protocol-timeout`, `protocol-dial-failed`,
 * `protocol-unsupported`, ...); a malformed reply is `info-bad-message`, and a reply naming
 * another PeerId than the target's is `info-peer-mismatch`.
 */
export async function fetchInfo (host: Host, target: PeerTarget, options: FetchInfoOptions = {}): Promise<InfoReply> {
  const { peerId } = parseTarget(target)
  const timeoutMs = checkTimeout('timeoutMs', options.timeoutMs ?? DEFAULT_INFO_TIMEOUT_MS)
  const bytes = await request(host, target, INFO_PROTOCOL, encodeInfoRequest(), {
    timeoutMs,
    maxResponseBytes: INFO_MAX_REPLY_BYTES,
    ...(options.signal == null ? {} : { signal: options.signal })
  })
  const info = decodeInfoReply(bytes)
  if (peerId != null && info.peerId !== peerId) {
    throw new LienthongError(InfoErrorCode.PEER_MISMATCH, 'the info reply names another PeerId', { peer: peerId, claimed: info.peerId })
  }
  return info
}
