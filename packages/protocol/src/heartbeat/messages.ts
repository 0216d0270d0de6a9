import { decodeCanonicalCbor, encodeCbor } from '@lienthong/codec'
import { LienthongError, type ErrorMeta } from '@lienthong/errors'
import {
  HEARTBEAT_ADDRESS_MAX_LENGTH, HEARTBEAT_MAX_ADDRESSES, HEARTBEAT_VERSION_MAX_LENGTH, MAX_HEARTBEAT_BYTES,
  MAX_HEARTBEAT_REPLY_BYTES
} from './constants.js'
import { HeartbeatErrorCode } from './errors.js'

/**
 * Messages of HEARTBEAT_PROTOCOL, one request and one reply per stream, each a deterministic CBOR
 * map (cborg: canonical key order, smallest integers); decoding is strict (exactly these fields,
 * these types, these bounds, and bytes that re-encode identically):
 *
 * | message  | fields                                                                              |
 * | -------- | ----------------------------------------------------------------------------------- |
 * | request  | `{version, sentAt, addresses[], registrySeq, queues{queued, delivered, failed, inboxUnacked}, counters{sent, received, refused}}` |
 * | reply    | `{serverTime, registrySeq}`                                                          |
 */

/** Depths of the node's queues when the heartbeat was sent. */
export interface HeartbeatQueues {
  /** Outbox deliveries waiting (queued or retrying). */
  queued: number
  /** Outbox deliveries receipted. */
  delivered: number
  /** Outbox deliveries given up. */
  failed: number
  /** Inbox envelopes the local document system has not acknowledged. */
  inboxUnacked: number
}

/** Running totals of envelopes since the node started. */
export interface HeartbeatCounters {
  sent: number
  received: number
  refused: number
}

/** A node's heartbeat to the coordinator. */
export interface HeartbeatBody {
  /** Software version of the node, e.g. `0.1.0`. */
  version: string
  /** The node's clock when it sent the heartbeat (Unix ms). */
  sentAt: number
  /** The node's current listen multiaddrs. */
  addresses: string[]
  /** Seq of the last registry entry the node has applied (-1 when none). */
  registrySeq: number
  queues: HeartbeatQueues
  counters: HeartbeatCounters
}

/** What a node reports; `startHeartbeats` stamps `sentAt` itself. */
export type HeartbeatStatus = Omit<HeartbeatBody, 'sentAt'>

/** The coordinator's answer: its clock (for the node's skew estimate) and its registry head. */
export interface HeartbeatReply {
  serverTime: number
  registrySeq: number
}

const VERSION = /^[\x21-\x7e]+$/
const ADDRESS = /^\/\S+$/
const QUEUE_FIELDS = ['queued', 'delivered', 'failed', 'inboxUnacked'] as const
const COUNTER_FIELDS = ['sent', 'received', 'refused'] as const
const BODY_FIELDS = ['version', 'sentAt', 'addresses', 'registrySeq', 'queues', 'counters'] as const
const REPLY_FIELDS = ['serverTime', 'registrySeq'] as const

function bad (message: string, meta: ErrorMeta = {}): LienthongError {
  return new LienthongError(HeartbeatErrorCode.BAD_MESSAGE, message, meta)
}

/** A plain map with exactly `keys` (CBOR maps decode to plain objects). */
function exactMap (value: unknown, what: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array ||
    Object.getPrototypeOf(value) !== Object.prototype) throw bad(`${what} must be a map`, { what })
  const raw = value as Record<string, unknown>
  const present = Object.keys(raw)
  const unknown = present.find(k => !keys.includes(k))
  if (unknown !== undefined) throw bad(`${what} has an unknown field`, { what, field: unknown.slice(0, 64) })
  const missing = keys.find(k => !present.includes(k))
  if (missing !== undefined) throw bad(`${what} lacks a field`, { what, field: missing })
  return raw
}

function integer (value: unknown, what: string, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw bad(`${field} must be an integer ≥ ${min}`, { what, field })
  }
  return value
}

function counts<K extends string> (value: unknown, what: string, keys: readonly K[]): Record<K, number> {
  const raw = exactMap(value, what, keys)
  const out = {} as Record<K, number>
  for (const key of keys) out[key] = integer(raw[key], what, `${what}.${key}`, 0)
  return out
}

function addresses (value: unknown): string[] {
  if (!Array.isArray(value) || value.length > HEARTBEAT_MAX_ADDRESSES) {
    throw bad(`addresses must be a list of at most ${HEARTBEAT_MAX_ADDRESSES}`, { what: 'heartbeat', field: 'addresses' })
  }
  return value.map((a: unknown, i) => {
    if (typeof a !== 'string' || a.length > HEARTBEAT_ADDRESS_MAX_LENGTH || !ADDRESS.test(a)) {
      throw bad('an address must be a multiaddr string', { what: 'heartbeat', field: `addresses[${i}]` })
    }
    return a
  })
}

/** Check a decoded value as a heartbeat body; returns a fresh copy with only the known fields. */
function checkBody (value: unknown): HeartbeatBody {
  const raw = exactMap(value, 'heartbeat', BODY_FIELDS)
  const { version } = raw
  if (typeof version !== 'string' || version.length > HEARTBEAT_VERSION_MAX_LENGTH || !VERSION.test(version)) {
    throw bad(`version must be 1..${HEARTBEAT_VERSION_MAX_LENGTH} printable ASCII characters`, { what: 'heartbeat', field: 'version' })
  }
  return {
    version,
    sentAt: integer(raw.sentAt, 'heartbeat', 'sentAt', 0),
    addresses: addresses(raw.addresses),
    registrySeq: integer(raw.registrySeq, 'heartbeat', 'registrySeq', -1),
    queues: counts(raw.queues, 'queues', QUEUE_FIELDS),
    counters: counts(raw.counters, 'counters', COUNTER_FIELDS)
  }
}

function checkReply (value: unknown): HeartbeatReply {
  const raw = exactMap(value, 'heartbeat reply', REPLY_FIELDS)
  return {
    serverTime: integer(raw.serverTime, 'heartbeat reply', 'serverTime', 0),
    registrySeq: integer(raw.registrySeq, 'heartbeat reply', 'registrySeq', -1)
  }
}

/** Decode CBOR strictly, check it, and insist that it re-encodes to the same bytes. */
function strictDecode<T> (bytes: Uint8Array, what: string, maxBytes: number, check: (value: unknown) => T): T {
  const value = decodeCanonicalCbor(bytes, what, maxBytes, (reason, meta, cause) => {
    throw new LienthongError(HeartbeatErrorCode.BAD_MESSAGE, reason, meta, { cause })
  })
  return check(value)
}

function checkedForEncode<T> (value: T, check: (value: unknown) => T, what: string): T {
  try {
    return check(value)
  } catch (err) {
    // Encoding something malformed is the caller's mistake, not bad input from the wire.
    throw new TypeError(`invalid ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

/** Encode a heartbeat (TypeError when a field is out of its bounds). */
export function encodeHeartbeat (body: HeartbeatBody): Uint8Array {
  return encodeCbor(checkedForEncode(body, checkBody, 'heartbeat'))
}

/** Decode a heartbeat strictly; `heartbeat-bad-message` for anything malformed. */
export function decodeHeartbeat (bytes: Uint8Array): HeartbeatBody {
  return strictDecode(bytes, 'heartbeat', MAX_HEARTBEAT_BYTES, checkBody)
}

/** Encode a heartbeat reply (TypeError when a field is out of its bounds). */
export function encodeHeartbeatReply (reply: HeartbeatReply): Uint8Array {
  return encodeCbor(checkedForEncode(reply, checkReply, 'heartbeat reply'))
}

/** Decode a heartbeat reply strictly; `heartbeat-bad-message` for anything malformed. */
export function decodeHeartbeatReply (bytes: Uint8Array): HeartbeatReply {
  return strictDecode(bytes, 'heartbeat reply', MAX_HEARTBEAT_REPLY_BYTES, checkReply)
}
