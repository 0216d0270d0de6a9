import { LienthongError } from '@lienthong/errors'
import { MAX_PAGE_LIMIT, NAMESPACE } from './constants.js'
import type { BatchOp, Database, Namespace } from './database.js'
import { StoreErrorCode } from './errors.js'
import { GroupCommitter } from './group-committer.js'
import { isArray } from './codec.js'
import { KeyedLock } from './keyed-lock.js'
import { runLockedAll } from './outbox-locks.js'
import { HotRecords } from './outbox-hot.js'
import { DueIndex, corruptDue } from './outbox-due.js'
import { ReadBatcher } from './read-batcher.js'
import {
  childRange, decodeDelivery, decodeDueCursor, decodeRecord, decodeStatus, deliveryKey, encodeDelivery, encodeDueCursor,
  encodeRecord, encodeStatus, childSuffix, recordKey, statusKey, type DeliveryState, type OutboxRecordHead, type OutboxStatus
} from './outbox-codec.js'
import { OutboxCounters, type OutboxCounts, type PendingPeer } from './outbox-counters.js'
import { checkSubmission, checkTransition, type TransitionOptions } from './outbox-checks.js'
import { assertLimit, assertToken, assertUint, assertUlid } from './record-codec.js'
import { TransitionBatch } from './outbox-transitions.js'
import type { DueDelivery, DueQuery, OutboxOptions, OutboxRecord, OutboxSubmission } from './outbox-types.js'

const notFound = (id: string, peerId?: string): LienthongError =>
  new LienthongError(StoreErrorCode.OUTBOX_NOT_FOUND, 'no such outbox record or delivery', peerId === undefined ? { id } : { id, peerId })

/**
 * Records of envelopes this node sent, with a state machine per recipient node:
 * `queued` → `delivered` (receipt kept) or `failed` (reason), retries rescheduling the
 * next attempt. Every write goes through one group committer as a synced batch, so a
 * resolved `submit` or transition survives a crash; writes to one delivery are
 * serialised. Queued deliveries are indexed by next attempt time, globally and per
 * peer, and queue depth counters are kept exact in the same batches.
 *
 * @example
 * ```ts
 * const outbox = await Outbox.open(db)
 * await outbox.submit({ id, envelopeBytes, recipients, createdAt, expiresAt }) // then answer 202
 * for (const d of await outbox.due({ peer, now: Date.now(), limit: 256 })) send(d.envelopeBytes)
 * await outbox.markDelivered(id, peer, receiptBytes)
 * ```
 */
export class Outbox {
  readonly #records: Namespace
  readonly #deliveries: Namespace
  readonly #statuses: Namespace
  readonly #counters: OutboxCounters
  readonly #committer: GroupCommitter
  readonly #locks = new KeyedLock()
  // Point reads of concurrent submissions and transitions, one LevelDB call per turn.
  readonly #recordReads: ReadBatcher
  readonly #deliveryReads: ReadBatcher
  // What this process wrote and still has to deliver: the worker's reads are served from here.
  readonly #hot = new HotRecords()
  readonly #dueIndex: DueIndex
  // The largest record id stored (ids are ULIDs, keys sort by id): a larger one cannot exist yet.
  #maxId: string

  private constructor (db: Database, counters: OutboxCounters, dueIndex: DueIndex, maxId: string, options: OutboxOptions) {
    this.#dueIndex = dueIndex
    this.#maxId = maxId
    this.#records = db.namespace(NAMESPACE.OUTBOX)
    this.#deliveries = db.namespace(NAMESPACE.OUTBOX_DELIVERY)
    this.#statuses = db.namespace(NAMESPACE.OUTBOX_STATUS)
    this.#counters = counters
    this.#committer = new GroupCommitter(counters.writer(db), { maxPendingOps: options.maxPendingOps, sync: true })
    this.#recordReads = new ReadBatcher(this.#records)
    this.#deliveryReads = new ReadBatcher(this.#deliveries)
  }

  /** Open the outbox of `db`, loading its counters. */
  static async open (db: Database, options: OutboxOptions = {}): Promise<Outbox> {
    const counters = await OutboxCounters.load(db.namespace(NAMESPACE.OUTBOX_META))
    const due = await DueIndex.open(db.namespace(NAMESPACE.OUTBOX_DUE), counters.counts().queued, options.memoryDueLimit, () => counters.pendingPeers())
    const [last] = await db.namespace(NAMESPACE.OUTBOX).keys({ reverse: true, limit: 1 }).all()
    const maxId = last === undefined ? '' : Buffer.from(last).toString('utf8')
    return new Outbox(db, counters, due, maxId, options)
  }

  /**
   * Store a record durably (one synced batch) with one `queued` delivery per distinct
   * recipient node. Resolve before answering 202. `outbox-duplicate` if the id exists.
   * The outbox keeps `envelopeBytes` (not a copy) until the envelope is delivered: do not change them.
   */
  async submit (submission: OutboxSubmission): Promise<void> {
    checkSubmission(submission)
    const { firstAttemptAt, ...rest } = submission
    const head: OutboxRecordHead = { ...rest, recipients: rest.recipients.map(r => ({ ...r })) }
    const at = firstAttemptAt ?? head.createdAt
    const peers = [...new Set(head.recipients.map(r => r.nodePeerId))]
    const value = encodeRecord(head)
    await this.#locks.run(head.id, async () => {
      // A new id (every id the node makes: they grow with time) needs no read to know it is new.
      if (head.id <= this.#maxId && await this.#recordReads.has(recordKey(head.id))) {
        throw new LienthongError(StoreErrorCode.OUTBOX_DUPLICATE, 'an outbox record with this id exists', { id: head.id })
      }
      const ops: BatchOp[] = [{ type: 'put', namespace: this.#records, key: recordKey(head.id), value }]
      const queued = peers.map((peerId): DeliveryState => ({ peerId, state: 'queued', attempts: 0, nextAttemptAt: at, updatedAt: head.createdAt }))
      for (const delivery of queued) {
        ops.push({ type: 'put', namespace: this.#deliveries, key: deliveryKey(head.id, delivery.peerId), value: encodeDelivery(delivery) })
        ops.push(this.#dueIndex.op('put', { at, id: head.id, peer: delivery.peerId }))
      }
      ops.push(this.#counters.marker({ states: { queued: peers.length }, peers: peers.map(p => [p, 1] as const) }))
      await this.#committer.put(ops)
      if (head.id > this.#maxId) this.#maxId = head.id
      this.#hot.add(head, queued)
      for (const peer of peers) this.#dueIndex.written('put', { at, id: head.id, peer })
    })
  }

  /** The record with every recipient's delivery state and its statuses, or undefined. */
  async get (id: string): Promise<OutboxRecord | undefined> {
    assertUlid(id)
    const raw = await this.#records.get(recordKey(id))
    if (raw === undefined) return undefined
    const head = decodeRecord(id, raw)
    const deliveries = (await this.#deliveries.iterator(childRange(id)).all())
      .map(([key, value]) => decodeDelivery(childSuffix(key), value))
    const statuses = (await this.#statuses.iterator(childRange(id)).all())
      .map(([key, value]) => decodeStatus(childSuffix(key), value))
    const byPeer = new Map(deliveries.map(d => [d.peerId, d]))
    const recipients = head.recipients.map(r => {
      const delivery = byPeer.get(r.nodePeerId)
      if (delivery === undefined) {
        throw new LienthongError(StoreErrorCode.CORRUPT, 'outbox delivery missing', { reason: 'outbox-delivery-missing', id })
      }
      return { ...r, delivery }
    })
    return { ...head, recipients, deliveries, statuses }
  }

  /**
   * Queued deliveries whose next attempt is at or before `now`, oldest next attempt
   * first and in id order among equal times (for first attempts, which are due at
   * `createdAt`, that is id order). Reads the due index only: no full scan.
   */
  async due (query: DueQuery): Promise<DueDelivery[]> {
    assertUint(query.now, 'now')
    assertLimit(query.limit, MAX_PAGE_LIMIT)
    if (query.peer !== undefined) assertToken(query.peer, 'peer')
    const from = query.after === undefined ? undefined : typeof query.after === 'string' ? decodeDueCursor(query.after) : undefined
    if (query.after !== undefined && (from === undefined || (query.peer !== undefined && from.peer !== query.peer))) throw new TypeError('after is not a due cursor')
    const positions = await this.#dueIndex.positions(query, from)
    if (positions.length === 0) return []
    // Deliveries this process queued come from memory; the others (after a restart, or pushed
    // out of the cache) from LevelDB, in one call for all of them.
    // (taken before awaiting anything: a receipt may move a delivery out of the cache meanwhile)
    const hot = positions.map(p => {
      const head = this.#hot.head(p.id)
      const delivery = this.#hot.delivery(p.id, p.peer)
      return head === undefined || delivery === undefined ? undefined : { head, delivery }
    })
    const cold = positions.filter((_, i) => hot[i] === undefined)
    const [records, deliveries] = cold.length === 0
      ? [[], []]
      : await Promise.all([
        this.#records.getMany(cold.map(p => recordKey(p.id))),
        this.#deliveries.getMany(cold.map(p => deliveryKey(p.id, p.peer)))
      ])
    let next = 0
    return positions.map((p, i) => {
      let { head, delivery } = hot[i] ?? {}
      if (head === undefined || delivery === undefined) {
        const rawRecord = records[next]
        const rawDelivery = deliveries[next++]
        if (rawRecord === undefined || rawDelivery === undefined) return corruptDue()
        head = decodeRecord(p.id, rawRecord)
        delivery = decodeDelivery(p.peer, rawDelivery)
      }
      const due: DueDelivery = {
        id: p.id,
        peerId: p.peer,
        attempts: delivery.attempts,
        nextAttemptAt: p.at,
        createdAt: head.createdAt,
        expiresAt: head.expiresAt,
        envelopeBytes: head.envelopeBytes,
        // Encoded when read: the delivery worker reads only the last one of a page.
        get cursor () { return encodeDueCursor(p) }
      }
      if (head.payloadHash !== undefined) due.payloadHash = head.payloadHash
      return due
    })
  }

  /** Recipient nodes with queued deliveries and how many (from the counters, no scan). */
  pendingPeers (): PendingPeer[] {
    return this.#counters.pendingPeers()
  }

  /** Deliveries per state, exact across restarts. */
  counts (): OutboxCounts {
    return this.#counters.counts()
  }

  /**
   * Record the recipient's receipt: `queued` (or a late receipt after `failed`) →
   * `delivered`. Returns false, changing nothing, if already delivered.
   */
  async markDelivered (id: string, peerId: string, receipt: Uint8Array, options: TransitionOptions = {}): Promise<boolean> {
    checkTransition(id, peerId, options)
    if (!(receipt instanceof Uint8Array)) throw new TypeError('receipt must be a Uint8Array')
    const copy = receipt.slice()
    return await this.#transition(id, peerId, options.at, (cur, at) => cur.state === 'delivered'
      ? undefined
      : { ...cur, state: 'delivered', updatedAt: at, receipt: copy })
  }

  /**
   * {@link markDelivered} for many deliveries at once (each delivery at most once in the list),
   * in one synced batch: whether each changed. The receipts are stored as they are when the batch
   * is built: do not change them until this resolves.
   */
  async markDeliveredMany (receipts: ReadonlyArray<{ id: string, peerId: string, receipt: Uint8Array }>, options: TransitionOptions = {}): Promise<boolean[]> {
    if (!isArray(receipts)) throw new TypeError('receipts must be an array')
    const keys = new Set<string>()
    for (const r of receipts) {
      if (typeof r !== 'object' || r === null) throw new TypeError('each receipt must be an object')
      checkTransition(r.id, r.peerId, options)
      if (!(r.receipt instanceof Uint8Array)) throw new TypeError('receipt must be a Uint8Array')
      keys.add(`${r.id}\0${r.peerId}`)
    }
    if (keys.size !== receipts.length) throw new TypeError('a delivery is listed twice')
    return await this.#transitions(receipts, options.at ?? Date.now(), (cur, at, index) => cur.state === 'delivered'
      ? undefined
      : { ...cur, state: 'delivered', updatedAt: at, receipt: (receipts[index] as { receipt: Uint8Array }).receipt })
  }

  /**
   * A failed attempt of a queued delivery: count it, keep the reason, reschedule it at
   * `nextAttemptAt`. Returns false, changing nothing, unless the delivery is queued.
   */
  async markAttemptFailed (id: string, peerId: string, code: string, nextAttemptAt: number,
    options: TransitionOptions = {}): Promise<boolean> {
    checkTransition(id, peerId, options, code)
    assertUint(nextAttemptAt, 'nextAttemptAt')
    return await this.#transition(id, peerId, options.at, (cur, at) => cur.state !== 'queued'
      ? undefined
      : { ...cur, attempts: cur.attempts + 1, nextAttemptAt, updatedAt: at, lastError: { code, message: options.message ?? '', at } })
  }

  /** Give up on a queued delivery with a reason (e.g. `expired`). Returns false unless it was queued. */
  async markFailed (id: string, peerId: string, code: string, options: TransitionOptions = {}): Promise<boolean> {
    checkTransition(id, peerId, options, code)
    return await this.#transition(id, peerId, options.at, (cur, at) => cur.state !== 'queued'
      ? undefined
      : { ...cur, state: 'failed', updatedAt: at, lastError: { code, message: options.message ?? '', at } })
  }

  /** Append a status received for record `id` (idempotent per status envelope id). */
  async addStatus (id: string, status: OutboxStatus): Promise<void> {
    assertUlid(id)
    if (typeof status !== 'object' || status === null) throw new TypeError('status must be an object')
    assertToken(status.code, 'status code')
    assertUint(status.at, 'status at')
    assertToken(status.from, 'status from')
    assertUlid(status.envelopeId, 'status envelopeId')
    if (!await this.#records.has(recordKey(id))) throw notFound(id)
    const value = encodeStatus(status)
    await this.#committer.put([{ type: 'put', namespace: this.#statuses, key: statusKey(id, status.envelopeId), value }])
  }

  /** Wait for accepted writes and refuse new ones (`store-closed`). Does not close the database. */
  async close (): Promise<void> {
    await this.#committer.close()
  }

  async #transition (id: string, peerId: string, when: number | undefined,
    change: (cur: DeliveryState, at: number) => DeliveryState | undefined): Promise<boolean> {
    const [changed] = await this.#transitions([{ id, peerId }], when ?? Date.now(), change)
    return changed === true
  }

  /**
   * Apply `change` to each delivery (distinct ones) in ONE committer put, holding every one's
   * lock: the ops and counter delta of all of them go into the same atomic batch.
   */
  async #transitions (targets: ReadonlyArray<{ id: string, peerId: string }>, at: number,
    change: (cur: DeliveryState, at: number, index: number) => DeliveryState | undefined): Promise<boolean[]> {
    return await runLockedAll(this.#locks, targets.map(t => `${t.id}\0${t.peerId}`), async () => {
      const changed = new Array<boolean>(targets.length).fill(false)
      const batch = new TransitionBatch(this.#deliveries, this.#dueIndex)
      for (const [index, { id, peerId }] of targets.entries()) {
        const cur = this.#hot.delivery(id, peerId) ?? await this.#readDelivery(id, peerId)
        const next = change(cur, at, index)
        if (next === undefined) continue
        changed[index] = true
        batch.add(id, cur, next)
      }
      if (batch.empty) return changed
      await this.#committer.put(batch.ops(this.#counters))
      batch.written(this.#hot)
      return changed
    })
  }

  async #readDelivery (id: string, peerId: string): Promise<DeliveryState> {
    const raw = await this.#deliveryReads.get(deliveryKey(id, peerId))
    if (raw === undefined) throw notFound(id, peerId)
    return decodeDelivery(peerId, raw)
  }
}
