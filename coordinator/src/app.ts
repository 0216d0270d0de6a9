import { readFile, writeFile } from 'node:fs/promises'
import { bytesEqualConstantTime } from './util.js'
import { readKeyFile, type NodeKey } from '@lienthong/crypto'
import { LienthongError, type Logger } from '@lienthong/errors'
import { createHost, createRegistrySync, RegistryReplica, type Host, type RegistrySync } from '@lienthong/protocol'
import { parseNetworkFile, type NetworkFile, type NetworkParams } from '@lienthong/registry'
import { openDatabase, type Database } from '@lienthong/store'
import { TokenStore } from '@lienthong/http'
import { MembershipStore, registryNodeState, TemporaryAllowList } from '@lienthong/membership'
import { ConnectionMonitor, createNotifier, EvaluationStats, validateMonitorConfig } from '@lienthong/monitor'
import { coordinatorMetrics } from './metrics.js'
import { serveHeartbeats } from '@lienthong/protocol'
import { readConfig, type CoordinatorConfig } from './config.js'
import { ADMIN_ROLES } from './roles.js'
import { CoordinatorErrorCode } from './errors.js'
import { createHttpApp } from './http/app.js'
import { createLogger, serveHttp } from '@lienthong/cli'
import { coordinatorPaths } from './paths.js'
import { conformanceRoutes } from './conformance.js'
import { startTestService } from './test-service.js'
import { healthProblems, NotifyHealth } from './health.js'

export interface StartOptions {
  data: string
  /** Overrides config.json `listen`. */
  listen?: string[]
  /** Overrides config.json `http` (HOST:PORT; port 0 picks a free port). */
  http?: string
  logger?: Logger
}

/** A running coordinator. `close()` stops the parts in reverse order of start. */
export interface Coordinator {
  readonly key: NodeKey
  readonly config: CoordinatorConfig
  readonly network: ReturnType<typeof parseNetworkFile>
  readonly replica: RegistryReplica
  readonly host: Host
  readonly sync: RegistrySync
  /** Base URL of the HTTP API actually bound (port resolved). */
  readonly httpUrl: string
  /** Every HTTP route served, as `GET /v1/registry/orgs/{code}` (OpenAPI path form), sorted. */
  readonly routes: readonly string[]
  close: () => Promise<void>
}

function paramsFromConfig (config: CoordinatorConfig): NetworkParams {
  return {
    heartbeatIntervalMs: config.monitor.heartbeatIntervalMs,
    maxEnvelopeBytes: config.network.maxEnvelopeBytes,
    stalenessLimitMs: config.network.stalenessLimitMs
  }
}

/** Inbound connection limits of the coordinator's host (see createHost's `inbound`). */
const COORDINATOR_INBOUND = { perHostPerSecond: 50, maxPending: 64 }

/** Build the coordinator from its data folder: the composition root. */
export async function startCoordinator (options: StartOptions): Promise<Coordinator> {
  const paths = coordinatorPaths(options.data)
  const fileConfig = await readConfig(paths.config)
  const config: CoordinatorConfig = {
    ...fileConfig,
    ...(options.listen === undefined ? {} : { listen: options.listen }),
    ...(options.http === undefined ? {} : { http: options.http })
  }
  const log = options.logger ?? createLogger(config.log.level, 'lienthong-coordinator')
  const key = readKeyFile(paths.key)
  const network = parseNetworkFile(JSON.parse(await readFile(paths.network, 'utf8')) as unknown)
  if (!bytesEqualConstantTime(network.coordinatorKey, key.publicKey)) {
    // Only a key rotation changes this; rotation tooling writes a new network.json with it.
    log.warn({ peerId: network.coordinator.peerId }, 'coordinator key differs from the genesis key in network.json')
  }

  const closers: Array<() => Promise<void>> = []
  const close = async (): Promise<void> => {
    for (const fn of closers.reverse()) {
      try { await fn() } catch (err) { log.error({ err: (err as Error).message }, 'error while stopping') }
    }
  }
  try {
    const db: Database = await openDatabase(paths.db)
    closers.push(() => db.close())
    const replica = await RegistryReplica.open({ db, coordinatorKey: network.coordinatorKey, network: network.name, logger: log.child({ component: 'lienthong:coordinator:registry' }) })
    if (replica.seq < 0) {
      throw new LienthongError(CoordinatorErrorCode.CONFIG_INVALID, `the registry in ${paths.db} is empty; was init interrupted? Remove the folder and run init again`)
    }
    const wanted = paramsFromConfig(config)
    const current = replica.state.params
    if (wanted.heartbeatIntervalMs !== current.heartbeatIntervalMs || wanted.maxEnvelopeBytes !== current.maxEnvelopeBytes || wanted.stalenessLimitMs !== current.stalenessLimitMs) {
      await replica.append(key, [{ type: 'network.params', ...wanted }], { actor: 'system', reason: 'network parameters changed in config.json' })
      log.info({ params: wanted }, 'network parameters updated from config.json')
    }

    // Admitted nodes that are not revoked may connect (suspended ones still sync and heartbeat),
    // and an applicant while its join request is being assessed.
    const allowance = new TemporaryAllowList()
    const host = await createHost({
      key,
      listen: config.listen,
      // Every node dials the coordinator, all at once after it restarts, and several units may
      // share one public address: libp2p's default of 5 new connections per IP and second would
      // refuse most of them (measured with 59 nodes on one host). Unknown peers are still refused
      // by the gate after the handshake.
      inbound: COORDINATOR_INBOUND,
      gate: {
        isAllowed: (peerId) => {
          const n = replica.state.nodes.get(peerId)
          return (n !== undefined && n.state !== 'revoked') || allowance.has(peerId)
        }
      }
    })
    closers.push(() => host.stop())
    replica.on('applied', () => { host.refreshGate() })

    // Applicants connected only for their assessment are served but not synced with: announcing
    // on a connection the assessment is closing once crashed the process (see protocol's yamux-guard).
    const sync = createRegistrySync({
      host,
      replica,
      coordinatorKey: key,
      checkpointIntervalMs: config.registry.checkpointIntervalMs,
      syncPeers: (peerId) => replica.state.nodes.has(peerId),
      logger: log.child({ component: 'lienthong:coordinator:sync' })
    })
    await sync.start()
    closers.push(() => sync.stop())

    // Connection monitoring: heartbeats in, offline/recovered alerts out by e-mail and SMS.
    const smtp = config.notify.smtp
    const settings = validateMonitorConfig({
      monitor: config.monitor,
      notify: {
        ...(smtp.host === '' ? {} : { smtp: { host: smtp.host, port: smtp.port, secure: smtp.secure, from: smtp.from, ...(smtp.auth === null ? {} : { auth: smtp.auth }) } }),
        ...(config.notify.sms.url === '' ? {} : { sms: { url: config.notify.sms.url } }),
        operators: config.notify.operators
      }
    })
    const notifier = createNotifier({ smtp: settings.smtp ?? undefined, sms: settings.sms ?? undefined, logger: log.child({ component: 'lienthong:coordinator:notify' }) })
    closers.push(async () => { await notifier.close() })
    const monitor = new ConnectionMonitor({ replica, db, notifier, offlineAfterMs: settings.offlineAfterMs, heartbeatIntervalMs: settings.heartbeatIntervalMs, operators: settings.operators, logger: log.child({ component: 'lienthong:coordinator:monitor' }) })
    const notifyHealth = new NotifyHealth()
    monitor.on('notification', ({ notification }) => { notifyHealth.observe(notification) })
    let monitorRunning = false
    await monitor.start()
    monitorRunning = true
    closers.push(async () => { monitorRunning = false; await monitor.stop() })
    monitor.on('addresses', (change) => {
      replica.append(key, [{ type: 'node.update-addresses', peerId: change.peerId, addresses: change.addresses }], { actor: 'system', reason: 'addresses reported by the node\'s heartbeat' })
        .catch((err: unknown) => { log.warn({ peer: change.peerId, err: (err as Error).message }, 'could not record new addresses') })
    })
    const stats = new EvaluationStats(db)
    const metrics = coordinatorMetrics({ replica, monitor, host })
    await serveHeartbeats(host, async (body, peerId) => {
      if (!await monitor.recordHeartbeat(peerId, body)) throw new LienthongError('monitor-unknown-node', 'this node is not in the registry')
      stats.record(peerId, body, replica.seq).catch((err: unknown) => { log.warn({ err: (err as Error).message }, 'could not record heartbeat statistics') })
      metrics.heartbeats.inc()
      return { serverTime: Date.now(), registrySeq: replica.seq }
    })

    const tokens = TokenStore.open(paths.tokens, ADMIN_ROLES)
    const membership = await MembershipStore.open(db, { nodeState: registryNodeState(() => replica.state) })
    // The conformance test service: the coordinator's own node answers trial nodes' test documents.
    const testService = await startTestService({
      data: paths.data, key, host, replica, db, monitor, stats, membership, metrics: metrics.registry, announce: config.announce,
      logger: log.child({ component: 'lienthong:coordinator:test-service' })
    })
    closers.push(() => testService.close())
    const app = createHttpApp({
      replica, host, network, key, tokens, membership, allowance, monitor, stats, metrics: metrics.registry,
      audit: async (entry) => { await membership.audit.record(entry) },
      conformancePassed: (peerId) => testService.records.passed(peerId),
      logger: log.child({ component: 'lienthong:coordinator:http' }),
      health: () => healthProblems({ monitorRunning: () => monitorRunning, probeStore: () => membership.audit.list({ limit: 1, order: 'desc' }), notify: notifyHealth }),
      startedAt: Date.now()
    })
    app.route('/v1', conformanceRoutes({ records: testService.records, replica, tokens }))
    const routes = [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`))].sort()
    const server = await serveHttp(app.fetch, config.http, CoordinatorErrorCode.CONFIG_INVALID)
    closers.push(server.close)
    const httpUrl = server.url
    log.info({ http: httpUrl, listen: host.multiaddrs, peerId: host.peerId, seq: replica.seq }, 'coordinator started')
    const published = await refreshNetworkFile(paths.network, network, config, host.multiaddrs, httpUrl)
    if (published) log.warn({ file: paths.network }, 'network.json rewritten with the ports bound now (ephemeral ports configured)')

    return { key, config, network, replica, host, sync, httpUrl, routes, close }
  } catch (err) {
    await close()
    throw err
  }
}

/**
 * With ephemeral ports (port 0: tests, local devnets) the addresses in network.json are only known
 * once bound: rewrite them. Fixed ports (production) never touch the file.
 */
async function refreshNetworkFile (path: string, network: NetworkFile, config: CoordinatorConfig, bound: string[], httpUrl: string): Promise<boolean> {
  const ephemeralP2p = config.announce.length === 0 && config.listen.some((a) => /\/tcp\/0(\/|$)/.test(a))
  const ephemeralHttp = config.publicUrl === '' && /:0$/.test(config.http)
  if (!ephemeralP2p && !ephemeralHttp) return false
  const next: NetworkFile = {
    version: 1,
    name: network.name,
    coordinator: {
      ...network.coordinator,
      addresses: ephemeralP2p ? bound : network.coordinator.addresses,
      http: ephemeralHttp ? httpUrl : network.coordinator.http
    },
    createdAt: network.createdAt
  }
  await writeFile(path, JSON.stringify(next, null, 2) + '\n', { mode: 0o644 })
  return true
}

