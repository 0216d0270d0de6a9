/**
 * A node worker of the `revocation` suite: one thread running its share of the nodes, as a
 * separate machine would (the main thread, revocation-mesh.ts, runs the coordinator). Each node
 * is what a relay node runs on the revocation path (node/src/app.ts): a libp2p host whose gate
 * admits trial/official registry members, a RegistryReplica on its own LevelDB, RegistrySync,
 * and `refreshGate()` on every `applied`. Links to nodes of other workers are TCP on 127.0.0.1.
 * Requests and replies: revocation-messages.ts.
 */
import '@lienthong/compat'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import { nodeKeyFromSeed, peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { createHost, createRegistrySync, RegistryReplica, type Host, type RegistrySync } from '@lienthong/protocol'
import { openDatabase, type Database } from '@lienthong/store'
import { wallClockMs, type NodeWorkerData, type PlannedDial, type WorkerMessage, type WorkerRequest, type WorkerRequests, type WorkerRequestType, type WorkerStats, type WorkerUsage } from './revocation-messages.js'
import { pool } from './revocation-util.js'

/** States whose nodes may hold a connection with a relay node (as in node/src/app.ts). */
const CONNECTABLE = new Set(['trial', 'official'])
/** Node starts, dials and syncs in flight at once in this worker while the mesh forms. */
const SETUP_CONCURRENCY = 8
const DIAL_ATTEMPTS = 5
/** Longer than the 1 s window of libp2p's inbound rate limit. */
const DIAL_BACKOFF_MS = 1100
/** Safety net besides the events: each pending node is re-checked this often. */
const POLL_MS = 20
/** USER_HZ: the unit of utime/stime in /proc on Linux (100 on every mainstream architecture). */
const CLOCK_TICKS_PER_SEC = 100

interface WorkerNode {
  index: number
  peerId: string
  host: Host
  db: Database
  replica: RegistryReplica
  sync: RegistrySync
}

if (parentPort === null) throw new Error('revocation-worker.js runs in a worker thread started by revocation-mesh.js')
const port: MessagePort = parentPort
const data = workerData as NodeWorkerData
const nodes: WorkerNode[] = []
/** Peer ids revoked so far in the run (told by the main thread before each revoke call). */
const revoked = new Set<string>()
const counters = { dialRetries: 0, linkDrops: 0 }
const redials = new Set<Promise<void>>()
let closing = false
let watch: { stop: () => WorkerUsage } | undefined

/** CPU time of this thread: /proc/thread-self is the calling thread, and readFileSync runs on it. */
function threadCpuMs (): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15)
    return Number.isFinite(ticks) ? ticks * 1000 / CLOCK_TICKS_PER_SEC : null
  } catch {
    return null
  }
}

async function startNode (init: NodeWorkerData['nodes'][number]): Promise<void> {
  const key = nodeKeyFromSeed(init.seed)
  const db = await openDatabase(join(data.dir, `node-${init.index}`))
  const replica = await RegistryReplica.open({ db, coordinatorKey: data.coordinatorKey, network: data.network })
  // A node that does not reach the coordinator refuses it in its gate (no dial either way).
  const isAllowed = (peerId: string): boolean => {
    if (peerId === data.coordinatorPeerId) return init.reachesCoordinator
    const node = replica.state.nodes.get(peerId)
    return node !== undefined && CONNECTABLE.has(node.state)
  }
  const host = await createHost({ key, listen: ['/ip4/127.0.0.1/tcp/0'], gate: { isAllowed } })
  const sync = createRegistrySync({ host, replica })
  replica.on('applied', () => { host.refreshGate() })
  nodes.push({ index: init.index, peerId: peerIdFromPublicKeyBytes(key.publicKey), host, db, replica, sync })
}

async function dialWithRetry (from: WorkerNode, to: string): Promise<void> {
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

function nodeAt (index: number): WorkerNode {
  const node = nodes.find(n => n.index === index)
  if (node === undefined) throw new Error(`node ${index} is not run by worker ${data.worker}`)
  return node
}

async function dialAll (dials: PlannedDial[]): Promise<void> {
  await pool(dials, SETUP_CONCURRENCY, async (dial) => { await dialWithRetry(nodeAt(dial.from), dial.to) })
  // Keep the planned links up, as a node's PeerLinks does: on a loaded machine libp2p's
  // connection monitor may abort a link whose ping timed out. Links to refused peers stay down.
  for (const { from: index, to, peerId } of dials) {
    const from = nodeAt(index)
    from.host.node.addEventListener('connection:close', (evt) => {
      if (closing || evt.detail.remotePeer.toString() !== peerId || !from.host.isAllowed(peerId) || from.host.connectedPeers().includes(peerId)) return
      if (revoked.has(from.peerId)) return
      counters.linkDrops++
      const redial = dialWithRetry(from, to).catch(() => {}).finally(() => { redials.delete(redial) })
      redials.add(redial)
    })
  }
}

function stats (head: number | undefined): WorkerStats {
  const total: WorkerStats = { announcesSent: 0, headChecks: 0, pagesFetched: 0, connections: 0, ...counters, behind: 0 }
  for (const node of nodes) {
    const s = node.sync.stats
    total.announcesSent += s.announcesSent
    total.headChecks += s.syncs
    total.pagesFetched += s.pagesFetched
    total.connections += node.host.connectedPeers().length
    if (head !== undefined && !revoked.has(node.peerId) && node.replica.seq < head) total.behind++
  }
  return total
}

/** Report each watched node the moment it refuses `victim`: revoked in its registry, denied by its gate, no connection left. */
function startWatch (revocation: number, victim: string): { stop: () => WorkerUsage } {
  const watched = nodes.filter(n => !revoked.has(n.peerId))
  const done = new Set<number>()
  const registryAt = new Map<number, number>()
  const check = (node: WorkerNode): void => {
    if (done.has(node.index)) return
    const inRegistry = node.replica.state.nodes.get(victim)?.state === 'revoked'
    if (!inRegistry) return
    const now = wallClockMs()
    if (!registryAt.has(node.index)) registryAt.set(node.index, now)
    if (node.host.isAllowed(victim) || node.host.connectedPeers().includes(victim)) return
    done.add(node.index)
    port.postMessage({ type: 'refused', revocation, index: node.index, at: now, registryAt: registryAt.get(node.index) ?? now } satisfies WorkerMessage)
    if (done.size === watched.length) clearInterval(poll)
  }
  const cleanup: Array<() => void> = []
  for (const node of watched) {
    // Added after the node's own refreshGate listener, so it runs once the gate has cut the peer.
    cleanup.push(node.replica.on('applied', () => { check(node) }))
    const onClose = (): void => { check(node) }
    node.host.node.addEventListener('connection:close', onClose)
    cleanup.push(() => { node.host.node.removeEventListener('connection:close', onClose) })
  }
  const poll = setInterval(() => { for (const node of watched) check(node) }, POLL_MS)
  const elu = performance.eventLoopUtilization()
  const cpu = threadCpuMs()
  return {
    stop: () => {
      clearInterval(poll)
      for (const fn of cleanup) fn()
      const cpuNow = threadCpuMs()
      return { cpuMs: cpu === null || cpuNow === null ? null : cpuNow - cpu, eventLoopBusy: performance.eventLoopUtilization(elu).utilization }
    }
  }
}

async function closeAll (): Promise<void> {
  closing = true
  watch?.stop()
  await Promise.allSettled(nodes.map(n => n.sync.stop()))
  await Promise.allSettled(nodes.map(n => n.host.stop()))
  await Promise.allSettled(nodes.map(n => n.db.close()))
  await Promise.allSettled([...redials])
}

type Handlers = { [K in WorkerRequestType]: (args: WorkerRequests[K]['args']) => Promise<WorkerRequests[K]['result']> }

const handlers: Handlers = {
  start: async () => {
    await pool(data.nodes, SETUP_CONCURRENCY, startNode)
    return nodes.map(n => ({ index: n.index, peerId: n.peerId, multiaddrs: n.host.multiaddrs }))
  },
  seed: async ({ log, checkpoint }) => {
    // Each node catches up before it joins the mesh, as a node does over HTTP at start.
    await pool(nodes, SETUP_CONCURRENCY, async (n) => {
      for (let i = 0; i < log.length; i += 1000) await n.replica.apply(log.slice(i, i + 1000), { source: 'bench-bootstrap' })
      if (checkpoint !== undefined) await n.replica.acceptCheckpoint(checkpoint, { source: 'bench-bootstrap' })
      await n.sync.start()
    })
    return null
  },
  dial: async ({ dials }) => { await dialAll(dials); return null },
  idle: async ({ head }) => {
    await Promise.all(nodes.map(n => n.sync.idle()))
    return stats(head)
  },
  stats: async ({ head }) => await Promise.resolve(stats(head)),
  watch: async ({ revocation, victim }) => {
    revoked.add(victim.peerId)
    watch?.stop()
    watch = startWatch(revocation, victim.peerId)
    return await Promise.resolve(null)
  },
  unwatch: async () => {
    const usage = watch?.stop() ?? { cpuMs: null, eventLoopBusy: 0 }
    watch = undefined
    return await Promise.resolve(usage)
  },
  close: async () => { await closeAll(); return null }
}

port.on('message', (request: WorkerRequest) => {
  const handler = handlers[request.type] as (args: unknown) => Promise<unknown>
  handler(request.args).then(
    (value) => { port.postMessage({ type: 'reply', id: request.id, ok: true, value } satisfies WorkerMessage) },
    (err: unknown) => { port.postMessage({ type: 'reply', id: request.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies WorkerMessage) }
  )
})
