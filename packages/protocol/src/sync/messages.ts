import { decodeCanonicalCbor, encodeCbor } from '@lienthong/codec'
import { SIGNATURE_LENGTH } from '@lienthong/crypto'
import { isLienthongError, LienthongError, type ErrorMeta } from '@lienthong/errors'
import {
  decodeSignedCheckpoint, encodeSignedCheckpoint, ENTRY_HASH_LENGTH, MAX_ENTRY_BYTES, RegistryErrorCode,
  type SignedCheckpoint, type SignedEntry
} from '@lienthong/registry'
import { ANNOUNCE_MAX_ENTRIES, SYNC_PAGE_LIMIT } from './constants.js'
import { RegistrySyncErrorCode } from './errors.js'

/**
 * Messages of REGISTRY_PROTOCOL, one request and one reply per stream, each a CBOR map:
 *
 * | request                                      | reply                              |
 * | -------------------------------------------- | ---------------------------------- |
 * | `{type:'head'}`                              | head `{seq, head, checkpoint?}`    |
 * | `{type:'entries', after, limit}` (≤ 1000)     | `{entries: [signed entry wire]}`   |
 * | `{type:'announce', seq, head, checkpoint?, entries?}` | head (the receiver's own) |
 *
 * `checkpoint` is a signed checkpoint in its wire form (`encodeSignedCheckpoint`); an announce's
 * `entries` are the newest signed entries (wire form), the last of them being entry `seq`. An empty
 * registry has seq -1 and a zero head. Decoding is strict: exactly these fields, these types.
 */
export type SyncRequest =
  | { type: 'head' }
  | { type: 'entries', after: number, limit: number }
  | ({ type: 'announce' } & AnnounceInfo)

/** A peer's view of its log: last seq, hash of that entry, latest checkpoint it holds. */
export interface HeadInfo {
  seq: number
  head: Uint8Array
  checkpoint?: SignedCheckpoint
}

/** What an announce carries: the head, and possibly the newest entries up to it. */
export interface AnnounceInfo extends HeadInfo {
  /** Signed entries in wire form ending at `seq` (at most ANNOUNCE_MAX_ENTRIES). */
  entries?: Uint8Array[]
}

function bad (message: string, meta: ErrorMeta = {}): LienthongError {
  return new LienthongError(RegistrySyncErrorCode.BAD_MESSAGE, message, meta)
}

/** Decode a CBOR map (a plain object with string keys). */
function map (bytes: Uint8Array, what: string): Record<string, unknown> {
  const value = decodeCanonicalCbor(bytes, what, Number.MAX_SAFE_INTEGER, (reason, meta, cause) => {
    throw new LienthongError(RegistrySyncErrorCode.BAD_MESSAGE, reason, meta, { cause })
  })
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array ||
    Object.getPrototypeOf(value) !== Object.prototype) throw bad(`${what} must be a map`, { what })
  return value as Record<string, unknown>
}

/** Check that `raw` has exactly the `required` fields and possibly some `optional` ones. */
function fields (raw: Record<string, unknown>, what: string, required: string[], optional: string[] = []): Record<string, unknown> {
  const keys = Object.keys(raw)
  const unknown = keys.find(k => !required.includes(k) && !optional.includes(k))
  if (unknown !== undefined) throw bad(`${what} has an unknown field`, { what, field: unknown.slice(0, 64) })
  const missing = required.find(k => !keys.includes(k))
  if (missing !== undefined) throw bad(`${what} lacks a field`, { what, field: missing })
  return raw
}

function seqField (value: unknown, what: string, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < -1) throw bad(`${field} must be an integer ≥ -1`, { what, field })
  return value
}

function headFields (raw: Record<string, unknown>, what: string): HeadInfo {
  const seq = seqField(raw.seq, what, 'seq')
  const { head, checkpoint } = raw
  if (!(head instanceof Uint8Array) || head.length !== ENTRY_HASH_LENGTH) throw bad('head must be 32 bytes', { what, field: 'head' })
  const info: HeadInfo = { seq, head: Uint8Array.from(head) }
  if (checkpoint !== undefined) {
    if (!(checkpoint instanceof Uint8Array)) throw bad('checkpoint must be bytes', { what, field: 'checkpoint' })
    try {
      info.checkpoint = decodeSignedCheckpoint(Uint8Array.from(checkpoint))
    } catch (err) {
      throw new LienthongError(RegistrySyncErrorCode.BAD_MESSAGE, 'checkpoint is malformed',
        { what, field: 'checkpoint', reason: isLienthongError(err) ? err.code : 'unknown' }, { cause: err })
    }
  }
  return info
}

function headValue (info: HeadInfo): Record<string, unknown> {
  return {
    seq: info.seq,
    head: info.head,
    checkpoint: info.checkpoint === undefined ? undefined : encodeSignedCheckpoint(info.checkpoint)
  }
}

/** Encode a request. */
export function encodeSyncRequest (request: SyncRequest): Uint8Array {
  switch (request.type) {
    case 'head': return encodeCbor({ type: 'head' })
    case 'entries': return encodeCbor({ type: 'entries', after: request.after, limit: request.limit })
    case 'announce': return encodeCbor({ type: 'announce', ...headValue(request), entries: request.entries })
  }
}

/** Decode a request strictly; `registry-sync-bad-message` otherwise. */
export function decodeSyncRequest (bytes: Uint8Array): SyncRequest {
  const raw = map(bytes, 'request')
  const { type } = raw
  switch (type) {
    case 'head':
      fields(raw, 'head request', ['type'])
      return { type }
    case 'entries': {
      fields(raw, 'entries request', ['type', 'after', 'limit'])
      const after = seqField(raw.after, 'entries request', 'after')
      const { limit } = raw
      if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > SYNC_PAGE_LIMIT) {
        throw bad(`limit must be an integer in 1..${SYNC_PAGE_LIMIT}`, { what: 'entries request', field: 'limit' })
      }
      return { type, after, limit }
    }
    case 'announce': {
      const info: AnnounceInfo = headFields(fields(raw, 'announce', ['type', 'seq', 'head'], ['checkpoint', 'entries']), 'announce')
      if (raw.entries !== undefined) info.entries = byteStrings(raw.entries, 'announce', Math.min(ANNOUNCE_MAX_ENTRIES, info.seq + 1))
      return { type, ...info }
    }
    default:
      throw bad('unknown request type', { what: 'request', type: typeof type === 'string' ? type.slice(0, 32) : typeof type })
  }
}

/** Encode a head reply. */
export function encodeHeadReply (info: HeadInfo): Uint8Array {
  return encodeCbor(headValue(info))
}

/** Decode a head reply strictly. */
export function decodeHeadReply (bytes: Uint8Array): HeadInfo {
  return headFields(fields(map(bytes, 'head reply'), 'head reply', ['seq', 'head'], ['checkpoint']), 'head reply')
}

/** Encode a page of signed entries (each in its wire form, `encodeSignedEntry`). */
export function encodeEntriesReply (entries: readonly Uint8Array[]): Uint8Array {
  return encodeCbor({ entries })
}

/** Decode a page reply: at most SYNC_PAGE_LIMIT byte strings (decoding each entry is the caller's job). */
export function decodeEntriesReply (bytes: Uint8Array): Uint8Array[] {
  return byteStrings(fields(map(bytes, 'entries reply'), 'entries reply', ['entries']).entries, 'entries reply', SYNC_PAGE_LIMIT)
}

function byteStrings (value: unknown, what: string, max: number): Uint8Array[] {
  if (!Array.isArray(value) || value.length > max || !value.every(e => e instanceof Uint8Array)) {
    throw bad(`entries must be a list of at most ${max} byte strings`, { what, field: 'entries' })
  }
  return value
}

/**
 * Split a signed entry's wire form `[bytes, signature]` without decoding the entry itself:
 * `Registry.applyBatch` checks the signature over these exact bytes first and then decodes them
 * strictly, so decoding here too (`decodeSignedEntry`) would only double the cost of a sync.
 * `registry-malformed` when the shape or sizes are wrong.
 */
export function splitSignedEntry (wire: Uint8Array): SignedEntry {
  const value = decodeCanonicalCbor(wire, 'signed entry', MAX_ENTRY_BYTES + 2 * SIGNATURE_LENGTH, (reason, meta, cause) => {
    throw new LienthongError(RegistryErrorCode.MALFORMED, reason, meta, { cause })
  })
  if (!Array.isArray(value) || value.length !== 2) {
    throw new LienthongError(RegistryErrorCode.MALFORMED, 'a signed entry must be [bytes, signature]', { what: 'signed entry' })
  }
  const [bytes, signature] = value as unknown[]
  if (!(bytes instanceof Uint8Array) || !(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH || bytes.length > MAX_ENTRY_BYTES) {
    throw new LienthongError(RegistryErrorCode.MALFORMED, 'a signed entry must hold entry bytes and a 64-byte signature', { what: 'signed entry' })
  }
  return { bytes, signature }
}
