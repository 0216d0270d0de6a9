import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ExecutionContext } from 'ava'
import { Registry as MetricsRegistry } from 'prom-client'
import { generateNodeKey, peerIdFromPublicKeyBytes, type NodeKey } from '@lienthong/crypto'
import { createHost, RegistryReplica, type Host } from '@lienthong/protocol'
import { RegistryWriter, type RegistryOp } from '@lienthong/registry'
import { BlobStore, Inbox, Outbox, openDatabase, type Database } from '@lienthong/store'
import { createRelay, type Relay, type RelayConfig } from '@lienthong/relay'
import { memoryLogger, type LogLine } from './helpers.js'

export const NETWORK = 'lienthong-relay-test'

/** Fast retries so that tests see a recovery within a second. */
export const TEST_CONFIG: RelayConfig = { maxPayloadBytes: 64 * 1024 * 1024, retryInitialMs: 40, retryMaxMs: 300, defaultTtlMs: 3_600_000 }

/** A fresh temp folder, removed when the test ends (registered first, so it runs last). */
export async function tempDir (t: ExecutionContext, prefix = 'lienthong-relay-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

export interface NodeSpec {
  orgs: string[]
  /** Membership after admission (default official). */
  state?: 'trial' | 'official'
  /** `registry` (default): only trial/official peers connect; `open`: anyone (to reach the relay's own checks). */
  gate?: 'registry' | 'open'
  /** Start the relay at once (default true). */
  startRelay?: boolean
  config?: Partial<RelayConfig>
}

/** One node of the test network: its stores, host and relay, on a data folder that outlives restarts. */
export interface TestNode {
  key: NodeKey
  peerId: string
  dir: string
  spec: NodeSpec
  db: Database
  replica: RegistryReplica
  blobs: BlobStore
  outbox: Outbox
  inbox: Inbox
  host: Host
  relay: Relay
  metrics: MetricsRegistry
  logs: LogLine[]
  address: string
  /** Stop relay, stores, host and database (idempotent). */
  stop: () => Promise<void>
}

/**
 * A coordinator (a RegistryWriter, no host) and relay nodes on 127.0.0.1, port 0, each with
 * its own LevelDB and blob folder. Registry changes are applied to every running node at once.
 */
export class TestNet {
  readonly coordinator = generateNodeKey()
  readonly writer: RegistryWriter
  readonly running = new Set<TestNode>()

  private constructor (private readonly t: ExecutionContext) {
    this.writer = RegistryWriter.genesis(this.coordinator, { network: NETWORK })
  }

  /** A network with these organisations (code, name). */
  static async create (t: ExecutionContext, orgs: Array<[string, string]>): Promise<TestNet> {
    const net = new TestNet(t)
    await net.append(orgs.map(([code, name]) => ({ type: 'org.create', code, name })))
    return net
  }

  /** Sign registry operations and apply them on every running node. */
  async append (ops: RegistryOp[]): Promise<void> {
    this.writer.appendOps(ops, { actor: 'test' })
    await this.sync()
  }

  async sync (): Promise<void> {
    for (const node of this.running) await this.catchUp(node)
  }

  private async catchUp (node: Pick<TestNode, 'replica' | 'host'>): Promise<void> {
    for (;;) {
      const entries = this.writer.registry.entriesAfter(node.replica.seq, 1000)
      if (entries.length === 0) break
      await node.replica.apply(entries)
    }
    node.host.refreshGate()
  }

  /** Admit a new node (and promote it unless `trial`), then start its relay. */
  async addNode (spec: NodeSpec, key = generateNodeKey()): Promise<TestNode> {
    const dir = await tempDir(this.t)
    const node = await this.open(spec, key, dir)
    const peerId = node.peerId
    const ops: RegistryOp[] = [{
      type: 'node.admit', peerId, publicKey: key.publicKey, sealingPublicKey: key.sealingPublicKey,
      addresses: [node.address], orgs: spec.orgs, contacts: { email: ['ops@example.gov.vn'], phone: ['+84 24 0000 0000'] }
    }]
    if ((spec.state ?? 'official') === 'official') ops.push({ type: 'node.promote', peerId })
    await this.append(ops)
    if (spec.startRelay !== false) await node.relay.start()
    return node
  }

  /** Start a node again on its data folder (new port: its address is updated in the registry). */
  async restart (old: TestNode, spec: Partial<NodeSpec> = {}): Promise<TestNode> {
    await old.stop()
    const node = await this.open({ ...old.spec, ...spec }, old.key, old.dir)
    await this.append([{ type: 'node.update-addresses', peerId: node.peerId, addresses: [node.address] }])
    if (node.spec.startRelay !== false) await node.relay.start()
    return node
  }

  /** Open a node on `dir` without touching the registry (the caller admits it or it already is). */
  async open (spec: NodeSpec, key: NodeKey, dir: string): Promise<TestNode> {
    const db = await openDatabase(join(dir, 'db'))
    const replica = await RegistryReplica.open({ db, coordinatorKey: this.coordinator.publicKey, network: NETWORK })
    const blobs = await BlobStore.open(join(dir, 'blobs'), db)
    const outbox = await Outbox.open(db)
    const inbox = await Inbox.open(db)
    const peerId = peerIdFromPublicKeyBytes(key.publicKey)
    const gate = spec.gate === 'open'
      ? undefined
      : { isAllowed: (id: string) => ['trial', 'official'].includes(replica.state.nodes.get(id)?.state ?? '') }
    const host = await createHost({ key, listen: ['/ip4/127.0.0.1/tcp/0'], ...(gate === undefined ? {} : { gate }) })
    const metrics = new MetricsRegistry()
    const logger = memoryLogger()
    const relay = createRelay({
      key, host, replica, db, blobs, outbox, inbox, metrics, logger, config: { ...TEST_CONFIG, ...spec.config }
    })
    let stopped: Promise<void> | undefined
    const node: TestNode = {
      key, peerId, dir, spec, db, replica, blobs, outbox, inbox, host, relay, metrics, logs: logger.lines,
      address: host.multiaddrs[0] ?? '',
      stop: async () => {
        stopped ??= (async () => {
          this.running.delete(node)
          await relay.stop()
          await inbox.close()
          await outbox.close()
          await host.stop()
          await db.close()
        })()
        await stopped
      }
    }
    this.t.teardown(node.stop)
    await this.catchUp(node)
    this.running.add(node)
    return node
  }
}

/** The value of a counter (optionally one label set) in a node's metrics. */
export async function metricValue (node: TestNode, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = node.metrics.getSingleMetric(name)
  if (metric === undefined) return 0
  const { values } = await metric.get()
  return values
    .filter(v => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
    .reduce((sum, v) => sum + v.value, 0)
}
