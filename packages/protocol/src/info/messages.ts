import { decodeCanonicalCbor, encodeCbor } from '@lienthong/codec'
import { LienthongError, type ErrorMeta } from '@lienthong/errors'
import {
  INFO_MAX_PROTOCOL_LENGTH, INFO_MAX_PROTOCOLS, INFO_MAX_REPLY_BYTES, INFO_MAX_REQUEST_BYTES, INFO_MAX_SOFTWARE_LENGTH
} from './constants.js'
import { InfoErrorCode } from './errors.js'

/**
 * Messages of INFO_PROTOCOL, one request and one reply per stream, each a deterministic CBOR map:
 *
 * | request          | reply                                             |
 * | ---------------- | ------------------------------------------------- |
 * | `{type:'info'}`  | `{peerId, software, protocols: [id…], time: ms}`  |
 *
 * `protocols` are sorted and distinct, each starting with `/`; `time` is the node's clock (Unix
 * ms) when it answered. Decoding is strict: exactly these fields and types, canonical encoding.
 */
export interface InfoReply {
  /** The answering node's PeerId (`12D3KooW…`). */
  peerId: string
  /** Its software version, e.g. `lienthong-node/0.1.0`. */
  software: string
  /** Protocol ids it serves, sorted. */
  protocols: string[]
  /** Its clock when it answered (Unix ms). */
  time: number
}

const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{1,128}$/
const PROTOCOL_ID = /^\/[\x21-\x7e]*$/

/** True when `value` holds a C0 control character or DEL. */
export function hasControl (value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x20 || c === 0x7f) return true
  }
  return false
}

function bad (message: string, meta: ErrorMeta): LienthongError {
  return new LienthongError(InfoErrorCode.BAD_MESSAGE, message, meta)
}

/** A CBOR map with exactly `keys`, in canonical encoding. */
function strictMap (bytes: Uint8Array, what: string, maxBytes: number, keys: readonly string[]): Record<string, unknown> {
  const value = decodeCanonicalCbor(bytes, what, maxBytes, (reason, meta, cause) => {
    throw new LienthongError(InfoErrorCode.BAD_MESSAGE, reason, meta, { cause })
  })
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
    throw bad(`${what} must be a map`, { what })
  }
  const raw = value as Record<string, unknown>
  const unknown = Object.keys(raw).find(k => !keys.includes(k))
  if (unknown !== undefined) throw bad(`${what} has an unknown field`, { what, field: unknown.slice(0, 64) })
  const missing = keys.find(k => !Object.hasOwn(raw, k))
  if (missing !== undefined) throw bad(`${what} lacks a field`, { what, field: missing })
  return raw
}

function checkReply (info: InfoReply, what: string): InfoReply {
  const { peerId, software, protocols, time } = info
  if (typeof peerId !== 'string' || !PEER_ID.test(peerId)) throw bad('peerId must be a PeerId string', { what, field: 'peerId' })
  if (typeof software !== 'string' || software.length < 1 || software.length > INFO_MAX_SOFTWARE_LENGTH ||
    hasControl(software)) {
    throw bad(`software must be 1..${INFO_MAX_SOFTWARE_LENGTH} printable characters`, { what, field: 'software' })
  }
  if (!Array.isArray(protocols) || protocols.length > INFO_MAX_PROTOCOLS) {
    throw bad(`protocols must be a list of at most ${INFO_MAX_PROTOCOLS} ids`, { what, field: 'protocols' })
  }
  protocols.forEach((p: unknown, i) => {
    if (typeof p !== 'string' || p.length > INFO_MAX_PROTOCOL_LENGTH || !PROTOCOL_ID.test(p)) {
      throw bad('a protocol id must be a printable string starting with "/"', { what, field: `protocols[${i}]` })
    }
    if (i > 0 && p <= (protocols[i - 1] as string)) throw bad('protocols must be sorted and distinct', { what, field: `protocols[${i}]` })
  })
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) throw bad('time must be Unix ms', { what, field: 'time' })
  return info
}

/** The info request (always the same bytes). */
export function encodeInfoRequest (): Uint8Array {
  return encodeCbor({ type: 'info' })
}

/** Check an info request; `info-bad-message` unless it is exactly `{type:'info'}`. */
export function decodeInfoRequest (bytes: Uint8Array): { type: 'info' } {
  const raw = strictMap(bytes, 'info request', INFO_MAX_REQUEST_BYTES, ['type'])
  if (raw.type !== 'info') throw bad('unknown request type', { what: 'info request', field: 'type' })
  return { type: 'info' }
}

/** Encode a reply (protocols sorted and deduplicated); TypeError for a value that would not decode. */
export function encodeInfoReply (info: InfoReply): Uint8Array {
  const value = { ...info, protocols: [...new Set(info.protocols)].sort() }
  try {
    checkReply(value, 'info reply')
  } catch (err) {
    throw new TypeError(`invalid info reply: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  return encodeCbor({ peerId: value.peerId, software: value.software, protocols: value.protocols, time: value.time })
}

/** Decode a reply strictly; `info-bad-message` (`meta.field`) otherwise. */
export function decodeInfoReply (bytes: Uint8Array): InfoReply {
  const raw = strictMap(bytes, 'info reply', INFO_MAX_REPLY_BYTES, ['peerId', 'software', 'protocols', 'time'])
  const info = checkReply(raw as unknown as InfoReply, 'info reply')
  return { peerId: info.peerId, software: info.software, protocols: [...info.protocols], time: info.time }
}
