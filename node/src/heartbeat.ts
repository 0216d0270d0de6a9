import type { Registry as MetricsRegistry } from 'prom-client'
import type { Logger } from '@lienthong/errors'
import { startHeartbeats, type Host, type HeartbeatSender, type RegistryReplica } from '@lienthong/protocol'
import { METRIC_NAMES, type Relay } from '@lienthong/relay'
import { NODE_VERSION } from './constants.js'

async function counterTotal (metrics: MetricsRegistry, name: string): Promise<number> {
  const metric = metrics.getSingleMetric(name)
  if (metric === undefined) return 0
  const { values } = await metric.get()
  return values.reduce((sum, v) => sum + v.value, 0)
}

/**
 * Heartbeats to the coordinator at the interval the registry sets: version, current listen
 * addresses (the coordinator records changes in the registry), registry seq, queue depths and
 * counters. The coordinator marks a node silent for too long offline and notifies its contacts.
 */
export function startNodeHeartbeats (c: { host: Host, replica: RegistryReplica, relay: Relay, metrics: MetricsRegistry, addresses: () => string[], coordinator: string, logger: Logger }): HeartbeatSender {
  const sender = startHeartbeats({
    host: c.host,
    coordinator: c.coordinator,
    logger: c.logger,
    intervalMs: () => c.replica.state.params.heartbeatIntervalMs,
    collect: async () => {
      const health = await c.relay.health()
      return {
        version: NODE_VERSION,
        // As the join request gave them (ending in /p2p/<peerId>), so that an unchanged node does
        // not cause an address update in the registry; the announced ones when config sets them.
        addresses: c.addresses(),
        registrySeq: c.replica.seq,
        queues: { queued: health.outbox.queued, delivered: health.outbox.delivered, failed: health.outbox.failed, inboxUnacked: health.inbox.unacked },
        counters: {
          sent: await counterTotal(c.metrics, METRIC_NAMES.sent),
          received: await counterTotal(c.metrics, METRIC_NAMES.received),
          refused: await counterTotal(c.metrics, METRIC_NAMES.refused)
        }
      }
    }
  })
  // A fresh link to the coordinator (start, approval, reconnection): report at once rather than
  // after a full interval, so the coordinator sees the node online without delay.
  c.host.node.addEventListener('connection:open', (evt) => {
    if (evt.detail.remotePeer.toString() === c.coordinator) sender.beatNow()
  })
  return sender
}
