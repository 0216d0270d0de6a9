import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { Outbox } from '@lienthong/store'

/** Metric names the relay registers (one set per node registry). */
export const METRIC_NAMES = {
  sent: 'lienthong_envelopes_sent_total',
  received: 'lienthong_envelopes_received_total',
  refused: 'lienthong_envelopes_refused_total',
  deliveries: 'lienthong_outbox_deliveries',
  latency: 'lienthong_delivery_latency_seconds'
} as const

/** Buckets of the delivery latency (submit → receipt), in seconds: from a LAN round trip to a day of retries. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400]

/** The relay's metrics on a prom-client registry. */
export class RelayMetrics {
  readonly sent: Counter
  readonly received: Counter
  readonly refused: Counter<'reason'>
  readonly latency: Histogram

  constructor (private readonly registry: Registry, outbox: Outbox) {
    const registers = [registry]
    this.sent = new Counter({ name: METRIC_NAMES.sent, help: 'Envelopes delivered to a recipient node (signed receipt verified)', registers })
    this.received = new Counter({ name: METRIC_NAMES.received, help: 'Envelopes accepted into the inbox (duplicates not counted)', registers })
    this.refused = new Counter({ name: METRIC_NAMES.refused, help: 'Envelopes refused on receipt, by reason code', labelNames: ['reason'], registers })
    this.latency = new Histogram({ name: METRIC_NAMES.latency, help: 'Time from submission to the recipient\'s receipt', buckets: LATENCY_BUCKETS, registers })
    // Read at scrape time from the outbox's exact counters: never drifts from what is stored.
    new Gauge({
      name: METRIC_NAMES.deliveries,
      help: 'Outbox deliveries (one per document and recipient node) by state',
      labelNames: ['state'],
      registers,
      collect () {
        const counts = outbox.counts()
        for (const state of ['queued', 'delivered', 'failed'] as const) this.set({ state }, counts[state])
      }
    })
  }

  /** Unregister every metric (a stopped relay no longer reports). */
  remove (): void {
    for (const name of Object.values(METRIC_NAMES)) this.registry.removeSingleMetric(name)
  }
}
