/**
 * The network of the `revocation` suite: the coordinator (its real composition root, admin HTTP
 * API included) on the main thread, and N protocol-level nodes sharded over K worker threads
 * (revocation-worker.ts, one per core by default) as separate machines would be, in a sparse
 * mesh where only a few nodes reach the coordinator. Every link, within a worker or across
 * workers, is TCP on 127.0.0.1.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initCoordinator, startCoordinator, type Coordinator } from '@lienthong/coordinator'
import { generateNodeKey, peerIdFromPublicKeyBytes, type NodeKey } from '@lienthong/crypto'
import { silentLogger } from '@lienthong/errors'
import type { RegistryOp, SignedEntry } from '@lienthong/registry'
import type { PlannedDial, RefusedMessage, WorkerStats } from './revocation-messages.js'
import { bounded, meshEdges } from './revocation-util.js'
import { NodeWorker } from './revocation-workers.js'

const SETUP_TIMEOUT_MS = 60_000
/** A worker answers a quick request (stats, watch) within this. */
const QUICK_TIMEOUT_MS = 10_000

/** One node, as the main thread knows it (the node itself runs in worker `worker`). */
export interface MeshNode {
  index: number
  peerId: string
  worker: number
  /** Whether this node holds a connection with the coordinator. */
  reachesCoordinator: boolean
}

export interface MeshInit {
  nodes: number
  /** Connections each node opens: one to its ring successor, the rest to random other nodes. */
  degree: number
  /** How many nodes connect to the coordinator (the others' gates refuse it). */
  reach: number
  /** Worker threads the nodes are sharded over (node i runs in worker i mod K). */
  workers: number
}

export interface Mesh {
  coordinator: Coordinator
  adminToken: string
  nodes: MeshNode[]
  workers: NodeWorker[]
  /** Undirected edges between node indexes. */
  edges: Array<[number, number]>
  /** Milliseconds spent in each setup phase. */
  startupMs: Record<string, number>
  /** Counters summed over the workers; `behind` counts the nodes not revoked behind `head`. */
  stats: (head?: number) => Promise<WorkerStats>
  /** Resolve once the coordinator's and every node's sync is idle; the counters then. */
  idle: (timeoutMs: number, head?: number) => Promise<WorkerStats>
  /** Listen to the workers' `refused` reports; returns the unsubscribe function. */
  onRefused: (listener: (message: RefusedMessage) => void) => () => void
  /** Rejects as soon as any worker fails. */
  failed: Promise<never>
  close: () => Promise<void>
}

function sumStats (all: WorkerStats[]): WorkerStats {
  const total: WorkerStats = { announcesSent: 0, headChecks: 0, pagesFetched: 0, connections: 0, dialRetries: 0, linkDrops: 0, behind: 0 }
  for (const s of all) for (const k of Object.keys(total) as Array<keyof WorkerStats>) total[k] += s[k]
  return total
}

/** Start the coordinator and the node workers, admit the nodes, seed their registries and form the mesh. */
export async function startMesh (init: MeshInit, progress: (msg: string) => void): Promise<Mesh> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-bench-revocation-'))
  const workers: NodeWorker[] = []
  const running: { coordinator?: Coordinator } = {}
  const listeners = new Set<(message: RefusedMessage) => void>()
  const close = async (): Promise<void> => {
    const closed = await Promise.allSettled(workers.map(async w => { await w.close() }))
    await running.coordinator?.close()
    await rm(dir, { recursive: true, force: true })
    const failed = closed.find(r => r.status === 'rejected')
    if (failed !== undefined) throw new Error('a node worker did not stop cleanly', { cause: failed.reason })
  }
  const startupMs: Record<string, number> = {}
  let mark = performance.now()
  const phase = (name: string): void => { const now = performance.now(); startupMs[name] = Math.round(now - mark); mark = now }
  try {
    const coordDir = join(dir, 'coordinator')
    const { adminToken } = await initCoordinator({ data: coordDir, name: 'bench', listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0' })
    const coordinator = running.coordinator = await startCoordinator({ data: coordDir, logger: silentLogger })
    const coordinatorPeerId = coordinator.host.peerId
    phase('coordinator')

    progress(`starting ${init.nodes} nodes in ${init.workers} worker threads`)
    const keys: NodeKey[] = Array.from({ length: init.nodes }, () => generateNodeKey())
    const reaching = new Set<number>()
    while (reaching.size < init.reach) reaching.add(Math.floor(Math.random() * init.nodes))
    const nodes: MeshNode[] = keys.map((key, index) => ({ index, peerId: peerIdFromPublicKeyBytes(key.publicKey), worker: index % init.workers, reachesCoordinator: reaching.has(index) }))
    const onRefused = (message: RefusedMessage): void => { for (const fn of listeners) fn(message) }
    for (let w = 0; w < init.workers; w++) {
      const own = nodes.filter(n => n.worker === w).map(n => ({ index: n.index, seed: (keys[n.index] as NodeKey).seed, reachesCoordinator: n.reachesCoordinator }))
      workers.push(new NodeWorker({ worker: w, dir, coordinatorPeerId, coordinatorKey: coordinator.network.coordinatorKey, network: coordinator.network.name, nodes: own }, onRefused))
    }
    const failed = Promise.race(workers.map(w => w.failed))
    failed.catch(() => {}) // raced where it matters
    const addresses = new Map<number, string[]>()
    for (const started of await Promise.all(workers.map(w => w.call('start', {}, SETUP_TIMEOUT_MS)))) {
      for (const node of started) {
        if (node.peerId !== nodes[node.index]?.peerId) throw new Error(`node ${node.index} started with another peer id`)
        addresses.set(node.index, node.multiaddrs)
      }
    }
    const addressOf = (index: number): string => {
      const address = addresses.get(index)?.[0]
      if (address === undefined) throw new Error(`node ${index} has no address`)
      return address
    }
    phase('nodes')

    // Admission: coordinator-signed registry entries appended in-process, as the integration
    // test harness does (an operator's approval of a join request ends in the same entries).
    const ops: RegistryOp[] = nodes.flatMap(n => {
      const key = keys[n.index] as NodeKey
      return [
        { type: 'node.admit', peerId: n.peerId, publicKey: key.publicKey, sealingPublicKey: key.sealingPublicKey, addresses: addresses.get(n.index) ?? [], orgs: [], contacts: { email: [`bench-${n.index}@example.gov.vn`], phone: [] } },
        { type: 'node.promote', peerId: n.peerId }
      ] satisfies RegistryOp[]
    })
    await coordinator.replica.append(coordinator.key, ops, { actor: 'bench', reason: 'admitted by the revocation benchmark' })
    phase('admission')

    // Each node catches up before it joins the mesh (as a node does over HTTP at start), from
    // the coordinator's log pages passed to its worker.
    progress('seeding the node registries')
    const log: SignedEntry[] = []
    for (let page = coordinator.replica.entriesAfter(-1, 1000); page.length > 0; page = coordinator.replica.entriesAfter(log.length - 1, 1000)) log.push(...page)
    const checkpoint = coordinator.replica.latestCheckpoint?.signed
    await Promise.all(workers.map(async w => { await w.call('seed', { log, checkpoint }, SETUP_TIMEOUT_MS) }))
    phase('seed')

    progress('forming the mesh')
    const edges = meshEdges(init.nodes, init.degree)
    const coordinatorAddress = coordinator.host.multiaddrs[0]
    if (coordinatorAddress === undefined) throw new Error('the coordinator has no address')
    const dials: PlannedDial[] = [
      ...nodes.filter(n => n.reachesCoordinator).map(n => ({ from: n.index, to: coordinatorAddress, peerId: coordinatorPeerId })),
      ...edges.map(([a, b]) => ({ from: a, to: addressOf(b), peerId: (nodes[b] as MeshNode).peerId }))
    ]
    await Promise.all(workers.map(async w => {
      await w.call('dial', { dials: dials.filter(d => nodes[d.from]?.worker === w.index) }, SETUP_TIMEOUT_MS)
    }))

    const stats = async (head?: number): Promise<WorkerStats> =>
      sumStats(await Promise.all(workers.map(async w => await w.call('stats', head === undefined ? {} : { head }, QUICK_TIMEOUT_MS))))
    const idle = async (timeoutMs: number, head?: number): Promise<WorkerStats> => {
      const [, ...all] = await bounded(Promise.all([
        coordinator.sync.idle(),
        ...workers.map(async w => await w.call('idle', head === undefined ? {} : { head }, timeoutMs))
      ]), timeoutMs, 'sync to go idle')
      return sumStats(all)
    }
    // Idle threads can still be told of the head by a thread that was not idle yet: go again.
    const head = coordinator.replica.seq
    const deadline = performance.now() + SETUP_TIMEOUT_MS
    for (let settled = await idle(SETUP_TIMEOUT_MS, head); settled.behind > 0; settled = await idle(SETUP_TIMEOUT_MS, head)) {
      if (performance.now() > deadline) throw new Error(`${settled.behind} nodes are not at the coordinator's seq ${head} after setup`)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    phase('mesh')
    const onRefusedListener = (listener: (message: RefusedMessage) => void): () => void => {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
    return { coordinator, adminToken, nodes, workers, edges, startupMs, stats, idle, onRefused: onRefusedListener, failed, close }
  } catch (err) {
    await close().catch(() => {})
    throw err
  }
}
