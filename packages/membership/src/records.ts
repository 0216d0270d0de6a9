import { LienthongError } from '@lienthong/errors'
import type { Assessment } from './assessment.js'
import { CHECKLIST_ITEMS } from './constants.js'
import { MembershipErrorCode } from './errors.js'
import { isPlainMap, type Raw } from './fields.js'
import { decodeJoinRequest, type JoinRequest } from './join-request.js'
import { decodePauseRequest, type PauseRequest } from './pause-request.js'
import { decodeCborMap, encodeCbor } from './signed.js'

/** Where a request stands: `pending` until an operator approves or rejects it. */
export type RequestStatus = 'pending' | 'approved' | 'rejected'

/** One item of the operator's manual checklist. */
export type ChecklistItem = typeof CHECKLIST_ITEMS[number]

/** The operator's verdict on one checklist item. */
export interface ChecklistMark {
  ok: boolean
  note?: string
  /** Token name of the operator. */
  by: string
  at: number
}

/** The manual checklist: items not yet looked at are absent. */
export type Checklist = { [K in ChecklistItem]?: ChecklistMark }

/** Who decided, when, why. */
export interface Decision {
  by: string
  at: number
  reason?: string
}

/** What every stored request has. */
export interface RequestRecord<T> {
  /** Time-prefixed id (26 characters, sortable). */
  id: string
  receivedAt: number
  status: RequestStatus
  peerId: string
  request: T
  /** The exact signed bytes and the node's signature: the evidence. */
  bytes: Uint8Array
  signature: Uint8Array
  /** Set when approved or rejected. */
  decision?: Decision
}

/** A stored join request with its latest automated assessment and the manual checklist. */
export interface JoinRequestRecord extends RequestRecord<JoinRequest> {
  assessment?: Assessment
  checklist: Checklist
}

/** A stored pause request. */
export type PauseRequestRecord = RequestRecord<PauseRequest>

/** What an applicant may read about its own request: no contacts, no checklist notes. */
export interface PublicRequestStatus {
  id: string
  status: RequestStatus
  receivedAt: number
  decidedAt?: number
  /** Only when rejected: the operator's reason. */
  reason?: string
}

const RECORD_VERSION = 1
const STATUSES: readonly string[] = ['pending', 'approved', 'rejected']

function corrupt (reason: string, cause?: unknown): LienthongError {
  return new LienthongError(MembershipErrorCode.STORE_CORRUPT, 'a stored membership record cannot be read', { reason }, { cause })
}

function str (v: unknown, what: string): string {
  if (typeof v !== 'string') throw corrupt(`${what} is not a string`)
  return v
}

function num (v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw corrupt(`${what} is not a number`)
  return v
}

function optional<T> (v: unknown, read: (v: unknown) => T): T | undefined {
  return v === undefined ? undefined : read(v)
}

function decision (v: unknown): Decision {
  if (!isPlainMap(v)) throw corrupt('decision is not a map')
  const out: Decision = { by: str(v.by, 'decision.by'), at: num(v.at, 'decision.at') }
  const reason = optional(v.reason, r => str(r, 'decision.reason'))
  if (reason !== undefined) out.reason = reason
  return out
}

function checklist (v: unknown): Checklist {
  if (!isPlainMap(v)) throw corrupt('checklist is not a map')
  const out: Checklist = {}
  for (const item of CHECKLIST_ITEMS) {
    const mark = v[item]
    if (mark === undefined) continue
    if (!isPlainMap(mark) || typeof mark.ok !== 'boolean') throw corrupt(`checklist.${item} is malformed`)
    const m: ChecklistMark = { ok: mark.ok, by: str(mark.by, 'checklist.by'), at: num(mark.at, 'checklist.at') }
    const note = optional(mark.note, n => str(n, 'checklist.note'))
    if (note !== undefined) m.note = note
    out[item] = m
  }
  return out
}

function assessment (v: unknown): Assessment {
  if (!isPlainMap(v) || typeof v.ok !== 'boolean' || !Array.isArray(v.checks)) throw corrupt('assessment is malformed')
  for (const c of v.checks as unknown[]) {
    if (!isPlainMap(c) || typeof c.name !== 'string' || typeof c.ok !== 'boolean' || typeof c.detail !== 'string') {
      throw corrupt('assessment check is malformed')
    }
  }
  num(v.ranAt, 'assessment.ranAt')
  return v as unknown as Assessment
}

function base (raw: Raw): Omit<RequestRecord<unknown>, 'request'> {
  if (raw.v !== RECORD_VERSION) throw corrupt('unknown record version')
  const status = str(raw.status, 'status')
  if (!STATUSES.includes(status)) throw corrupt('unknown status')
  if (!(raw.bytes instanceof Uint8Array) || !(raw.signature instanceof Uint8Array)) throw corrupt('request bytes are missing')
  const out: Omit<RequestRecord<unknown>, 'request'> = {
    id: str(raw.id, 'id'),
    receivedAt: num(raw.receivedAt, 'receivedAt'),
    status: status as RequestStatus,
    peerId: str(raw.peerId, 'peerId'),
    bytes: Uint8Array.from(raw.bytes),
    signature: Uint8Array.from(raw.signature)
  }
  const d = optional(raw.decision, decision)
  if (d !== undefined) out.decision = d
  return out
}

function readMap (bytes: Uint8Array): Raw {
  return decodeCborMap(bytes, (reason, cause) => corrupt(`record ${reason}`, cause))
}

function request<T> (decode: (b: Uint8Array) => T, bytes: Uint8Array): T {
  try {
    return decode(bytes)
  } catch (err) {
    throw corrupt('stored request bytes do not decode', err)
  }
}

/** Encode a record for storage (the decoded request is not stored: its bytes are). */
export function encodeRecord (record: JoinRequestRecord | PauseRequestRecord): Uint8Array {
  const { request: _request, ...rest } = record
  return encodeCbor({ v: RECORD_VERSION, ...rest })
}

/** Decode a stored join request record; `membership-store-corrupt` if it cannot be read. */
export function decodeJoinRecord (bytes: Uint8Array): JoinRequestRecord {
  const raw = readMap(bytes)
  const out: JoinRequestRecord = { ...base(raw), request: request(decodeJoinRequest, raw.bytes as Uint8Array), checklist: checklist(raw.checklist) }
  const a = optional(raw.assessment, assessment)
  if (a !== undefined) out.assessment = a
  return out
}

/** Decode a stored pause request record; `membership-store-corrupt` if it cannot be read. */
export function decodePauseRecord (bytes: Uint8Array): PauseRequestRecord {
  const raw = readMap(bytes)
  return { ...base(raw), request: request(decodePauseRequest, raw.bytes as Uint8Array) }
}

/** The applicant's view of a record. */
export function publicView (record: RequestRecord<unknown>): PublicRequestStatus {
  const out: PublicRequestStatus = { id: record.id, status: record.status, receivedAt: record.receivedAt }
  if (record.decision !== undefined) out.decidedAt = record.decision.at
  if (record.status === 'rejected' && record.decision?.reason !== undefined) out.reason = record.decision.reason
  return out
}
