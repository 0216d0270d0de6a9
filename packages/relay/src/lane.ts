import { LienthongError, isLienthongError } from '@lienthong/errors'
import { DeliveryErrorCode, type DeliveryChannel } from '@lienthong/protocol'
import type { DueDelivery } from '@lienthong/store'
import { DUE_BATCH, MAX_IN_FLIGHT, MAX_IN_FLIGHT_BYTES, MAX_TIMER_MS } from './constants.js'

/** What a lane needs from its worker. */
export interface LaneHost {
  readonly stopped: boolean
  now: () => number
  due: (peer: string, now: number, limit: number, after?: string) => Promise<DueDelivery[]>
  /** Deliver one due envelope and record the outcome in the outbox; never rejects. */
  deliver: (lane: PeerLane, item: DueDelivery) => Promise<void>
  /** Open a delivery channel to the lane's peer. */
  connect: (peer: string) => Promise<DeliveryChannel>
  onError: (peer: string, err: unknown) => void
}

/**
 * The deliveries to one recipient node: reads its due envelopes from the outbox in batches,
 * keeps up to MAX_IN_FLIGHT of them pipelined on one long-lived channel, and sleeps until the
 * earliest next attempt when nothing is due. `kick()` wakes it (new submission, start).
 *
 * Due deliveries are read after a cursor while others are in flight (they stay `queued` in the
 * outbox until answered); the cursor is reset whenever nothing is in flight, so a retry that
 * was rescheduled behind it is found again.
 */
export class PeerLane {
  private running = false
  private again = false
  private timer: NodeJS.Timeout | undefined
  private cursor: string | undefined
  private readonly inFlight = new Map<string, number>()
  private inFlightBytes = 0
  private progress: (() => void) | undefined
  private channel: Promise<DeliveryChannel> | undefined
  private readonly settled = new Set<Promise<void>>()

  constructor (readonly peer: string, private readonly host: LaneHost) {}

  /** Deliveries being attempted now. */
  get active (): number { return this.inFlight.size }

  kick (): void {
    if (this.host.stopped) return
    this.clearTimer()
    if (this.running) {
      this.again = true
      this.wake()
      return
    }
    this.running = true
    this.run().catch((err: unknown) => { this.host.onError(this.peer, err) }).finally(() => {
      this.running = false
      if (this.again && !this.host.stopped) {
        this.again = false
        this.kick()
      }
    })
  }

  private wake (): void {
    const resolve = this.progress
    this.progress = undefined
    resolve?.()
  }

  private async nextProgress (): Promise<void> {
    await new Promise<void>(resolve => { this.progress = resolve })
  }

  private async run (): Promise<void> {
    while (!this.host.stopped) {
      this.again = false
      if (this.inFlight.size >= MAX_IN_FLIGHT || this.inFlightBytes >= MAX_IN_FLIGHT_BYTES) {
        await this.nextProgress()
        continue
      }
      if (this.inFlight.size === 0) this.cursor = undefined
      const limit = Math.min(DUE_BATCH, MAX_IN_FLIGHT - this.inFlight.size)
      const due = await this.host.due(this.peer, this.host.now(), limit, this.cursor)
      if (this.host.stopped) return
      const last = due[due.length - 1]
      if (last !== undefined) this.cursor = last.cursor
      for (const item of due) if (!this.inFlight.has(item.id)) this.dispatch(item)
      // A full page may have more due behind it: read on at once.
      if (due.length === limit) continue
      if (this.inFlight.size === 0 && !this.again) {
        await this.sleepUntilNextDue()
        return
      }
      await this.untilWorthReading()
    }
  }

  /**
   * Everything due was read: wait until reading again can find more, i.e. a kick (new
   * submissions) or nothing left in flight (a retry rescheduled behind the cursor is found after
   * the reset), then until the end of the turn, so that a burst of kicks and answers is one read.
   */
  private async untilWorthReading (): Promise<void> {
    while (!this.again && this.inFlight.size > 0 && !this.host.stopped) await this.nextProgress()
    await new Promise<void>(resolve => { setImmediate(resolve) })
  }

  private dispatch (item: DueDelivery): void {
    const bytes = item.envelopeBytes.length
    this.inFlight.set(item.id, bytes)
    this.inFlightBytes += bytes
    const done = this.host.deliver(this, item).catch((err: unknown) => { this.host.onError(this.peer, err) }).finally(() => {
      this.inFlight.delete(item.id)
      this.inFlightBytes -= bytes
      this.settled.delete(done)
      this.wake()
    })
    this.settled.add(done)
  }

  /** Arm a timer for the earliest queued delivery to this peer, if any. */
  private async sleepUntilNextDue (): Promise<void> {
    const [next] = await this.host.due(this.peer, Number.MAX_SAFE_INTEGER, 1)
    // A kick meanwhile (`again`) runs the lane once more as soon as this run returns.
    if (next === undefined || this.host.stopped || this.again) return
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next.nextAttemptAt - this.host.now()))
    this.clearTimer()
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.kick()
    }, delay)
    this.timer.unref()
  }

  private clearTimer (): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  /** The lane's long-lived channel, opened on first use and again after it closes or fails. */
  async openChannel (): Promise<DeliveryChannel> {
    if (this.channel !== undefined) return await this.channel
    if (this.host.stopped) throw new LienthongError(DeliveryErrorCode.CHANNEL_CLOSED, 'the relay is stopping', { peer: this.peer })
    const opening = this.host.connect(this.peer)
    this.channel = opening
    opening.then(channel => {
      void channel.whenClosed().then(() => { if (this.channel === opening) this.channel = undefined })
    }, () => { if (this.channel === opening) this.channel = undefined })
    return await opening
  }

  /** Stop: no more reads or timers; close the channel (bounded); wait for deliveries in flight. */
  async stop (timeoutMs: number): Promise<void> {
    this.clearTimer()
    this.wake()
    const channel = this.channel
    this.channel = undefined
    const closing = (async () => {
      try {
        await (await channel)?.close()
      } catch (err) {
        if (!isLienthongError(err)) this.host.onError(this.peer, err)
      }
      await Promise.allSettled([...this.settled])
    })()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>(resolve => { timer = setTimeout(resolve, timeoutMs) })
    await Promise.race([closing, timeout])
    clearTimeout(timer)
    const open = await channel?.catch(() => undefined)
    if (open !== undefined && open.status !== 'closed' && open.status !== 'failed') open.abort('relay stopped')
  }
}
