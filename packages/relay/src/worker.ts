import { isLienthongError, type Logger } from '@lienthong/errors'
import { openDeliveryChannel, type DeliveryChannel, type DeliveryOutcome, type Host, type RegistryReplica } from '@lienthong/protocol'
import type { BlobStore, DueDelivery, Outbox } from '@lienthong/store'
import { retryDelay } from './backoff.js'
import { peerKey } from './checks.js'
import { DIAL_TIMEOUT_MS, STOP_TIMEOUT_MS } from './constants.js'
import { PeerLane, type LaneHost } from './lane.js'
import { receiptAnswers } from './receipt-check.js'
import type { RelayMetrics } from './metrics.js'
import type { RelayReceiver } from './receiver.js'
import { DELIVERY_EXPIRED, RECEIPT_INVALID, isPermanentRefusal } from './refusals.js'

/** What the delivery worker works with. */
export interface WorkerDeps {
  host: Host
  replica: RegistryReplica
  blobs: BlobStore
  outbox: Outbox
  receiver: RelayReceiver
  metrics: RelayMetrics
  log: Logger
  now: () => number
  retryInitialMs: number
  retryMaxMs: number
  windowBytes: number
  random?: () => number
}

/** A verified receipt waiting for its outbox batch. */
interface PendingReceipt {
  id: string
  peerId: string
  receipt: Uint8Array
  done: PromiseWithResolvers<number | undefined>
}

function codeOf (err: unknown): string {
  return isLienthongError(err) ? err.code : 'delivery-failed'
}

/**
 * The outbox's delivery worker: one lane per recipient node (see PeerLane), each on its own
 * long-lived channel. A receipt is verified (signed by the recipient node, for exactly this
 * envelope) before the delivery is marked delivered; a permanent refusal marks it failed; any
 * other outcome reschedules it with exponential backoff and jitter, until it expires. Started,
 * it resumes every delivery the outbox holds as queued.
 */
export class DeliveryWorker implements LaneHost {
  stopped = true
  private readonly lanes = new Map<string, PeerLane>()
  /** Verified receipts to record in the next outbox batch, by delivery. */
  private readonly delivered = new Map<string, PendingReceipt>()

  constructor (private readonly d: WorkerDeps) {}

  readonly now = (): number => this.d.now()

  start (): void {
    if (!this.stopped) return
    this.stopped = false
    for (const { peerId } of this.d.outbox.pendingPeers()) this.notify(peerId)
  }

  /** Something is queued for `peer`: wake its lane. */
  notify (peer: string): void {
    if (this.stopped) return
    let lane = this.lanes.get(peer)
    if (lane === undefined) {
      lane = new PeerLane(peer, this)
      this.lanes.set(peer, lane)
    }
    lane.kick()
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    const lanes = [...this.lanes.values()]
    this.lanes.clear()
    await Promise.all(lanes.map(async lane => { await lane.stop(STOP_TIMEOUT_MS) }))
  }

  async due (peer: string, now: number, limit: number, after?: string): Promise<DueDelivery[]> {
    return await this.d.outbox.due({ peer, now, limit, ...(after === undefined ? {} : { after }) })
  }

  async connect (peer: string): Promise<DeliveryChannel> {
    const node = this.d.replica.state.nodes.get(peer)
    if (node !== undefined && node.addresses.length > 0) await this.d.host.addPeerAddresses(peer, [...node.addresses])
    return await openDeliveryChannel(this.d.host, peer, {
      windowBytes: this.d.windowBytes,
      dialTimeoutMs: DIAL_TIMEOUT_MS,
      closeTimeoutMs: STOP_TIMEOUT_MS,
      onEvent: (event) => { if (event.type === 'failed') this.d.log.info({ peer, code: event.code }, 'delivery channel failed') }
    })
  }

  onError (peer: string, err: unknown): void {
    this.d.log.error({ peer, err: isLienthongError(err) ? err.code : err instanceof Error ? err.name : 'unknown' }, 'delivery worker error')
  }

  async deliver (lane: PeerLane, item: DueDelivery): Promise<void> {
    const now = this.now()
    if (now >= item.expiresAt) {
      await this.giveUp(item, DELIVERY_EXPIRED, 'the envelope expired before it could be delivered')
      return
    }
    let outcome: DeliveryOutcome
    try {
      if (item.peerId === this.d.host.peerId) {
        outcome = await this.d.receiver.receiveLocal(item.envelopeBytes, item.payloadHash)
      } else {
        const channel = await lane.openChannel()
        outcome = await channel.send(item.payloadHash === undefined
          ? { envelopeBytes: item.envelopeBytes }
          : { envelopeBytes: item.envelopeBytes, payload: this.d.blobs.read(item.payloadHash) })
      }
    } catch (err) {
      await this.retry(item, codeOf(err), 'no answer from the recipient node')
      return
    }
    if (outcome.status === 'refused') {
      if (isPermanentRefusal(outcome.code)) await this.giveUp(item, outcome.code, 'refused by the recipient node')
      else await this.retry(item, outcome.code, 'refused by the recipient node; retrying')
      return
    }
    if (!await this.receiptVerifies(item, outcome.receipt)) {
      await this.retry(item, RECEIPT_INVALID, 'the receipt does not verify')
      return
    }
    const at = await this.recordDelivered(item, outcome.receipt)
    if (at !== undefined) {
      this.d.metrics.sent.inc()
      this.d.metrics.latency.observe(Math.max(0, at - item.createdAt) / 1000)
    }
    await this.releaseIfDone(item)
  }

  /**
   * Mark the delivery delivered with its (verified) receipt, together with every other receipt
   * verified in the same turn: one outbox call and one synced batch for a batch of receipts
   * instead of one each. Resolves with the time recorded, or undefined if it was already delivered.
   */
  private async recordDelivered (item: DueDelivery, receipt: Uint8Array): Promise<number | undefined> {
    const key = `${item.id}\0${item.peerId}`
    if (this.delivered.has(key)) {
      // The same delivery twice in one turn (a stale lane after a restart): on its own.
      const at = this.now()
      return await this.d.outbox.markDelivered(item.id, item.peerId, receipt, { at }) ? at : undefined
    }
    const done = Promise.withResolvers<number | undefined>()
    this.delivered.set(key, { id: item.id, peerId: item.peerId, receipt, done })
    if (this.delivered.size === 1) setImmediate(() => { void this.writeDelivered() })
    return await done.promise
  }

  private async writeDelivered (): Promise<void> {
    const batch = [...this.delivered.values()]
    this.delivered.clear()
    const at = this.now()
    try {
      const changed = await this.d.outbox.markDeliveredMany(batch, { at })
      batch.forEach((entry, i) => { entry.done.resolve(changed[i] === true ? at : undefined) })
    } catch (err) {
      for (const entry of batch) entry.done.reject(err)
    }
  }

  /** The receipt answers exactly this envelope and is signed by the recipient node's key. */
  private async receiptVerifies (item: DueDelivery, receipt: Uint8Array): Promise<boolean> {
    try {
      return await receiptAnswers(receipt, item.id, item.envelopeBytes, peerKey(item.peerId))
    } catch {
      return false
    }
  }

  private async retry (item: DueDelivery, code: string, message: string): Promise<void> {
    const now = this.now()
    const delay = retryDelay(item.attempts + 1, this.d.retryInitialMs, this.d.retryMaxMs, this.d.random)
    // Never later than the expiry: the delivery is then given up at once.
    const next = Math.min(now + delay, item.expiresAt)
    await this.d.outbox.markAttemptFailed(item.id, item.peerId, code, next, { at: now, message })
    this.d.log.debug({ id: item.id, peer: item.peerId, code, attempts: item.attempts + 1, delayMs: next - now }, 'delivery attempt failed')
  }

  private async giveUp (item: DueDelivery, code: string, message: string): Promise<void> {
    await this.d.outbox.markFailed(item.id, item.peerId, code, { at: this.now(), message })
    this.d.log.info({ id: item.id, peer: item.peerId, code }, 'delivery failed')
    await this.releaseIfDone(item)
  }

  /** Once no delivery of a document is queued, its sealed blob is no longer needed here. */
  private async releaseIfDone (item: DueDelivery): Promise<void> {
    if (item.payloadHash === undefined) return
    const record = await this.d.outbox.get(item.id)
    if (record === undefined || record.deliveries.some(d => d.state === 'queued')) return
    await this.d.blobs.release(item.payloadHash, `outbox/${item.id}`)
  }
}
