/**
 * The network of the `revocation` suite: an in-process coordinator (its real composition root,
 * admin HTTP API included) and N protocol-level nodes in one process, in a sparse mesh where
 * only a few nodes reach the coordinator. Each node is what a relay node runs on the revocation
 * path (node/src/app.ts): a libp2p host whose gate admits trial/official registry members, a
 * RegistryReplica on its own LevelDB, RegistrySync, and `refreshGate()` on every `applied`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initCoordinator, startCoordinator, type Coordinator } from '@lienthong/coordinator'
import { generateNodeKey, peerIdFromPublicKeyBytes, type NodeKey } from '@lienthong/crypto'
import { silentLogger } from '@lienthong/errors'
import { createHost, createRegistrySync, RegistryReplica, type Host, type RegistrySync } from '@lienthong/protocol'
import type { RegistryOp, SignedEntry } from '@lienthong/registry'
import { openDatabase, type Database } from '@lienthong/store'

/** States whose nodes may hold a connection with a relay node (as in node/src/app.ts). */
const CONNECTABLE = new Set(['trial', 'official'])
/** Dials and syncs in flight at once while the mesh forms (2 cores shared by every node). */
const SETUP_CONCURRENCY = 8
const SETUP_TIMEOUT_MS = 60_000
const DIAL_ATTEMPTS = 5
/** Longer than the 1 s window of libp2p's inbound rate limit. */
const DIAL_BACKOFF_MS = 1100

/** One in-process node. */
export interface MeshNode {
  index: number
  peerId: string
  key: NodeKey
  host: Host
  db: Database
  replica: RegistryReplica
  sync: RegistrySync
  /** Whether this node holds a connection with the coordinator. */
  reachesCoordinator: boolean
}

export interface MeshInit {
  nodes: number
  /** Connections each node opens: one to its ring successor, the rest to random other nodes. */
  degree: number
  /** How many nodes connect to the coordinator (the others' gates refuse it). */
  reach: number
}

export interface Mesh {
  coordinator: Coordinator
  adminToken: string
  nodes: MeshNode[]
  /** Undirected edges between node indexes. */
  edges: Array<[number, number]>
  /** Milliseconds spent in each setup phase. */
  startupMs: Record<string, number>
  /** Dials retried (while the mesh formed, or redialling), and planned links that dropped and were redialled. */
  counters: { dialRetries: number, linkDrops: number }
  close: () => Promise<void>
}

/** Run `fn` over `items`, `limit` at a time. */
export async function pool<T> (items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T)
  }))
}

/** Reject with `what` after `ms` unless `promise` settles first. */
export async function bounded<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`timed out after ${ms} ms: ${what}`)) }, ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A ring (so the graph is connected) plus `degree - 1` random chords from each node. */
export function meshEdges (n: number, degree: number): Array<[number, number]> {
  const seen = new Set<string>()
  const edges: Array<[number, number]> = []
  const add = (a: number, b: number): boolean => {
    const k = a < b ? `${a}:${b}` : `${b}:${a}`
    if (a === b || seen.has(k)) return false
    seen.add(k)
    edges.push([a, b])
    return true
  }
  for (let i = 0; i < n; i++) add(i, (i + 1) % n)
  for (let i = 0; i < n; i++) {
    let added = 0
    for (let tries = 0; added < degree - 1 && tries < 20 * degree; tries++) if (add(i, Math.floor(Math.random() * n))) added++
  }
  return edges
}

/** Hops from the nearest of `from` to each node reachable over `edges` without passing through `removed`. */
export function hopsFrom (n: number, edges: ReadonlyArray<readonly [number, number]>, from: number[], removed: ReadonlySet<number> = new Set()): Map<number, number> {
  const adjacent = Array.from({ length: n }, () => [] as number[])
  for (const [a, b] of edges) { adjacent[a]?.push(b); adjacent[b]?.push(a) }
  const hops = new Map(from.filter(i => !removed.has(i)).map(i => [i, 0]))
  const queue = [...hops.keys()]
  for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
    for (const j of adjacent[i] ?? []) if (!removed.has(j) && !hops.has(j)) { hops.set(j, (hops.get(i) ?? 0) + 1); queue.push(j) }
  }
  return hops
}

/** Start the coordinator and `init.nodes` nodes, admit them, seed their registries and form the mesh. */
export async function startMesh (init: MeshInit, progress: (msg: string) => void): Promise<Mesh> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-bench-revocation-'))
  const nodes: MeshNode[] = []
  const running: { coordinator?: Coordinator } = {}
  let closing = false
  const redials = new Set<Promise<void>>()
  const close = async (): Promise<void> => {
    closing = true
    await Promise.allSettled(nodes.map(n => n.sync.stop()))
    await Promise.allSettled(nodes.map(n => n.host.stop()))
    await Promise.allSettled(nodes.map(n => n.db.close()))
    await running.coordinator?.close()
    await Promise.allSettled([...redials])
    await rm(dir, { recursive: true, force: true })
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

    progress(`starting ${init.nodes} nodes`)
    const reaching = new Set<number>()
    while (reaching.size < init.reach) reaching.add(Math.floor(Math.random() * init.nodes))
    await pool(Array.from({ length: init.nodes }, (_, i) => i), SETUP_CONCURRENCY, async (index) => {
      const key = generateNodeKey()
      const db = await openDatabase(join(dir, `node-${index}`))
      const replica = await RegistryReplica.open({ db, coordinatorKey: coordinator.network.coordinatorKey, network: coordinator.network.name })
      const reachesCoordinator = reaching.has(index)
      // A node that does not reach the coordinator refuses it in its gate (no dial either way).
      const isAllowed = (peerId: string): boolean => {
        if (peerId === coordinatorPeerId) return reachesCoordinator
        const node = replica.state.nodes.get(peerId)
        return node !== undefined && CONNECTABLE.has(node.state)
      }
      const host = await createHost({ key, listen: ['/ip4/127.0.0.1/tcp/0'], gate: { isAllowed } })
      const sync = createRegistrySync({ host, replica })
      replica.on('applied', () => { host.refreshGate() })
      nodes[index] = { index, peerId: peerIdFromPublicKeyBytes(key.publicKey), key, host, db, replica, sync, reachesCoordinator }
    })
    phase('nodes')

    // Admission: coordinator-signed registry entries appended in-process, as the integration
    // test harness does (an operator's approval of a join request ends in the same entries).
    const ops: RegistryOp[] = nodes.flatMap(n => [
      { type: 'node.admit', peerId: n.peerId, publicKey: n.key.publicKey, sealingPublicKey: n.key.sealingPublicKey, addresses: n.host.multiaddrs, orgs: [], contacts: { email: [`bench-${n.index}@example.gov.vn`], phone: [] } },
      { type: 'node.promote', peerId: n.peerId }
    ] satisfies RegistryOp[])
    await coordinator.replica.append(coordinator.key, ops, { actor: 'bench', reason: 'admitted by the revocation benchmark' })
    phase('admission')

    // Each node catches up before it joins the mesh, as a node does over HTTP at start.
    progress('seeding the node registries')
    const log: SignedEntry[] = []
    for (let page = coordinator.replica.entriesAfter(-1, 1000); page.length > 0; page = coordinator.replica.entriesAfter(log.length - 1, 1000)) log.push(...page)
    const checkpoint = coordinator.replica.latestCheckpoint?.signed
    await pool(nodes, SETUP_CONCURRENCY, async (n) => {
      for (let i = 0; i < log.length; i += 1000) await n.replica.apply(log.slice(i, i + 1000), { source: 'bench-bootstrap' })
      if (checkpoint !== undefined) await n.replica.acceptCheckpoint(checkpoint, { source: 'bench-bootstrap' })
      await n.sync.start()
    })
    phase('seed')

    progress('forming the mesh')
    const edges = meshEdges(init.nodes, init.degree)
    const coordinatorAddress = coordinator.host.multiaddrs[0]
    if (coordinatorAddress === undefined) throw new Error('the coordinator has no address')
    const dials: Array<[MeshNode, string | undefined]> = [
      ...nodes.filter(n => n.reachesCoordinator).map(n => [n, coordinatorAddress] as [MeshNode, string]),
      ...edges.map(([a, b]) => [nodes[a] as MeshNode, nodes[b]?.host.multiaddrs[0]] as [MeshNode, string | undefined])
    ]
    const counters = { dialRetries: 0, linkDrops: 0 }
    const dialWithRetry = async (from: MeshNode, to: string): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          await from.host.dial(to, { timeoutMs: 10_000 })
          return
        } catch (err) {
          // libp2p refuses more than 5 inbound connections a second from one IP (its
          // inboundConnectionThreshold), and here every node is 127.0.0.1: back off and retry.
          if (attempt === DIAL_ATTEMPTS || closing) throw err
          counters.dialRetries++
          await new Promise(resolve => setTimeout(resolve, DIAL_BACKOFF_MS))
        }
      }
    }
    await pool(dials, SETUP_CONCURRENCY, async ([from, to]) => {
      if (to === undefined) throw new Error('a node has no address')
      await dialWithRetry(from, to)
    })
    // Keep the planned links up, as a node's PeerLinks does: on this overloaded process libp2p's
    // connection monitor may abort a link whose ping timed out. Links to refused peers stay down.
    for (const [from, to] of dials) {
      const peerId = to?.split('/p2p/')[1]
      if (to === undefined || peerId === undefined) continue
      from.host.node.addEventListener('connection:close', (evt) => {
        if (closing || evt.detail.remotePeer.toString() !== peerId || !from.host.isAllowed(peerId) || from.host.connectedPeers().includes(peerId)) return
        if (coordinator.replica.state.nodes.get(from.peerId)?.state === 'revoked') return
        counters.linkDrops++
        const redial = dialWithRetry(from, to).catch(() => {}).finally(() => { redials.delete(redial) })
        redials.add(redial)
      })
    }
    const head = coordinator.replica.seq
    await bounded(Promise.all([coordinator.sync.idle(), ...nodes.map(n => n.sync.idle())]), SETUP_TIMEOUT_MS, 'the mesh to settle')
    const behind = nodes.filter(n => n.replica.seq !== head).length
    if (behind > 0) throw new Error(`${behind} nodes are not at the coordinator's seq ${head} after setup`)
    phase('mesh')
    return { coordinator, adminToken, nodes, edges, startupMs, counters, close }
  } catch (err) {
    await close()
    throw err
  }
}
