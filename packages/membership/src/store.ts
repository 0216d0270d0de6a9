import type { NodeState } from '@lienthong/registry'
import type { Database, NamespaceName } from '@lienthong/store'
import { LienthongError, type JsonValue } from '@lienthong/errors'
import type { Assessment } from './assessment.js'
import { AuditLog, type AuditInput } from './audit.js'
import { CHECKLIST_ITEMS, MEMBERSHIP_NAMESPACE } from './constants.js'
import { MembershipErrorCode } from './errors.js'
import { createIdGenerator } from './ids.js'
import { checkActor, checkReason } from './inputs.js'
import type { JoinRequest } from './join-request.js'
import type { PauseRequest } from './pause-request.js'
import {
  decodeJoinRecord, decodePauseRecord, encodeRecord, publicView, type ChecklistItem, type JoinRequestRecord,
  type PauseRequestRecord, type PublicRequestStatus, type RequestRecord
} from './records.js'
import { RequestTable, type ListOptions, type RequestPage } from './request-table.js'
import { Serial } from './serial.js'
import type { SignedRequest } from './signed.js'

/** What `MembershipStore.open` needs beside the database. */
export interface MembershipStoreInit {
  /** The registry state of a peer, undefined when the registry does not list it (see `registryNodeState`). */
  nodeState: (peerId: string) => NodeState | undefined
  /** Clock for ids, decisions and audit entries (default `Date.now`). */
  now?: () => number
}

/** Who decides and why; `reason` is required to reject. */
export interface DecisionInit {
  /** Token name of the operator. */
  actor: string
  reason?: string
}

/** An approval, with the registry write it stands for. */
export interface ApproveInit<R> extends DecisionInit {
  /**
   * Called under the store's lock, after the pending check and before the approval is written
   * (append the registry operations here). If it throws, nothing is written. Skipped when the
   * registry already shows the outcome (a retry after a failed write).
   */
  apply?: (record: R) => Promise<void> | void
}

/** An operator's verdict on one checklist item. */
export interface ChecklistInit {
  actor: string
  ok: boolean
  note?: string
}

const ADMITTED: ReadonlyArray<NodeState | undefined> = ['trial', 'official']

function namespaceName (name: string): NamespaceName {
  return name as NamespaceName
}

/**
 * Join and pause requests at the coordinator, and the audit log, in three namespaces of its
 * database (`join-requests`, `pause-requests`, `audit`). Every write is one synced batch, done
 * one at a time; each decision writes its audit entry in the same batch.
 */
export class MembershipStore {
  readonly #db: Database
  readonly #joins: RequestTable<JoinRequestRecord>
  readonly #pauses: RequestTable<PauseRequestRecord>
  readonly #serial: Serial
  readonly #nodeState: (peerId: string) => NodeState | undefined
  readonly #now: () => number
  readonly #newId: () => string
  /** The append-only audit log of admin actions. */
  readonly audit: AuditLog

  private constructor (db: Database, init: Required<MembershipStoreInit>, serial: Serial, audit: AuditLog) {
    this.#db = db
    this.#serial = serial
    this.#nodeState = init.nodeState
    this.#now = init.now
    this.#newId = createIdGenerator(init.now)
    this.#joins = new RequestTable(db.namespace(namespaceName(MEMBERSHIP_NAMESPACE.JOIN_REQUESTS)), decodeJoinRecord, encodeRecord)
    this.#pauses = new RequestTable(db.namespace(namespaceName(MEMBERSHIP_NAMESPACE.PAUSE_REQUESTS)), decodePauseRecord, encodeRecord)
    this.audit = audit
  }

  /** Open the store on the coordinator's database (reads where the audit log ends). */
  static async open (db: Database, init: MembershipStoreInit): Promise<MembershipStore> {
    if (typeof db?.namespace !== 'function') throw new TypeError('db must be a Database')
    if (typeof init?.nodeState !== 'function') throw new TypeError('init.nodeState must be a function')
    const now = init.now ?? Date.now
    const serial = new Serial()
    const ns = db.namespace(namespaceName(MEMBERSHIP_NAMESPACE.AUDIT))
    const audit = new AuditLog(db, ns, serial, now, await AuditLog.nextSeq(ns))
    return new MembershipStore(db, { nodeState: init.nodeState, now }, serial, audit)
  }

  /**
   * Store a verified join request as `pending`. Refused: `membership-already-admitted` when the
   * registry lists the peer (in any state), `membership-duplicate` for a seen nonce or when the
   * peer already has a pending request.
   */
  async submitJoin (signed: SignedRequest<JoinRequest>): Promise<JoinRequestRecord> {
    return await this.#serial.run(async () => {
      const state = this.#nodeState(signed.request.peerId)
      if (state !== undefined) {
        throw new LienthongError(MembershipErrorCode.ALREADY_ADMITTED, 'the registry already lists this peer', { state })
      }
      const record: JoinRequestRecord = { ...this.#fresh(signed), checklist: {} }
      await this.#db.batch(await this.#joins.insertOps(record))
      return record
    })
  }

  /** Store a verified pause request as `pending`; `membership-not-active` unless the peer is trial or official. */
  async submitPause (signed: SignedRequest<PauseRequest>): Promise<PauseRequestRecord> {
    return await this.#serial.run(async () => {
      const state = this.#nodeState(signed.request.peerId)
      if (!ADMITTED.includes(state)) {
        throw new LienthongError(MembershipErrorCode.NOT_ACTIVE, 'only a trial or official node can ask to pause', { state: state ?? null })
      }
      const record: PauseRequestRecord = this.#fresh(signed)
      await this.#db.batch(await this.#pauses.insertOps(record))
      return record
    })
  }

  /** A join request by id (undefined when unknown). */
  async getJoin (id: string): Promise<JoinRequestRecord | undefined> {
    return await this.#joins.get(id)
  }

  /** A pause request by id (undefined when unknown). */
  async getPause (id: string): Promise<PauseRequestRecord | undefined> {
    return await this.#pauses.get(id)
  }

  /** Join requests, oldest first. */
  async listJoins (options?: ListOptions): Promise<RequestPage<JoinRequestRecord>> {
    return await this.#joins.list(options)
  }

  /** Pause requests, oldest first. */
  async listPauses (options?: ListOptions): Promise<RequestPage<PauseRequestRecord>> {
    return await this.#pauses.list(options)
  }

  /** The pending join request of a peer, if any. */
  async pendingJoin (peerId: string): Promise<JoinRequestRecord | undefined> {
    return await this.#joins.pendingOf(peerId)
  }

  /** The pending pause request of a peer, if any (e.g. for `POST /v1/nodes/:peerId/suspend`). */
  async pendingPause (peerId: string): Promise<PauseRequestRecord | undefined> {
    return await this.#pauses.pendingOf(peerId)
  }

  /** What the applicant may read about its join request (no contacts); undefined when unknown. */
  async publicStatus (id: string): Promise<PublicRequestStatus | undefined> {
    const record = await this.#joins.get(id)
    return record === undefined ? undefined : publicView(record)
  }

  /** The same for a pause request. */
  async publicPauseStatus (id: string): Promise<PublicRequestStatus | undefined> {
    const record = await this.#pauses.get(id)
    return record === undefined ? undefined : publicView(record)
  }

  /** Keep the latest automated assessment of a pending join request (audit `join.assess`). */
  async recordAssessment (id: string, assessment: Assessment, actor: string): Promise<JoinRequestRecord> {
    checkActor(actor)
    if (assessment == null || typeof assessment.ok !== 'boolean' || !Array.isArray(assessment.checks)) {
      throw new TypeError('assessment must be an Assessment')
    }
    return await this.#change(this.#joins, id, { actor, action: 'join.assess', detail: { ok: assessment.ok } },
      record => ({ ...record, assessment }))
  }

  /** Mark one manual checklist item of a pending join request (audit `join.checklist`). */
  async markChecklist (id: string, item: ChecklistItem, mark: ChecklistInit): Promise<JoinRequestRecord> {
    if (!(CHECKLIST_ITEMS as readonly string[]).includes(item)) throw new TypeError(`item must be one of ${CHECKLIST_ITEMS.join(', ')}`)
    const actor = checkActor(mark?.actor)
    if (typeof mark.ok !== 'boolean') throw new TypeError('mark.ok must be a boolean')
    const note = mark.note === undefined ? undefined : checkReason(mark.note, 'note', false)
    return await this.#change(this.#joins, id, { actor, action: 'join.checklist', detail: { item, ok: mark.ok } }, record => {
      const at = this.#now()
      return { ...record, checklist: { ...record.checklist, [item]: note === undefined ? { ok: mark.ok, by: actor, at } : { ok: mark.ok, note, by: actor, at } } }
    })
  }

  /** Approve a pending join request (→ trial through `apply`); audit `join.approve`. */
  async approveJoin (id: string, init: ApproveInit<JoinRequestRecord>): Promise<JoinRequestRecord> {
    return await this.#decide(this.#joins, id, 'join', 'approved', init, r => this.#nodeState(r.peerId) !== undefined)
  }

  /** Reject a pending join request with a reason the applicant can read; audit `join.reject`. */
  async rejectJoin (id: string, init: DecisionInit): Promise<JoinRequestRecord> {
    return await this.#decide(this.#joins, id, 'join', 'rejected', init, () => false)
  }

  /** Approve a pending pause request (→ suspended through `apply`); audit `pause.approve`. */
  async approvePause (id: string, init: ApproveInit<PauseRequestRecord>): Promise<PauseRequestRecord> {
    return await this.#decide(this.#pauses, id, 'pause', 'approved', init, r => this.#nodeState(r.peerId) === 'suspended')
  }

  /** Reject a pending pause request with a reason; audit `pause.reject`. */
  async rejectPause (id: string, init: DecisionInit): Promise<PauseRequestRecord> {
    return await this.#decide(this.#pauses, id, 'pause', 'rejected', init, () => false)
  }

  #fresh<T> (signed: SignedRequest<T & { peerId: string }>): RequestRecord<T & { peerId: string }> {
    if (signed?.request == null || !(signed.bytes instanceof Uint8Array) || !(signed.signature instanceof Uint8Array)) {
      throw new TypeError('signed must be a verified SignedRequest')
    }
    return {
      id: this.#newId(),
      receivedAt: this.#now(),
      status: 'pending',
      peerId: signed.request.peerId,
      request: signed.request,
      bytes: signed.bytes,
      signature: signed.signature
    }
  }

  async #decide<R extends JoinRequestRecord | PauseRequestRecord> (table: RequestTable<R>, id: string, kind: 'join' | 'pause',
    status: 'approved' | 'rejected', init: ApproveInit<R>, applied: (record: R) => boolean): Promise<R> {
    const actor = checkActor(init?.actor)
    const reason = init.reason === undefined && status === 'approved' ? undefined : checkReason(init.reason, 'reason', true)
    if (init.apply !== undefined && typeof init.apply !== 'function') throw new TypeError('apply must be a function')
    const action = `${kind}.${status === 'approved' ? 'approve' : 'reject'}`
    return await this.#change(table, id, { actor, action, reason }, async record => {
      if (status === 'approved' && init.apply !== undefined && !applied(record)) await init.apply(record)
      const decision = reason === undefined ? { by: actor, at: this.#now() } : { by: actor, at: this.#now(), reason }
      return { ...record, status, decision }
    })
  }

  async #change<R extends JoinRequestRecord | PauseRequestRecord> (table: RequestTable<R>, id: string,
    audit: Omit<AuditInput, 'target'>, change: (record: R) => R | Promise<R>): Promise<R> {
    return await this.#serial.run(async () => {
      const record = await table.pending(id)
      // Prepared first: nothing may refuse the audit entry once `change` has written to the registry.
      const detail = { ...(audit.detail as Record<string, JsonValue> | undefined), peerId: record.peerId }
      const entry = this.audit.prepare({ ...audit, target: id, detail })
      const next = await change(record)
      await this.#db.batch([...table.updateOps(next), entry.op])
      entry.commit()
      return next
    })
  }
}
