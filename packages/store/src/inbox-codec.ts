import { LienthongError } from '@lienthong/errors'
import { StoreErrorCode } from './errors.js'
import {
  RecordReader, assertBytes, assertToken, assertUint, assertUlid
} from './record-codec.js'
import { transientBytes } from './transient.js'

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

/**
 * TypeError unless `item` is well-formed (the message names the item's index; built only on
 * failure, as this runs for every received envelope).
 */
export function checkItem (item: InboxItem, index: number): void {
  if (typeof item !== 'object' || item === null) throw new TypeError(`item ${index} must be an object`)
  try {
    assertUlid(item.id, 'id')
    assertToken(item.senderPeerId, 'senderPeerId')
    assertBytes(item.envelopeBytes, 'envelopeBytes')
    if (item.payloadHash !== undefined) assertBytes(item.payloadHash, 'payloadHash', 32)
    assertUint(item.payloadLength, 'payloadLength')
    assertBytes(item.receiptBytes, 'receiptBytes')
    assertUint(item.receivedAt, 'receivedAt')
  } catch (err) {
    if (err instanceof TypeError) throw new TypeError(`item ${index} ${err.message}`, { cause: err })
    throw err
  }
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

const TWO_32 = 2 ** 32
const encoder = new TextEncoder()

/** Writes fixed-width big-endian integers and u32-length-prefixed strings into one buffer. */
class Cursor {
  readonly out: Uint8Array
  readonly #view: DataView
  #at = 0

  // Records are written and dropped: transient bytes (see transient.ts).
  constructor (length: number) {
    this.out = transientBytes(length)
    this.#view = new DataView(this.out.buffer, this.out.byteOffset, length)
  }

  u8 (n: number): this {
    this.out[this.#at++] = n
    return this
  }

  u32 (n: number): this {
    this.#view.setUint32(this.#at, n)
    this.#at += 4
    return this
  }

  u64 (n: number): this {
    this.#view.setUint32(this.#at, Math.floor(n / TWO_32))
    this.#view.setUint32(this.#at + 4, n >>> 0)
    this.#at += 8
    return this
  }

  bytes (b: Uint8Array): this {
    this.u32(b.length)
    this.out.set(b, this.#at)
    this.#at += b.length
    return this
  }

  /** An ASCII string (ids and PeerIds are checked ASCII tokens: one byte per character). */
  ascii (s: string): this {
    this.u32(s.length)
    encoder.encodeInto(s, this.out.subarray(this.#at, this.#at + s.length))
    this.#at += s.length
    return this
  }
}

/**
 * The stored entry: the layout `RecordWriter` writes (`u8 v1 ‖ str id ‖ str sender ‖ u64
 * receivedAt ‖ u64 payloadLength ‖ optBytes payloadHash ‖ bytes envelope`), built in one buffer
 * (this runs once per received envelope). `checkItem` has made `id` and `senderPeerId` ASCII.
 */
export function encodeEntry (item: InboxItem): Uint8Array {
  const hash = item.payloadHash
  const length = 1 + 4 + item.id.length + 4 + item.senderPeerId.length + 8 + 8 + 1 + (hash === undefined ? 0 : 4 + hash.length) + 4 + item.envelopeBytes.length
  const c = new Cursor(length).u8(ENTRY_VERSION).ascii(item.id).ascii(item.senderPeerId).u64(item.receivedAt).u64(item.payloadLength)
  if (hash === undefined) c.u8(0)
  else c.u8(1).bytes(hash)
  return c.bytes(item.envelopeBytes).out
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
  const c = new Cursor(8 + receipt.length).u64(seq)
  c.out.set(receipt, 8)
  return c.out
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
