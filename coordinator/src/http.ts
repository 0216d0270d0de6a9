import { Hono } from 'hono'
import type { Logger } from '@lienthong/errors'
import { errorFunnel, notFound, registryRoutes } from '@lienthong/http'
import type { Host, RegistryReplica } from '@lienthong/protocol'
import type { NetworkFile } from '@lienthong/registry'

export interface HttpAppComponents {
  replica: RegistryReplica
  host: Host
  network: NetworkFile
  logger: Logger
  startedAt: number
}

const STATUS_BY_CODE: Record<string, 400 | 404 | 409 | 413 | 422 | 503> = {
  'registry-unknown-org': 404,
  'registry-unknown-node': 404
}

/** The coordinator's HTTP API: public registry endpoints and health (admin API: issue 5). */
export function createHttpApp (c: HttpAppComponents): Hono {
  const app = new Hono()
  app.onError(errorFunnel({ logger: c.logger, statusOf: (code) => STATUS_BY_CODE[code] }))
  app.notFound(notFound)

  app.route('/v1/registry', registryRoutes(c.replica))

  app.get('/v1/health', (ctx) => {
    const state = c.replica.state
    const held = c.replica.latestCheckpoint
    return ctx.json({
      status: 'ok',
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
