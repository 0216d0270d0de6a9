import { join } from 'node:path'
import { peerIdFromPublicKeyBytes, type NodeKey } from '@lienthong/crypto'
import type { Logger } from '@lienthong/errors'
import type { MembershipStore } from '@lienthong/membership'
import type { ConnectionMonitor, EvaluationStats } from '@lienthong/monitor'
import { withPeerIdSuffix, type HeartbeatBody, type Host, type RegistryReplica } from '@lienthong/protocol'
import { hostOf, TEST_SERVICE_ORG, TEST_SERVICE_ORG_NAME, type RegistryOp, type RegistryState } from '@lienthong/registry'
import { createRelay, METRIC_NAMES, type Relay } from '@lienthong/relay'
import { BlobStore, Inbox, Outbox, type Database } from '@lienthong/store'
import type { Registry as MetricsRegistry } from 'prom-client'
import { ConformanceRecords, ConformanceResponder } from './conformance.js'

/** Reported in the test service node's heartbeats (the coordinator's package version). */
const COORDINATOR_VERSION = '0.1.0'

/**
 * The test service's relay settings. Test documents are small; its statuses are worth nothing
 * after a few minutes (the trial node retries with a new document), so they expire soon, which
 * also bounds how long the responder watches them.
 */
const TEST_RELAY_CONFIG = {
  maxPayloadBytes: 1024 * 1024,
  retryInitialMs: 500,
  retryMaxMs: 30_000,
  defaultTtlMs: 10 * 60_000
}

/**
 * The registry entries that make the coordinator host the test service, given what `state`
 * already holds: the reserved organisation `TEST_SERVICE_ORG` (kind `test`), and the
 * coordinator's own key admitted as a node hosting only that code, promoted to official. Empty
 * when both are there; what an operator has set since (a retired code, a node hosting it under
 * an earlier coordinator key) is left alone.
 */
export function testServiceOps (state: RegistryState, key: NodeKey, addresses: readonly string[]): RegistryOp[] {
  const peerId = peerIdFromPublicKeyBytes(key.publicKey)
  const ops: RegistryOp[] = []
  const org = state.orgs.get(TEST_SERVICE_ORG)
  if (org === undefined) ops.push({ type: 'org.create', code: TEST_SERVICE_ORG, name: TEST_SERVICE_ORG_NAME, level: 1, kind: 'test' })
  else if (org.status !== 'active') return ops
  if (!state.nodes.has(peerId) && hostOf(state, TEST_SERVICE_ORG) === undefined) {
    ops.push({
      type: 'node.admit', peerId, publicKey: key.publicKey, sealingPublicKey: key.sealingPublicKey,
      addresses: [...addresses], orgs: [TEST_SERVICE_ORG], contacts: { email: [], phone: [] }
    })
    ops.push({ type: 'node.promote', peerId })
  }
  return ops
}

export interface TestServiceInit {
  /** The coordinator's data folder (the test service keeps large payloads in `blobs/` there). */
  data: string
  key: NodeKey
  host: Host
  replica: RegistryReplica
  db: Database
  monitor: ConnectionMonitor
  stats: EvaluationStats
  membership: MembershipStore
  /** Where the test service's relay registers its lienthong_* metrics. */
  metrics: MetricsRegistry
  /** Addresses to publish instead of the bound ones (config `announce`). */
  announce: readonly string[]
  logger: Logger
}

/** The running test service. */
export interface TestService {
  readonly relay: Relay
  readonly records: ConformanceRecords
  close: () => Promise<void>
}

async function counterTotal (metrics: MetricsRegistry, name: string): Promise<number> {
  const metric = metrics.getSingleMetric(name)
  if (metric === undefined) return 0
  return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0)
}

/**
 * Run the coordinator's test service (architecture §5–§6) on the coordinator's host and database:
 * make sure the registry lists it, start its relay and the responder, and heartbeat for its node
 * into the monitor (as any node does) so that it shows online and its addresses stay current.
 */
export async function startTestService (c: TestServiceInit): Promise<TestService> {
  const log = c.logger
  const addresses = (): string[] => c.announce.length > 0 ? withPeerIdSuffix(c.announce, c.host.peerId) : [...c.host.multiaddrs]
  const ops = testServiceOps(c.replica.state, c.key, addresses())
  if (ops.length > 0) {
    await c.replica.append(c.key, ops, { actor: 'system', reason: 'the coordinator hosts the conformance test service' })
    log.info({ org: TEST_SERVICE_ORG, entries: ops.length }, 'test service registered')
  }
  if (hostOf(c.replica.state, TEST_SERVICE_ORG)?.node.peerId !== c.host.peerId) {
    // E.g. after a coordinator key rotation, until an operator moves the code to the new key.
    log.warn({ org: TEST_SERVICE_ORG }, 'the test service code is not hosted by this coordinator\'s node; trial nodes cannot pass conformance')
  }
  const blobs = await BlobStore.open(join(c.data, 'blobs'), c.db)
  const outbox = await Outbox.open(c.db)
  const inbox = await Inbox.open(c.db)
  const relay = createRelay({ key: c.key, host: c.host, replica: c.replica, db: c.db, blobs, outbox, inbox, metrics: c.metrics, config: TEST_RELAY_CONFIG, logger: log })
  let responder: ConformanceResponder | undefined
  let timer: NodeJS.Timeout | undefined
  let beating: Promise<void> = Promise.resolve()
  let stopped = false
  const close = async (): Promise<void> => {
    stopped = true
    clearTimeout(timer)
    await beating
    await responder?.stop()
    await relay.stop()
    await inbox.close()
    await outbox.close()
  }
  try {
    await relay.start()
    const records = await ConformanceRecords.load(c.membership.audit)
    responder = new ConformanceResponder(relay, records, log)
    responder.start()

    const beat = async (): Promise<void> => {
      const health = await relay.health()
      const body: HeartbeatBody = {
        version: COORDINATOR_VERSION,
        sentAt: Date.now(),
        addresses: addresses(),
        registrySeq: c.replica.seq,
        queues: { ...health.outbox, inboxUnacked: health.inbox.unacked },
        counters: {
          sent: await counterTotal(c.metrics, METRIC_NAMES.sent),
          received: await counterTotal(c.metrics, METRIC_NAMES.received),
          refused: await counterTotal(c.metrics, METRIC_NAMES.refused)
        }
      }
      if (await c.monitor.recordHeartbeat(c.host.peerId, body)) await c.stats.record(c.host.peerId, body, c.replica.seq)
    }
    const schedule = (): void => {
      if (stopped) return
      timer = setTimeout(() => {
        beating = beat().catch((err: unknown) => { log.warn({ err: (err as Error).message }, 'test service heartbeat not recorded') }).finally(schedule)
      }, c.replica.state.params.heartbeatIntervalMs)
      timer.unref()
    }
    await beat()
    schedule()
    log.info({ org: TEST_SERVICE_ORG, peerId: c.host.peerId }, 'test service started')
    return { relay, records, close }
  } catch (err) {
    await close()
    throw err
  }
}
