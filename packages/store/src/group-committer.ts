import { LienthongError } from '@lienthong/errors'
import { DEFAULT_MAX_PENDING_OPS } from './constants.js'
import type { BatchOp, BatchWriter } from './database.js'
import { isArray } from './codec.js'
import { StoreErrorCode } from './errors.js'

/** Options of {@link GroupCommitter}. */
export interface GroupCommitterOptions {
  /**
   * Bound on ops queued or being written. `put` waits while admitting its ops would
   * exceed it (a single put larger than the bound is admitted alone).
   * Default {@link DEFAULT_MAX_PENDING_OPS}.
   */
  maxPendingOps?: number
  /** fsync each batch. Default true. */
  sync?: boolean
}

/** Counters since construction (for metrics and tests). */
export interface GroupCommitterStats {
  /** Batches written successfully. */
  batches: number
  /** Batches that failed (all their callers were rejected). */
  failedBatches: number
  /** Ops written successfully. */
  ops: number
  /** Largest batch handed to the writer, in ops. */
  largestBatch: number
}

interface Request {
  ops: readonly BatchOp[]
  resolve: () => void
  reject: (err: unknown) => void
}

/**
 * Group commit: concurrent `put`s are coalesced into one `batch(..., { sync })`
 * per drain of the queue. While a batch is being written, new puts queue up and
 * all go into the next one. Each caller's ops stay together in one batch (atomic);
 * its promise resolves only once that batch is durably written, or rejects with
 * the batch's error, which rejects exactly the callers of that batch.
 *
 * @example
 * ```ts
 * const committer = new GroupCommitter(db)
 * await committer.put([{ type: 'put', namespace: db.namespace(NAMESPACE.INBOX), key, value }])
 * // on disk now
 * ```
 */
export class GroupCommitter {
  readonly #writer: BatchWriter
  readonly #maxPendingOps: number
  readonly #sync: boolean
  #queue: Request[] = []
  readonly #waiting: Request[] = []
  #pendingOps = 0
  #writing = false
  #scheduled = false
  #closed = false
  #idle: Array<() => void> = []
  readonly #stats: GroupCommitterStats = { batches: 0, failedBatches: 0, ops: 0, largestBatch: 0 }

  constructor (writer: BatchWriter, options: GroupCommitterOptions = {}) {
    if (typeof writer?.batch !== 'function') throw new TypeError('writer must have a batch() method')
    const max = options.maxPendingOps ?? DEFAULT_MAX_PENDING_OPS
    if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('maxPendingOps must be a positive integer')
    this.#writer = writer
    this.#maxPendingOps = max
    this.#sync = options.sync ?? true
  }

  /** Ops admitted and not yet written (queued or in the batch being written). */
  get pendingOps (): number {
    return this.#pendingOps
  }

  /** Callers waiting for room in the queue (backpressure). */
  get waiting (): number {
    return this.#waiting.length
  }

  /** A copy of the counters. */
  get stats (): GroupCommitterStats {
    return { ...this.#stats }
  }

  /**
   * Queue `ops` for the next batch; resolves once they are durably written.
   * Rejects with `store-closed` after {@link close}, with the writer's error if
   * the batch fails.
   */
  async put (ops: readonly BatchOp[]): Promise<void> {
    if (!isArray(ops)) throw new TypeError('ops must be an array')
    if (this.#closed) throw new LienthongError(StoreErrorCode.CLOSED, 'group committer is closed')
    if (ops.length === 0) return
    const copy = ops.slice()
    return new Promise<void>((resolve, reject) => {
      const request = { ops: copy, resolve, reject }
      if (this.#waiting.length === 0 && this.#fits(copy.length)) this.#admit(request)
      else this.#waiting.push(request)
    })
  }

  /** Stop accepting puts and wait until every accepted put has settled. */
  async close (): Promise<void> {
    this.#closed = true
    if (this.#isIdle()) return
    await new Promise<void>(resolve => { this.#idle.push(resolve) })
  }

  #isIdle (): boolean {
    return this.#pendingOps === 0 && this.#waiting.length === 0
  }

  #fits (count: number): boolean {
    return this.#pendingOps === 0 || this.#pendingOps + count <= this.#maxPendingOps
  }

  #admit (request: Request): void {
    this.#pendingOps += request.ops.length
    this.#queue.push(request)
    this.#schedule()
  }

  // Start the write in a microtask so puts made in the same tick share one batch.
  #schedule (): void {
    if (this.#writing || this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      void this.#flush()
    })
  }

  async #flush (): Promise<void> {
    if (this.#writing || this.#queue.length === 0) return
    this.#writing = true
    const requests = this.#queue
    this.#queue = []
    const ops = requests.flatMap(r => r.ops)
    this.#stats.largestBatch = Math.max(this.#stats.largestBatch, ops.length)
    let failure: { err: unknown } | undefined
    try {
      await this.#writer.batch(ops, { sync: this.#sync })
      this.#stats.batches++
      this.#stats.ops += ops.length
    } catch (err) {
      this.#stats.failedBatches++
      failure = { err }
    }
    this.#pendingOps -= ops.length
    this.#writing = false
    for (const r of requests) {
      if (failure === undefined) r.resolve()
      else r.reject(failure.err)
    }
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]?.ops.length ?? 0)) {
      const next = this.#waiting.shift()
      if (next !== undefined) this.#admit(next)
    }
    if (this.#queue.length > 0) this.#schedule()
    else if (this.#isIdle()) this.#idle.splice(0).forEach(resolve => { resolve() })
  }
}
