import { readKeyFile, type NodeKey } from '@lienthong/crypto'
import type { Logger } from '@lienthong/errors'
import { TokenStore } from '@lienthong/http'
import { createHost, createRegistrySync, RegistryReplica, serveInfo, withPeerIdSuffix, type Host, type RegistrySync } from '@lienthong/protocol'
import type { NetworkFile } from '@lienthong/registry'
import { BlobStore, Inbox, Outbox, canCollect, openDatabase, type Database } from '@lienthong/store'
import { createRelay, type Relay } from '@lienthong/relay'
import { Registry as MetricsRegistry, collectDefaultMetrics } from 'prom-client'
import { readNodeConfig, type NodeConfig } from './config.js'
import { NodeErrorCode } from './errors.js'
import { createNodeHttpApp } from './http/app.js'
import { NODE_TOKEN_ROLES, readNetworkFile } from './init.js'
import { createLogger, serveHttp } from '@lienthong/cli'
import { PeerLinks } from './peer-links.js'
import { nodePaths } from './paths.js'
import { catchUpOverHttp } from './registry-bootstrap.js'
import { NODE_VERSION } from './constants.js'
import { removeRunInfo, writeRunInfo } from './membership.js'
import { startNodeHeartbeats } from './heartbeat.js'
import { ConformanceRunner } from './conformance.js'

export { NODE_VERSION }

export interface NodeStartOptions {
  data: string
  listen?: string[]
  /** Public addresses to publish instead of the bound ones (overrides config `announce`). */
  announce?: string[]
  http?: string
  logger?: Logger
  /** How often peer links are checked (default 10 s; tests use less). */
  linkIntervalMs?: number
}

/** A running relay node; `close()` stops the parts in reverse order of start. */
export interface RelayNode {
  readonly key: NodeKey
  readonly config: NodeConfig
  readonly network: NetworkFile
  readonly replica: RegistryReplica
  readonly host: Host
  readonly sync: RegistrySync
  readonly links: PeerLinks
  readonly relay: Relay
  readonly metrics: MetricsRegistry
  readonly httpUrl: string
  /** Every route the HTTP API serves (method and Hono path), e.g. to check the OpenAPI document. */
  readonly routes: ReadonlyArray<{ method: string, path: string }>
  close: () => Promise<void>
}

/** States whose nodes may hold a connection with us (suspended and revoked are cut off). */
const CONNECTABLE = new Set(['trial', 'official'])

/** Build a relay node from its data folder: the composition root. */
export async function startNode (options: NodeStartOptions): Promise<RelayNode> {
  const paths = nodePaths(options.data)
  const fileConfig = await readNodeConfig(paths.config)
  const config: NodeConfig = {
    ...fileConfig,
    ...(options.listen === undefined ? {} : { listen: options.listen }),
    ...(options.announce === undefined ? {} : { announce: options.announce }),
    ...(options.http === undefined ? {} : { http: options.http })
  }
  const log = options.logger ?? createLogger(config.log.level, 'lienthong-node')
  const key = readKeyFile(paths.key)
  const network = await readNetworkFile(paths.network)
  const tokens = TokenStore.open(paths.tokens, NODE_TOKEN_ROLES)
  const coordinatorPeerId = network.coordinator.peerId

  const closers: Array<() => Promise<void>> = []
  const close = async (): Promise<void> => {
    for (const fn of closers.reverse()) {
      try { await fn() } catch (err) { log.error({ err: (err as Error).message }, 'error while stopping') }
    }
  }
  try {
    const db: Database = await openDatabase(paths.db)
    closers.push(() => db.close())
    const replica = await RegistryReplica.open({ db, coordinatorKey: network.coordinatorKey, network: network.name, logger: log.child({ component: 'lienthong:node:registry' }) })
    try {
      const applied = await catchUpOverHttp(replica, network.coordinator.http, log)
      log.info({ applied, seq: replica.seq }, 'registry caught up over HTTP')
    } catch (err) {
      // The coordinator may be away: keep working from the registry on disk.
      log.warn({ err: (err as Error).message, seq: replica.seq }, 'coordinator HTTP unreachable; using the registry on disk')
    }

    const host = await createHost({
      key,
      listen: config.listen,
      gate: {
        isAllowed: (peerId) => {
          if (peerId === coordinatorPeerId) return true
          const node = replica.state.nodes.get(peerId)
          return node !== undefined && CONNECTABLE.has(node.state)
        }
      }
    })
    closers.push(() => host.stop())

    // The coordinator's join assessment asks who we are, what we serve and our clock.
    await serveInfo(host, { software: `lienthong-node/${NODE_VERSION}` })

    const sync = createRegistrySync({ host, replica, logger: log.child({ component: 'lienthong:node:sync' }) })
    await sync.start()
    closers.push(() => sync.stop())

    const links = new PeerLinks({ host, replica, coordinator: { peerId: coordinatorPeerId, addresses: network.coordinator.addresses }, meshPeers: config.meshPeers, logger: log.child({ component: 'lienthong:node:links' }),
      ...(options.linkIntervalMs === undefined ? {} : { intervalMs: options.linkIntervalMs }),
      whenCoordinatorAway: async () => { await catchUpOverHttp(replica, network.coordinator.http, log) }
    })
    // A registry change may revoke or suspend a peer: cut it off at once, then refresh the mesh.
    replica.on('applied', () => { host.refreshGate(); links.refresh() })
    links.start()
    closers.push(() => { links.stop(); return Promise.resolve() })

    const metrics = new MetricsRegistry()
    collectDefaultMetrics({ register: metrics, prefix: 'lienthong_node_' })
    const blobs = await BlobStore.open(paths.blobs, db)
    const outbox = await Outbox.open(db)
    closers.push(() => outbox.close())
    const inbox = await Inbox.open(db)
    closers.push(() => inbox.close())
    const relay = createRelay({
      key, host, replica, db, blobs, outbox, inbox, metrics,
      config: {
        maxPayloadBytes: config.maxPayloadBytes,
        retryInitialMs: config.delivery.retryInitialMs,
        retryMaxMs: config.delivery.retryMaxMs,
        defaultTtlMs: config.delivery.defaultTtlMs
      },
      logger: log.child({ component: 'lienthong:node:relay' })
    })
    await relay.start()
    closers.push(() => relay.stop())
    // What others should dial: the announced addresses (NAT, port forward) or the bound ones.
    const published = (): string[] => config.announce.length > 0 ? withPeerIdSuffix(config.announce, host.peerId) : [...host.multiaddrs]
    const heartbeats = startNodeHeartbeats({ host, replica, relay, metrics, addresses: published, coordinator: coordinatorPeerId, logger: log.child({ component: 'lienthong:node:heartbeat' }) })
    closers.push(async () => { await heartbeats.stop() })
    // A trial node runs the conformance exchange with the coordinator's test service by itself.
    const conformance = new ConformanceRunner({ data: options.data, peerId: host.peerId, relay, replica, logger: log.child({ component: 'lienthong:node:conformance' }) })
    await conformance.start()
    closers.push(() => conformance.stop())

    const app = createNodeHttpApp({
      replica, host, network, tokens, links, relay, metrics,
      conformance: () => conformance.status(),
      maxPayloadBytes: config.maxPayloadBytes,
      logger: log.child({ component: 'lienthong:node:http' }),
      startedAt: Date.now(),
      version: NODE_VERSION
    })
    const server = await serveHttp(app.fetch, config.http, NodeErrorCode.CONFIG_INVALID)
    closers.push(server.close)
    const httpUrl = server.url
    await writeRunInfo(options.data, { pid: process.pid, peerId: host.peerId, httpUrl, addresses: published(), startedAt: new Date().toISOString() })
    closers.push(() => removeRunInfo(options.data))
    log.info({ http: httpUrl, peerId: host.peerId, seq: replica.seq }, 'node started')
    if (!canCollect()) {
      log.info({}, 'node runs without --expose-gc: large documents leave more garbage between collections (the systemd unit sets it)')
    }
    const routes = app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method, path: r.path }))
    return { key, config, network, replica, host, sync, links, relay, metrics, httpUrl, routes, close }
  } catch (err) {
    await close()
    throw err
  }
}
