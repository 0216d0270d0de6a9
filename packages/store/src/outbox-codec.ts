import { decodeSeq, encodeSeq, view } from './codec.js'
import { RecordReader, RecordWriter, concatBytes, utf8 } from './record-codec.js'
import { keyBytes } from './transient.js'

/** State of one delivery (an envelope to one recipient node). */
export type DeliveryStateName = 'queued' | 'delivered' | 'failed'

/** Delivery states in their stored order (the stored byte is the index). */
export const DELIVERY_STATES: readonly DeliveryStateName[] = ['queued', 'delivered', 'failed']

/** One recipient organisation of an outbox record and the node that hosts it. */
export interface OutboxRecipient {
  /** Recipient organisation code. */
  org: string
  /** PeerId of the node that hosts `org`. */
  nodePeerId: string
  /** The retired organisation code the sender named, when the registry redirected it to `org`. */
  redirectedFrom?: string
}

/** The reason a delivery attempt (or the delivery) failed. */
export interface DeliveryError {
  code: string
  message: string
  at: number
}

/** Where the delivery of an envelope to one recipient node stands. */
export interface DeliveryState {
  peerId: string
  state: DeliveryStateName
  /** Failed attempts so far. */
  attempts: number
  /** When the next attempt is due (ms); meaningful while queued. */
  nextAttemptAt: number
  /** When this state was last written (ms). */
  updatedAt: number
  /** The recipient's signed receipt, once delivered. */
  receipt?: Uint8Array
  /** The last failure: the final reason once failed, else the last failed attempt's (kept once delivered). */
  lastError?: DeliveryError
}

/** A status envelope received for an outbox record. */
export interface OutboxStatus {
  /** National status code (received, accepted, ...). */
  code: string
  /** When the status was issued (ms). */
  at: number
  /** Who sent it (organisation code or PeerId, as the caller records it). */
  from: string
  /** Id of the status envelope. */
  envelopeId: string
}

/** The stored head of an outbox record: what `submit` wrote. */
export interface OutboxRecordHead {
  id: string
  envelopeBytes: Uint8Array
  payloadHash?: Uint8Array
  recipients: OutboxRecipient[]
  createdAt: number
  expiresAt: number
}

const RECORD_VERSION = 1
const SEP = Uint8Array.of(0)
const GLOBAL_TAG = utf8('g')
const PEER_TAG = utf8('p')
const ID_LENGTH = 26

export const recordKey = (id: string): Uint8Array => keyBytes(id)
export const deliveryKey = (id: string, peer: string): Uint8Array => keyBytes(id, SEP, peer)
export const statusKey = (id: string, envelopeId: string): Uint8Array => concatBytes(utf8(id), SEP, utf8(envelopeId))

/** Key range of every row `id ‖ 0 ‖ …` (deliveries or statuses of one record). */
export function childRange (id: string): { gt: Uint8Array, lt: Uint8Array } {
  return { gt: concatBytes(utf8(id), SEP), lt: concatBytes(utf8(id), Uint8Array.of(1)) }
}

/** The part after `id ‖ 0` of a child key: the peer of a delivery key, the envelope id of a status key. */
export function childSuffix (key: Uint8Array): string {
  return Buffer.from(key.subarray(ID_LENGTH + 1)).toString('utf8')
}

/** Position of a queued delivery in the due index. */
export interface DuePosition {
  at: number
  id: string
  peer: string
}

/** Key range of the global due index earlier versions also wrote (`g ‖ at ‖ id ‖ peer`): removed at open. */
export const LEGACY_DUE_GLOBAL_RANGE = { gte: GLOBAL_TAG, lt: utf8('h') }
export const duePeerKey = (p: DuePosition): Uint8Array => keyBytes('p', p.peer, SEP, encodeSeq(p.at), p.id)

/** Key range of one peer's due-index rows with time ≤ `now`. */
export function dueRange (now: number, peer: string): { gte: Uint8Array, lt: Uint8Array } {
  const end = encodeSeq(Math.min(now + 1, Number.MAX_SAFE_INTEGER))
  const prefix = concatBytes(PEER_TAG, utf8(peer), SEP)
  return { gte: prefix, lt: concatBytes(prefix, end) }
}

/** Decode a per-peer due key of `peer`. */
export function decodeDueKey (key: Uint8Array, peer: string): DuePosition | undefined {
  const offset = 1 + utf8(peer).length + 1
  const at = decodeSeq(key, offset)
  if (at === undefined || key.length !== offset + 8 + ID_LENGTH) return undefined
  return { at, id: Buffer.from(key.subarray(offset + 8)).toString('utf8'), peer }
}

/** Decode any per-peer due key (the peer read from the key); undefined when malformed. */
export function decodeDuePeerKey (key: Uint8Array): DuePosition | undefined {
  const end = key.indexOf(0, 1)
  if (key[0] !== PEER_TAG[0] || end < 2) return undefined
  return decodeDueKey(key, Buffer.from(key.subarray(1, end)).toString('utf8'))
}

/** Key range of every per-peer due key. */
export const DUE_PEER_RANGE = { gte: PEER_TAG, lt: utf8('q') }

/** Opaque cursor of a due position: base64url of time ‖ id ‖ peer. */
export function encodeDueCursor (p: DuePosition): string {
  return Buffer.from(concatBytes(encodeSeq(p.at), utf8(p.id), utf8(p.peer))).toString('base64url')
}

/** Inverse of {@link encodeDueCursor}; undefined when malformed. */
export function decodeDueCursor (cursor: string): DuePosition | undefined {
  const bytes = Buffer.from(cursor, 'base64url')
  const at = decodeSeq(bytes)
  if (at === undefined || bytes.length <= 8 + ID_LENGTH) return undefined
  const text = bytes.subarray(8).toString('utf8')
  return { at, id: text.slice(0, ID_LENGTH), peer: text.slice(ID_LENGTH) }
}

export function encodeRecord (r: OutboxRecordHead): Uint8Array {
  const w = new RecordWriter().u8(RECORD_VERSION).u64(r.createdAt).u64(r.expiresAt).optBytes(r.payloadHash)
  w.u32(r.recipients.length)
  for (const recipient of r.recipients) w.str(recipient.org).str(recipient.nodePeerId).optStr(recipient.redirectedFrom)
  return w.bytes(r.envelopeBytes).finish()
}

export function decodeRecord (id: string, bytes: Uint8Array): OutboxRecordHead {
  const r = new RecordReader(bytes, 'outbox-record')
  if (r.u8() !== RECORD_VERSION) r.fail()
  const createdAt = r.u64()
  const expiresAt = r.u64()
  const payloadHash = r.optBytes()
  const recipients: OutboxRecipient[] = []
  for (let n = r.u32(); n > 0; n--) {
    const org = r.str()
    const nodePeerId = r.str()
    const redirectedFrom = r.optStr()
    recipients.push(redirectedFrom === undefined ? { org, nodePeerId } : { org, nodePeerId, redirectedFrom })
  }
  const envelopeBytes = r.bytes()
  r.end()
  return { id, envelopeBytes, ...(payloadHash === undefined ? {} : { payloadHash }), recipients, createdAt, expiresAt }
}

export function encodeDelivery (d: DeliveryState): Uint8Array {
  const w = new RecordWriter().u8(DELIVERY_STATES.indexOf(d.state)).u32(d.attempts).u64(d.nextAttemptAt).u64(d.updatedAt)
  w.optBytes(d.receipt)
  if (d.lastError === undefined) w.u8(0)
  else w.u8(1).str(d.lastError.code).str(d.lastError.message).u64(d.lastError.at)
  return w.finish()
}

export function decodeDelivery (peerId: string, bytes: Uint8Array): DeliveryState {
  const r = new RecordReader(bytes, 'outbox-delivery')
  const state = DELIVERY_STATES[r.u8()] ?? r.fail()
  const attempts = r.u32()
  const nextAttemptAt = r.u64()
  const updatedAt = r.u64()
  const receipt = r.optBytes()
  const hasError = r.u8()
  if (hasError > 1) r.fail()
  const lastError = hasError === 1 ? { code: r.str(), message: r.str(), at: r.u64() } : undefined
  r.end()
  const out: DeliveryState = { peerId, state, attempts, nextAttemptAt, updatedAt }
  if (receipt !== undefined) out.receipt = view(receipt)
  if (lastError !== undefined) out.lastError = lastError
  return out
}

export function encodeStatus (s: OutboxStatus): Uint8Array {
  return new RecordWriter().str(s.code).u64(s.at).str(s.from).finish()
}

export function decodeStatus (envelopeId: string, bytes: Uint8Array): OutboxStatus {
  const r = new RecordReader(bytes, 'outbox-status')
  const status = { code: r.str(), at: r.u64(), from: r.str(), envelopeId }
  r.end()
  return status
}
