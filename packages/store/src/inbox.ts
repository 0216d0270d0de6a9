import { LienthongError } from '@lienthong/errors'
import { FOLLOW_PAGE_LIMIT, MAX_PAGE_LIMIT, NAMESPACE } from './constants.js'
import { getManyIn, type BatchOp, type Database, type Namespace } from './database.js'
import { decodeSeq, encodeSeq, isArray } from './codec.js'
import { StoreErrorCode } from './errors.js'
import { GroupCommitter } from './group-committer.js'
import {
  checkItem, decodeAckedAt, decodeCursor, decodeDedupe, decodeEntry, encodeCursor, encodeDedupe, encodeEntry,
  type AcceptResult, type FollowOptions, type InboxEntry, type InboxItem, type InboxListOptions, type InboxOptions,
  type InboxPage
} from './inbox-codec.js'
import { Group, Slot, type Original } from './inbox-slot.js'
import { KeyedLock } from './keyed-lock.js'
import { assertLimit, assertUint, assertUlid } from './record-codec.js'
import { keyBytes } from './transient.js'

const idKey = (id: string): Uint8Array => keyBytes(id)
/** The value of an unacked mark (the key is the whole record; LevelDB copies what it is given). */
const NO_VALUE = new Uint8Array(0)

function signal (): { promise: Promise<void>, resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>(r => { resolve = r })
  return { promise, resolve }
}

/**
 * Envelopes received, exactly once. {@link accept} is the group commit of the delivery
 * receiver: each new item's entry, unacked mark and dedupe row (id → seq ‖ receipt) go
 * into one synced batch; an id already stored, in flight in another call, or repeated
 * in the same call writes nothing and gets the original receipt. Entries get arrival
 * seqs in call order; {@link list} pages unacknowledged entries oldest first and
 * {@link follow} streams new ones as they commit.
 *
 * @example
 * ```ts
 * const inbox = await Inbox.open(db)
 * const results = await inbox.accept(verifiedItems) // then send results[i].receipt
 * const { entries, cursor } = await inbox.list({ after, limit: 100 })
 * await inbox.ack(entries[0].id)
 * ```
 */
export class Inbox {
  readonly #entries: Namespace
  readonly #unacked: Namespace
  readonly #acked: Namespace
  readonly #dedupe: Namespace
  readonly #committer: GroupCommitter
  readonly #locks = new KeyedLock()
  readonly #pending = new Map<string, Slot>()
  #order: Promise<void> = Promise.resolve()
  #nextSeq: number
  #lastSeq: number | undefined
  #changed = signal()
  #closed = false

  private constructor (db: Database, lastSeq: number | undefined, options: InboxOptions) {
    this.#entries = db.namespace(NAMESPACE.INBOX)
    this.#unacked = db.namespace(NAMESPACE.INBOX_UNACKED)
    this.#acked = db.namespace(NAMESPACE.INBOX_ACKED)
    this.#dedupe = db.namespace(NAMESPACE.DEDUPE)
    this.#committer = new GroupCommitter(db, { maxPendingOps: options.maxPendingOps, sync: true })
    this.#lastSeq = lastSeq
    this.#nextSeq = (lastSeq ?? 0) + 1
  }

  /** Open the inbox of `db`; arrival seqs continue after the last stored one. */
  static async open (db: Database, options: InboxOptions = {}): Promise<Inbox> {
    const [last] = await db.namespace(NAMESPACE.INBOX).keys({ reverse: true, limit: 1 }).all()
    const lastSeq = last === undefined ? undefined : decodeSeq(last)
    if (last !== undefined && (lastSeq === undefined || last.length !== 8)) {
      throw new LienthongError(StoreErrorCode.CORRUPT, 'inbox key is malformed', { reason: 'inbox-key-malformed' })
    }
    return new Inbox(db, lastSeq, options)
  }

  /**
   * Store the new items durably, once each; resolves (in item order) when they are on
   * disk, with the receipt to return for each. Rejects if the batch write fails (then
   * none of this call's new items were written and all may be retried).
   */
  async accept (items: readonly InboxItem[]): Promise<AcceptResult[]> {
    if (!isArray(items)) throw new TypeError('items must be an array')
    items.forEach(checkItem)
    if (this.#closed) throw new LienthongError(StoreErrorCode.CLOSED, 'inbox is closed')
    // Decided synchronously, so that an id in flight anywhere is seen by every later call.
    const slots: Slot[] = new Array<Slot>(items.length)
    const repeated: boolean[] = new Array<boolean>(items.length)
    const fresh: Slot[] = []
    const group = new Group(items.length)
    let others: Set<Slot> | undefined
    items.forEach((item, i) => {
      const inFlight = this.#pending.get(item.id)
      repeated[i] = inFlight !== undefined
      if (inFlight !== undefined) {
        slots[i] = inFlight
        group.settled()
        if (!fresh.includes(inFlight)) (others ??= new Set()).add(inFlight)
        return
      }
      const slot = new Slot(item, group)
      this.#pending.set(item.id, slot)
      fresh.push(slot)
      slots[i] = slot
    })
    if (fresh.length > 0) {
      this.#order = this.#order.then(async () => { await this.#prepare(fresh) })
      await group.done
    }
    if (others !== undefined) for (const slot of others) await slot.wait()
    return slots.map((slot, i) => {
      if (slot.failure !== undefined) throw slot.failure.err
      const o = slot.original as Original
      return result(slot.item.id, repeated[i] === true || o.existed, o)
    })
  }

  // Runs in call order: dedupe lookup, seq assignment and admission to the committer.
  // Never rejects: every failure is handed to the callers whose items it concerns.
  async #prepare (fresh: Slot[]): Promise<void> {
    try {
      const keys = fresh.map(f => idKey(f.item.id))
      const stored = await getManyIn(this.#dedupe, keys)
      const written: Array<{ slot: Slot, seq: number }> = []
      const ops: BatchOp[] = []
      fresh.forEach((f, i) => {
        const raw = stored[i]
        if (raw !== undefined) {
          const { seq, receipt } = decodeDedupe(raw)
          f.resolve({ existed: true, seq, receipt })
          this.#pending.delete(f.item.id)
          return
        }
        const seq = this.#nextSeq++
        const key = encodeSeq(seq)
        written.push({ slot: f, seq })
        ops.push({ type: 'put', namespace: this.#entries, key, value: encodeEntry(f.item) })
        ops.push({ type: 'put', namespace: this.#unacked, key, value: NO_VALUE })
        ops.push({ type: 'put', namespace: this.#dedupe, key: keys[i] as Uint8Array, value: encodeDedupe(seq, f.item.receiptBytes) })
      })
      if (written.length === 0) return
      // Not awaited: the next call's lookup may run while this batch is being written.
      this.#committer.put(ops).then(() => {
        for (const { slot, seq } of written) {
          this.#pending.delete(slot.item.id)
          slot.resolve({ existed: false, seq, receipt: slot.item.receiptBytes })
        }
        this.#lastSeq = Math.max(this.#lastSeq ?? 0, written[written.length - 1]?.seq ?? 0)
        this.#notify()
      }, err => { this.#settle(written.map(w => w.slot), err) })
    } catch (err) {
      // #settle skips the slots already decided, so this rejects only the undecided items
      this.#settle(fresh, err)
    }
  }

  #settle (fresh: Slot[], err: unknown): void {
    for (const f of fresh) {
      // only the undecided ones: a slot already resolved is another accept's original now
      if (f.settled) continue
      this.#pending.delete(f.item.id)
      f.reject(err)
    }
  }

  #notify (): void {
    const previous = this.#changed
    this.#changed = signal()
    previous.resolve()
  }

  /** Unacknowledged entries after `after`, oldest first. `inbox-bad-cursor` for a foreign cursor. */
  async list (options: InboxListOptions): Promise<InboxPage> {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
    assertLimit(options.limit, MAX_PAGE_LIMIT)
    const after = options.after === undefined ? undefined : decodeCursor(options.after)
    const range = after === undefined ? {} : { gt: encodeSeq(after) }
    const keys = await this.#unacked.keys({ ...range, limit: options.limit }).all()
    const values = keys.length === 0 ? [] : await this.#entries.getMany(keys)
    const entries = keys.map((key, i) => {
      const seq = decodeSeq(key)
      const value = values[i]
      if (seq === undefined || value === undefined) {
        throw new LienthongError(StoreErrorCode.CORRUPT, 'inbox index is inconsistent', { reason: 'inbox-unacked-dangling' })
      }
      return decodeEntry(seq, value, undefined)
    })
    const cursor = entries[entries.length - 1]?.cursor ?? options.after
    return cursor === undefined ? { entries } : { entries, cursor }
  }

  /** The entry with this envelope id, acknowledged or not, or undefined. */
  async get (id: string): Promise<InboxEntry | undefined> {
    assertUlid(id)
    const raw = await this.#dedupe.get(idKey(id))
    if (raw === undefined) return undefined
    const { seq } = decodeDedupe(raw)
    const key = encodeSeq(seq)
    const [value, acked] = await Promise.all([this.#entries.get(key), this.#acked.get(key)])
    if (value === undefined) {
      throw new LienthongError(StoreErrorCode.CORRUPT, 'inbox entry missing', { reason: 'inbox-entry-missing', id })
    }
    return decodeEntry(seq, value, acked === undefined ? undefined : decodeAckedAt(acked))
  }

  /** The receipt returned for this envelope id, or undefined. */
  async receiptFor (id: string): Promise<Uint8Array | undefined> {
    assertUlid(id)
    const raw = await this.#dedupe.get(idKey(id))
    return raw === undefined ? undefined : decodeDedupe(raw).receipt
  }

  /**
   * Mark an entry acknowledged: hidden from later pages, still readable by id. Returns
   * false if it already was; `inbox-not-found` for an unknown id.
   */
  async ack (id: string, at: number = Date.now()): Promise<boolean> {
    assertUlid(id)
    assertUint(at, 'at')
    const inFlight = this.#pending.get(id)
    return await this.#locks.run(id, async () => {
      if (inFlight !== undefined) await inFlight.wait()
      const raw = await this.#dedupe.get(idKey(id))
      if (raw === undefined) throw new LienthongError(StoreErrorCode.INBOX_NOT_FOUND, 'no inbox entry with this id', { id })
      const key = encodeSeq(decodeDedupe(raw).seq)
      if (await this.#acked.has(key)) return false
      await this.#committer.put([
        { type: 'del', namespace: this.#unacked, key },
        { type: 'put', namespace: this.#acked, key, value: encodeSeq(at) }
      ])
      return true
    })
  }

  /** Cursor of the newest entry stored (acknowledged or not): follow from here for new arrivals only. */
  latestCursor (): string | undefined {
    return this.#lastSeq === undefined ? undefined : encodeCursor(this.#lastSeq)
  }

  /**
   * Unacknowledged entries after `after` (default: from the start), then each new one as
   * it commits, without polling. Ends when `signal` aborts or the inbox closes.
   */
  async * follow (after?: string, options: FollowOptions = {}): AsyncGenerator<InboxEntry, void, undefined> {
    if (after !== undefined) decodeCursor(after)
    const { signal: abort } = options
    let cursor = after
    while (!this.#closed && !isAborted(abort)) {
      const changed = this.#changed.promise
      const page = await this.list({ after: cursor, limit: FOLLOW_PAGE_LIMIT })
      for (const entry of page.entries) {
        yield entry
        cursor = entry.cursor
        if (isAborted(abort)) return
      }
      if (page.entries.length < FOLLOW_PAGE_LIMIT) await waitFor(changed, abort)
    }
  }

  /** Refuse new accepts, wait for those in progress, end every `follow`. Does not close the database. */
  async close (): Promise<void> {
    this.#closed = true
    await this.#order
    await this.#committer.close()
    this.#notify()
  }
}

function result (id: string, duplicate: boolean, o: Original): AcceptResult {
  return { id, duplicate, receipt: o.receipt, cursor: encodeCursor(o.seq) }
}

function isAborted (abort: AbortSignal | undefined): boolean {
  return abort?.aborted === true
}

async function waitFor (changed: Promise<void>, abort: AbortSignal | undefined): Promise<void> {
  if (abort === undefined) return await changed
  if (abort.aborted) return
  let onAbort!: () => void
  const aborted = new Promise<void>(resolve => {
    onAbort = resolve
    abort.addEventListener('abort', onAbort, { once: true })
  })
  try {
    await Promise.race([changed, aborted])
  } finally {
    abort.removeEventListener('abort', onAbort)
  }
}
