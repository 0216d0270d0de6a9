import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import type { ConnectionMonitor } from '@lienthong/monitor'
import type { Host, RegistryReplica } from '@lienthong/protocol'

/** The coordinator's Prometheus metrics (read at scrape time from the live parts). */
export function coordinatorMetrics (c: { replica: RegistryReplica, monitor: ConnectionMonitor, host: Host }): { registry: Registry, heartbeats: Counter } {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'lienthong_coordinator_' })
  new Gauge({ name: 'lienthong_registry_seq', help: 'Seq of the newest registry entry', registers: [registry], collect () { this.set(c.replica.seq) } })
  new Gauge({
    name: 'lienthong_registry_nodes',
    help: 'Admitted nodes by membership state',
    labelNames: ['state'],
    registers: [registry],
    collect () {
      const counts: Record<string, number> = { trial: 0, official: 0, suspended: 0, revoked: 0 }
      for (const n of c.replica.state.nodes.values()) counts[n.state] = (counts[n.state] ?? 0) + 1
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n)
    }
  })
  new Gauge({
    name: 'lienthong_connections',
    help: 'Nodes by connection status as the monitor sees them',
    labelNames: ['status'],
    registers: [registry],
    collect () {
      const counts: Record<string, number> = {}
      for (const conn of c.monitor.connections()) counts[conn.status] = (counts[conn.status] ?? 0) + 1
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n)
    }
  })
  new Gauge({ name: 'lienthong_peers_connected', help: 'Open libp2p connections', registers: [registry], collect () { this.set(c.host.connectedPeers().length) } })
  const heartbeats = new Counter({ name: 'lienthong_heartbeats_received_total', help: 'Heartbeats received from nodes', registers: [registry] })
  return { registry, heartbeats }
}
