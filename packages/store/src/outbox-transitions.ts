import type { BatchOp, Namespace } from './database.js'
import { deliveryKey, encodeDelivery, type DeliveryState, type DeliveryStateName } from './outbox-codec.js'
import type { OutboxCounters } from './outbox-counters.js'
import type { DueIndex } from './outbox-due.js'
import type { HotRecords } from './outbox-hot.js'

/**
 * The writes of one batch of delivery transitions (`queued` → `delivered`, a retry, `failed`):
 * each changed delivery's new state, its due-index entries and the counter delta, for one synced
 * batch; then, once that batch is on disk, the same changes to the outbox's memory.
 *
 * @example
 * ```ts
 * const batch = new TransitionBatch(deliveries, dueIndex)
 * batch.add(id, cur, next)
 * await committer.put(batch.ops(counters))
 * batch.written(hot)
 * ```
 */
export class TransitionBatch {
  readonly #deliveries: Namespace
  readonly #dueIndex: DueIndex
  readonly #ops: BatchOp[] = []
  readonly #states: Partial<Record<DeliveryStateName, number>> = {}
  readonly #peers = new Map<string, number>()
  readonly #changes: Array<{ id: string, cur: DeliveryState, next: DeliveryState }> = []

  constructor (deliveries: Namespace, dueIndex: DueIndex) {
    this.#deliveries = deliveries
    this.#dueIndex = dueIndex
  }

  /** No delivery changed: nothing to write. */
  get empty (): boolean {
    return this.#changes.length === 0
  }

  /** Delivery `cur` of record `id` becomes `next` (same peer). */
  add (id: string, cur: DeliveryState, next: DeliveryState): void {
    const peer = next.peerId
    this.#changes.push({ id, cur, next })
    this.#ops.push({ type: 'put', namespace: this.#deliveries, key: deliveryKey(id, peer), value: encodeDelivery(next) })
    if (cur.state === 'queued') this.#ops.push(this.#dueIndex.op('del', { at: cur.nextAttemptAt, id, peer }))
    if (next.state === 'queued') this.#ops.push(this.#dueIndex.op('put', { at: next.nextAttemptAt, id, peer }))
    if (cur.state === next.state) return
    this.#states[cur.state] = (this.#states[cur.state] ?? 0) - 1
    this.#states[next.state] = (this.#states[next.state] ?? 0) + 1
    const peerDelta = cur.state === 'queued' ? -1 : next.state === 'queued' ? 1 : 0
    if (peerDelta !== 0) this.#peers.set(peer, (this.#peers.get(peer) ?? 0) + peerDelta)
  }

  /** Every op of the batch, ending with the counter delta's marker (call once, after the last `add`). */
  ops (counters: OutboxCounters): BatchOp[] {
    this.#ops.push(counters.marker({ states: this.#states, peers: [...this.#peers] }))
    return this.#ops
  }

  /** The batch is on disk: update the records in memory and the due index's mirror alike. */
  written (hot: HotRecords): void {
    for (const { id, cur, next } of this.#changes) {
      hot.update(id, next)
      if (cur.state === 'queued') this.#dueIndex.written('del', { at: cur.nextAttemptAt, id, peer: next.peerId })
      if (next.state === 'queued') this.#dueIndex.written('put', { at: next.nextAttemptAt, id, peer: next.peerId })
    }
  }
}
