import { Hono } from 'hono'
import type { Registry as MetricsRegistry } from 'prom-client'
import type { Logger } from '@lienthong/errors'
import { bearerAuth, errorFunnel, notFound, registryRoutes, type TokenStore } from '@lienthong/http'
import type { Host, RegistryReplica } from '@lienthong/protocol'
import type { NetworkFile } from '@lienthong/registry'
import type { Relay } from '@lienthong/relay'
import type { PeerLinks } from '../peer-links.js'
import { inboxRoutes } from './inbox.js'
import { nodeOpenApi } from './openapi.js'
import { outboxRoutes } from './outbox.js'
import { nodeStatusOf } from './status-map.js'

export interface NodeHttpComponents {
  replica: RegistryReplica
  host: Host
  network: NetworkFile
  tokens: TokenStore
  links: PeerLinks
  relay: Relay
  metrics: MetricsRegistry
  /** The conformance exchange's result, for health. */
  conformance?: () => { passed: boolean, at: number | null }
  maxPayloadBytes: number
  logger: Logger
  startedAt: number
  version: string
}

/**
 * The node's HTTP API for the agency's own document system. Every /v1 route needs the bearer
 * token; /metrics and /openapi.json carry no document data and need none.
 */
export function createNodeHttpApp (c: NodeHttpComponents): Hono {
  const app = new Hono()
  app.onError(errorFunnel({ logger: c.logger, statusOf: nodeStatusOf }))
  app.notFound(notFound)
  app.get('/openapi.json', (ctx) => ctx.json(nodeOpenApi(c.version)))
  app.get('/metrics', async (ctx) => ctx.text(await c.metrics.metrics(), 200, { 'content-type': c.metrics.contentType }))
  app.use('/v1/*', bearerAuth(c.tokens, 'client'))

  app.route('/v1/outbox', outboxRoutes(c.relay, { maxPayloadBytes: c.maxPayloadBytes }))
  app.route('/v1/inbox', inboxRoutes(c.relay))
  app.route('/v1/registry', registryRoutes(c.replica))

  app.get('/v1/health', async (ctx) => {
    const freshness = c.replica.freshness()
    const links = c.links.status()
    const self = c.replica.state.nodes.get(c.host.peerId)
    const problems: string[] = []
    if (freshness.stale) problems.push('registry-stale')
    if (self === undefined) problems.push('not-admitted')
    else if (self.state === 'suspended' || self.state === 'revoked') problems.push(`node-${self.state}`)
    return ctx.json({
      status: problems.length === 0 ? 'ok' : 'degraded',
      problems,
      role: 'node',
      version: c.version,
      network: c.network.name,
      peerId: c.host.peerId,
      membership: self?.state ?? null,
      conformance: c.conformance?.() ?? null,
      uptimeMs: Date.now() - c.startedAt,
      registry: { ...freshness, stalenessLimitMs: c.replica.state.params.stalenessLimitMs, alarms: c.replica.alarmCounts() },
      links,
      queues: await c.relay.health(),
      listen: c.host.multiaddrs
    })
  })
  return app
}
