import { LienthongError } from '@lienthong/errors'
import { encodeSeq } from './codec.js'
import { StoreErrorCode } from './errors.js'
import {
  RecordReader, RecordWriter, assertBytes, assertToken, assertUint, assertUlid, concatBytes
} from './record-codec.js'

/** One envelope handed to `Inbox.accept` by the delivery receiver, after verification. */
export interface InboxItem {
  /** Envelope id (ULID). */
  id: string
  /** PeerId of the node that delivered it. */
  senderPeerId: string
  /** The signed envelope as received. */
  envelopeBytes: Uint8Array
  /** SHA-256 of the payload when it is stored as a blob. */
  payloadHash?: Uint8Array
  payloadLength: number
  /** The signed receipt this node returns for it (returned again for every duplicate). */
  receiptBytes: Uint8Array
  receivedAt: number
}

/** A stored inbox entry. */
export interface InboxEntry {
  id: string
  /** Its position in arrival order: pass as `after` to list what came later. */
  cursor: string
  senderPeerId: string
  envelopeBytes: Uint8Array
  payloadHash?: Uint8Array
  payloadLength: number
  receivedAt: number
  acked: boolean
  ackedAt?: number
}

/** The outcome of one item of `Inbox.accept`. */
export interface AcceptResult {
  id: string
  /** True when the id was already in the inbox (or earlier in the same call): nothing was written for it. */
  duplicate: boolean
  /** The receipt to return: the original one for a duplicate. */
  receipt: Uint8Array
  /** The entry's cursor (the original entry's for a duplicate). */
  cursor: string
}

/** Options of `Inbox.list`. */
export interface InboxListOptions {
  /** Only entries that arrived after this cursor. Default: from the start. */
  after?: string
  /** At most this many entries (1 to `MAX_PAGE_LIMIT`). */
  limit: number
}

/** A page of unacknowledged entries, oldest first. */
export interface InboxPage {
  entries: InboxEntry[]
  /** Pass as `after` for the next page: the last entry's cursor, else the `after` given. */
  cursor?: string
}

/** Options of `Inbox.follow`. */
export interface FollowOptions {
  /** Ends the iteration (without error) when aborted. */
  signal?: AbortSignal
}

/** Options of `Inbox.open`. */
export interface InboxOptions {
  /** Bound on ops queued in the inbox's group committer. */
  maxPendingOps?: number
}

const ENTRY_VERSION = 1

/** TypeError unless `item` is well-formed. */
export function checkItem (item: InboxItem, index: number): void {
  if (typeof item !== 'object' || item === null) throw new TypeError(`item ${index} must be an object`)
  assertUlid(item.id, `item ${index} id`)
  assertToken(item.senderPeerId, `item ${index} senderPeerId`)
  assertBytes(item.envelopeBytes, `item ${index} envelopeBytes`)
  if (item.payloadHash !== undefined) assertBytes(item.payloadHash, `item ${index} payloadHash`, 32)
  assertUint(item.payloadLength, `item ${index} payloadLength`)
  assertBytes(item.receiptBytes, `item ${index} receiptBytes`)
  assertUint(item.receivedAt, `item ${index} receivedAt`)
}

/** The cursor string of an arrival seq (decimal; callers treat it as opaque). */
export function encodeCursor (seq: number): string {
  return String(seq)
}

/** The seq of a cursor; `inbox-bad-cursor` for anything this store did not hand out. */
export function decodeCursor (cursor: unknown): number {
  if (typeof cursor === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(cursor)) {
    const seq = Number(cursor)
    if (Number.isSafeInteger(seq)) return seq
  }
  throw new LienthongError(StoreErrorCode.INBOX_BAD_CURSOR, 'not an inbox cursor')
}

export function encodeEntry (item: InboxItem): Uint8Array {
  return new RecordWriter().u8(ENTRY_VERSION).str(item.id).str(item.senderPeerId).u64(item.receivedAt)
    .u64(item.payloadLength).optBytes(item.payloadHash).bytes(item.envelopeBytes).finish()
}

export function decodeEntry (seq: number, bytes: Uint8Array, ackedAt: number | undefined): InboxEntry {
  const r = new RecordReader(bytes, 'inbox-entry')
  if (r.u8() !== ENTRY_VERSION) r.fail()
  const id = r.str()
  const senderPeerId = r.str()
  const receivedAt = r.u64()
  const payloadLength = r.u64()
  const payloadHash = r.optBytes()
  const envelopeBytes = r.bytes()
  r.end()
  const entry: InboxEntry = {
    id, cursor: encodeCursor(seq), senderPeerId, envelopeBytes, payloadLength, receivedAt, acked: ackedAt !== undefined
  }
  if (payloadHash !== undefined) entry.payloadHash = payloadHash
  if (ackedAt !== undefined) entry.ackedAt = ackedAt
  return entry
}

/** Dedupe value: the arrival seq and the original receipt. */
export function encodeDedupe (seq: number, receipt: Uint8Array): Uint8Array {
  return concatBytes(encodeSeq(seq), receipt)
}

export function decodeDedupe (bytes: Uint8Array): { seq: number, receipt: Uint8Array } {
  const r = new RecordReader(bytes, 'inbox-dedupe')
  const seq = r.u64()
  return { seq, receipt: bytes.slice(8) }
}

export function decodeAckedAt (bytes: Uint8Array): number {
  const r = new RecordReader(bytes, 'inbox-acked')
  const at = r.u64()
  r.end()
  return at
}
