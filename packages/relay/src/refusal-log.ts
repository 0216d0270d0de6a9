import type { Logger } from '@lienthong/errors'
import type { DeliveryServerEvent } from '@lienthong/protocol'
import type { RelayMetrics } from './metrics.js'

/**
 * Counts every refused envelope once, by reason, and logs it once at info (peer, envelope id
 * when known, code; never a payload). Refusals decided by the relay are logged where the
 * envelope id is known; the protocol reports every refusal on the wire (its own and the
 * relay's) as an event, so the event counts them all and logs only those not logged yet.
 */
export class RefusalLog {
  // Handler refusals by `peer/seq`: the protocol's event for them is already logged.
  private readonly handled = new Set<string>()
  // openPayload refusals, per peer, in order: the protocol's next event for that peer and code.
  private readonly opened = new Map<string, string[]>()

  constructor (private readonly log: Logger, private readonly metrics: RelayMetrics) {}

  /** A refusal by the batch handler (the protocol will report it with this seq). */
  handler (peer: string, seq: number, id: string, code: string): void {
    this.handled.add(`${peer}/${seq}`)
    this.log.info({ peer, id, code }, 'envelope refused')
  }

  /** A refusal of a detached payload before it streams (the protocol reports it next). */
  payload (peer: string, id: string, code: string): void {
    const codes = this.opened.get(peer) ?? []
    codes.push(code)
    this.opened.set(peer, codes)
    this.log.info({ peer, id, code }, 'envelope refused')
  }

  /** A refusal of a local delivery (no wire, no protocol event). */
  local (id: string, code: string): void {
    this.metrics.refused.inc({ reason: code })
    this.log.info({ peer: 'self', id, code }, 'envelope refused')
  }

  /** The delivery server's events: count every refusal, log those not logged yet. */
  onEvent (event: DeliveryServerEvent): void {
    if (event.type === 'stream-error') {
      this.log.info({ peer: event.peer, code: event.code }, 'delivery stream reset')
      return
    }
    if (event.type !== 'refused') return
    this.metrics.refused.inc({ reason: event.code })
    if (this.handled.delete(`${event.peer}/${event.seq}`)) return
    const codes = this.opened.get(event.peer)
    const index = codes?.indexOf(event.code) ?? -1
    if (codes !== undefined && index >= 0) {
      codes.splice(index, 1)
      if (codes.length === 0) this.opened.delete(event.peer)
      return
    }
    this.log.info({ peer: event.peer, seq: event.seq, code: event.code }, 'envelope refused')
  }
}
