import { Hono } from 'hono'
import type { Logger } from '@lienthong/errors'
import type { NodeKey } from '@lienthong/crypto'
import { errorFunnel, notFound, registryRoutes, type TokenStore } from '@lienthong/http'
import type { MembershipStore, PeerAllowance } from '@lienthong/membership'
import type { ConnectionMonitor, EvaluationStats } from '@lienthong/monitor'
import type { Registry as MetricsRegistry } from 'prom-client'
import { changeRoutes } from './changes.js'
import { jsonBodyGuard, peerIdQuery } from './guards.js'
import { coordinatorOpenApi } from './openapi.js'
import { reportRoutes } from './reports.js'
import { bearerAuth, intQuery } from '@lienthong/http'
import { adminRegistryRoutes, type AuditFn } from './admin-registry.js'
import { membershipRoutes } from './membership.js'
import type { Host, RegistryReplica } from '@lienthong/protocol'
import type { NetworkFile } from '@lienthong/registry'

export interface HttpAppComponents {
  replica: RegistryReplica
  host: Host
  network: NetworkFile
  key: NodeKey
  tokens: TokenStore
  audit: AuditFn
  membership: MembershipStore
  allowance: PeerAllowance
  monitor: ConnectionMonitor
  stats: EvaluationStats
  metrics: MetricsRegistry
  conformancePassed: (peerId: string) => boolean
  logger: Logger
  /** Why the coordinator is degraded now (empty: ok); see `HealthProblem`. */
  health: () => Promise<string[]>
  startedAt: number
}

/** HTTP status of each error code the coordinator API can return (architecture §7). */
const STATUS_BY_CODE: Record<string, 400 | 401 | 404 | 409 | 413 | 415 | 422 | 503> = {
  'registry-unknown-org': 404,
  'registry-unknown-node': 404,
  'registry-unknown-service': 404,
  'registry-bad-op': 400,
  'registry-bad-org-code': 400,
  'registry-bad-param': 400,
  'registry-org-exists': 409,
  'registry-node-exists': 409,
  'registry-code-closed': 409,
  'registry-bad-transition': 409,
  'registry-merge-target-retired': 409,
  'registry-org-hosted': 409,
  'registry-successor-required': 422,
  'registry-remediation-required': 422,
  'registry-org-not-hosted': 422,
  'token-exists': 409,
  'token-bad-role': 400,
  'token-bad-name': 400,
  'membership-bad-request': 400,
  'membership-peer-mismatch': 400,
  'membership-bad-signature': 401,
  'membership-stale': 422,
  'membership-wrong-network': 422,
  'membership-duplicate': 409,
  'membership-already-admitted': 409,
  'membership-not-active': 409,
  'membership-not-pending': 409,
  'membership-service-conflict': 409,
  'membership-not-found': 404
}

/** The coordinator's HTTP API: public registry endpoints and health (admin API: issue 5). */
export function createHttpApp (c: HttpAppComponents): Hono {
  const app = new Hono()
  app.onError(errorFunnel({ logger: c.logger, statusOf: (code) => STATUS_BY_CODE[code] }))
  app.notFound(notFound)
  app.use('/v1/*', jsonBodyGuard())

  app.get('/openapi.json', (ctx) => ctx.json(coordinatorOpenApi()))
  app.get('/metrics', async (ctx) => ctx.text(await c.metrics.metrics(), 200, { 'content-type': c.metrics.contentType }))
  app.route('/v1/registry', changeRoutes(c.replica))
  app.route('/v1/registry', registryRoutes(c.replica))
  app.route('/v1', reportRoutes({ replica: c.replica, monitor: c.monitor, stats: c.stats, tokens: c.tokens }))
  const viewer = bearerAuth(c.tokens, 'viewer')
  app.get('/v1/connections', viewer, (ctx) => ctx.json({ connections: c.monitor.connections() }))
  app.get('/v1/alerts', viewer, async (ctx) => {
    // Without since/after: the newest alerts. `after` pages forward by alert id.
    const peerId = peerIdQuery(ctx, 'peerId')
    const since = ctx.req.query('since') === undefined ? undefined : intQuery(ctx, 'since', 0)
    const after = ctx.req.query('after') === undefined ? undefined : intQuery(ctx, 'after', 0)
    const alerts = await c.monitor.alerts({
      limit: intQuery(ctx, 'limit', 100, 1000),
      ...(since === undefined ? {} : { since }),
      ...(after === undefined ? {} : { after }),
      ...(peerId === undefined ? {} : { peerId })
    })
    return ctx.json({ alerts })
  })
  app.route('/v1', membershipRoutes({ replica: c.replica, key: c.key, host: c.host, network: c.network.name, store: c.membership, tokens: c.tokens, allowance: c.allowance, logger: c.logger }))
  app.route('/v1', adminRegistryRoutes({ replica: c.replica, key: c.key, tokens: c.tokens, audit: c.audit, conformancePassed: c.conformancePassed }))

  // 200 for ok and degraded alike, as the node does: `status` and `problems` say which.
  app.get('/v1/health', async (ctx) => {
    const problems = await c.health()
    const state = c.replica.state
    const held = c.replica.latestCheckpoint
    return ctx.json({
      status: problems.length === 0 ? 'ok' : 'degraded',
      problems,
      role: 'coordinator',
      network: c.network.name,
      peerId: c.host.peerId,
      uptimeMs: Date.now() - c.startedAt,
      registry: {
        seq: state.seq,
        head: Buffer.from(state.head).toString('hex'),
        checkpointSeq: held?.checkpoint.seq ?? null,
        checkpointAt: held?.checkpoint.at ?? null,
        orgs: state.orgs.size,
        nodes: state.nodes.size,
        alarms: c.replica.alarmCounts()
      },
      peers: { connected: c.host.connectedPeers().length },
      listen: c.host.multiaddrs
    })
  })
  return app
}
