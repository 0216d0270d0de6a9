import { LienthongError, type JsonValue } from '@lienthong/errors'
import { decodeSeq, encodeSeq, type BatchOp, type Database, type Namespace } from '@lienthong/store'
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './constants.js'
import { MembershipErrorCode } from './errors.js'
import { checkActor, checkReason, pageLimit } from './inputs.js'
import type { Serial } from './serial.js'
import { decodeCborMap, encodeCbor } from './signed.js'

/** What an admin action records: who, what, on what, why. */
export interface AuditInput {
  /** Token name of the operator, or `system`. */
  actor: string
  /** Dotted action name, e.g. `join.approve`, `node.revoke`. */
  action: string
  /** What it acted on: a request id, a PeerId, an organisation code… */
  target: string
  /** The operator's reason (≤ 2000 characters). */
  reason?: string
  /** Any JSON details (≤ 16 KiB encoded). */
  detail?: JsonValue
}

/** One audit log entry: the input plus its sequence number and time. */
export interface AuditEntry extends AuditInput {
  /** 1, 2, 3… in the order the actions happened. */
  seq: number
  /** Unix ms. */
  at: number
}

/** Options of `AuditLog.list`. */
export interface AuditListOptions {
  /** Only entries after this seq (ascending order). */
  since?: number
  /** Only entries before this seq (for newest-first paging with `order: 'desc'`). */
  before?: number
  /** Default 100, at most 1000. */
  limit?: number
  /** `asc` (default, oldest first) or `desc`. */
  order?: 'asc' | 'desc'
}

const ACTION = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/
const MAX_DETAIL_BYTES = 16 * 1024

/**
 * The append-only audit log of admin actions, in the store's `audit` namespace (u64 BE seq →
 * CBOR entry). Entries are never changed or deleted. Decisions taken through `MembershipStore`
 * write their entry in the same batch as the change itself.
 */
export class AuditLog {
  readonly #db: Database
  readonly #ns: Namespace
  readonly #serial: Serial
  readonly #now: () => number
  #next: number

  /** @internal built by `MembershipStore.open`. */
  constructor (db: Database, ns: Namespace, serial: Serial, now: () => number, next: number) {
    this.#db = db
    this.#ns = ns
    this.#serial = serial
    this.#now = now
    this.#next = next
  }

  /** @internal the seq the next entry gets, read from disk at open. */
  static async nextSeq (ns: Namespace): Promise<number> {
    for await (const key of ns.keys({ reverse: true, limit: 1 })) return (decodeSeq(key) ?? 0) + 1
    return 1
  }

  /**
   * @internal an entry and its write, to go into a caller's batch; `commit()` once written.
   * Must run inside the store's serial section.
   */
  prepare (input: AuditInput): { entry: AuditEntry, op: BatchOp, commit: () => void } {
    const entry = checkInput(input, this.#next, this.#now())
    const value = encodeCbor(entry)
    if (value.length > MAX_DETAIL_BYTES + 8 * 1024) throw new TypeError('audit detail is too large')
    return {
      entry,
      op: { type: 'put', namespace: this.#ns, key: encodeSeq(entry.seq), value },
      commit: () => { this.#next = entry.seq + 1 }
    }
  }

  /** Record an admin action (synced to disk before it resolves). */
  async record (input: AuditInput): Promise<AuditEntry> {
    return await this.#serial.run(async () => {
      const prepared = this.prepare(input)
      await this.#db.batch([prepared.op])
      prepared.commit()
      return prepared.entry
    })
  }

  /** Entries in seq order (oldest first unless `order: 'desc'`). */
  async list (options: AuditListOptions = {}): Promise<AuditEntry[]> {
    const limit = pageLimit(options.limit ?? DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT)
    const range: { gt?: Uint8Array, lt?: Uint8Array } = {}
    if (options.since != null) range.gt = encodeSeq(options.since)
    if (options.before != null) range.lt = encodeSeq(options.before)
    const out: AuditEntry[] = []
    for await (const value of this.#ns.values({ ...range, limit, reverse: options.order === 'desc' })) out.push(decodeEntry(value))
    return out
  }
}

function checkInput (input: AuditInput, seq: number, at: number): AuditEntry {
  if (input == null || typeof input !== 'object') throw new TypeError('audit input must be an object')
  const { actor, action, target, reason, detail } = input
  checkActor(actor)
  if (typeof action !== 'string' || action.length > 64 || !ACTION.test(action)) throw new TypeError('action must be a dotted lower-case name')
  if (typeof target !== 'string' || target.length < 1 || target.length > 256) throw new TypeError('target must be 1..256 characters')
  const entry: AuditEntry = { seq, at, actor, action, target }
  if (reason !== undefined) entry.reason = checkReason(reason, 'reason', false)
  if (detail !== undefined) {
    let json: string | undefined
    try {
      json = JSON.stringify(detail)
    } catch {
      json = undefined
    }
    if (json === undefined || json.length > MAX_DETAIL_BYTES) throw new TypeError('detail must be JSON of at most 16 KiB')
    entry.detail = JSON.parse(json) as JsonValue
  }
  return entry
}

function decodeEntry (bytes: Uint8Array): AuditEntry {
  const raw = decodeCborMap(bytes, reason =>
    new LienthongError(MembershipErrorCode.STORE_CORRUPT, 'an audit entry cannot be read', { reason: `entry ${reason}` }))
  const { seq, at, actor, action, target, reason, detail } = raw
  if (typeof seq !== 'number' || typeof at !== 'number' || typeof actor !== 'string' || typeof action !== 'string' || typeof target !== 'string') {
    throw new LienthongError(MembershipErrorCode.STORE_CORRUPT, 'an audit entry cannot be read', { reason: 'entry fields are malformed' })
  }
  const entry: AuditEntry = { seq, at, actor, action, target }
  if (typeof reason === 'string') entry.reason = reason
  if (detail !== undefined) entry.detail = detail as JsonValue
  return entry
}
