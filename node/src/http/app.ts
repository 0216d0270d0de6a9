import { Hono } from 'hono'
import type { Logger } from '@lienthong/errors'
import { errorFunnel, notFound, registryRoutes, type TokenStore, bearerAuth } from '@lienthong/http'
import type { Host, RegistryReplica } from '@lienthong/protocol'
import type { AppliedEntry, NetworkFile } from '@lienthong/registry'
import type { PeerLinks } from '../peer-links.js'

export interface NodeHttpComponents {
  replica: RegistryReplica
  host: Host
  network: NetworkFile
  tokens: TokenStore
  links: PeerLinks
  logger: Logger
  startedAt: number
}

/**
 * The node's HTTP API for the agency's own document system: every route needs the bearer token
 * (the API binds 127.0.0.1 unless configured otherwise, and it carries documents).
 */
export function createNodeHttpApp (c: NodeHttpComponents): Hono {
  const app = new Hono()
  app.onError(errorFunnel({ logger: c.logger }))
  app.notFound(notFound)
  app.use('/v1/*', bearerAuth(c.tokens, 'client'))

  app.route('/v1/registry', registryRoutes({
    state: () => c.replica.state,
    entriesAfter: (seq, limit) => {
      const out: AppliedEntry[] = []
      for (let s = seq + 1; s <= c.replica.seq && out.length < limit; s++) {
        const entry = c.replica.entry(s)
        if (entry !== undefined) out.push(entry)
      }
      return out
    },
    latestCheckpoint: () => c.replica.latestCheckpoint
  }))

  app.get('/v1/health', (ctx) => {
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
      network: c.network.name,
      peerId: c.host.peerId,
      membership: self?.state ?? null,
      uptimeMs: Date.now() - c.startedAt,
      registry: { ...freshness, stalenessLimitMs: c.replica.state.params.stalenessLimitMs, alarms: c.replica.alarmCounts() },
      links,
      listen: c.host.multiaddrs
    })
  })
  return app
}
