/**
 * Revocation propagation (issue #5): N nodes (default 50, `--nodes=N` up to 100) sharded over
 * `--workers=K` worker threads (default one per core, as if each had its own machine; the
 * coordinator runs on the main thread), in a sparse mesh (`--degree=D` connections opened per
 * node, default 3: a ring plus random chords) where only `--reach=R` nodes (default 10% of N)
 * are connected to the coordinator; the others' gates refuse it. For each of `--revocations=M`
 * (default 5) peers, the time from the call to the coordinator's admin API
 * (`POST /v1/nodes/:peerId/revoke`) until every other node refuses the revoked peer: its registry
 * shows it revoked, its gate denies it and it holds no connection with it (each worker stamps
 * that moment in wall-clock time). Reports p50/max over the revocations (goal < 2 s for 100
 * nodes), CPU per thread, the same-run baseline, startup time and RSS. See revocation-mesh.ts
 * and revocation-worker.ts for what runs where. */
import { availableParallelism, cpus, loadavg } from 'node:os'
import { measureBaseline, round } from '../measure.js'
import { wallClockMs, type RefusedMessage, type WorkerStats } from './revocation-messages.js'
import { startMesh, type Mesh, type MeshNode } from './revocation-mesh.js'
import { bounded, hopsFrom } from './revocation-util.js'

const GOAL_MS = 2000
/** A revocation not seen everywhere by then is reported as a failure of the run. */
const PROPAGATION_TIMEOUT_MS = 30_000
/** A worker answers watch/unwatch within this. */
const QUICK_TIMEOUT_MS = 10_000

function intFlag (args: string[], name: string, fallback: number, max: number): number {
  const flag = args.find((a) => a.startsWith(`--${name}=`))
  const value = flag === undefined ? fallback : Number(flag.slice(name.length + 3))
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new Error(`bad --${name}: ${flag} (1 to ${max})`)
  return value
}

function percentile (sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
}

/**
 * Pick `count` victims among the nodes that do not reach the coordinator, such that the mesh
 * without all of them still connects every other node to the coordinator's neighbours (so each
 * revocation can reach every node that must refuse it).
 */
function pickVictims (mesh: Mesh, count: number): MeshNode[] {
  const n = mesh.nodes.length
  const entry = mesh.nodes.filter(x => x.reachesCoordinator).map(x => x.index)
  const candidates = mesh.nodes.filter(x => !x.reachesCoordinator)
  for (let attempt = 0; attempt < 1000; attempt++) {
    const picked = new Set<number>()
    while (picked.size < Math.min(count, candidates.length)) picked.add((candidates[Math.floor(Math.random() * candidates.length)] as MeshNode).index)
    if (hopsFrom(n, mesh.edges, entry, picked).size === n - picked.size) return [...picked].map(i => mesh.nodes[i] as MeshNode)
  }
  throw new Error('no set of victims keeps the mesh connected; use a larger --degree')
}

/** Most hops from the coordinator to a node: one to its neighbours, then across the mesh. */
function hopsFromCoordinator (mesh: Mesh): number {
  const entry = mesh.nodes.filter(x => x.reachesCoordinator).map(x => x.index)
  return 1 + Math.max(0, ...hopsFrom(mesh.nodes.length, mesh.edges, entry).values())
}

interface RevocationResult {
  lastNodeMs: number
  medianNodeMs: number
  registryLastNodeMs: number
  httpMs: number
  nodes: number
  /** The busiest node worker's event loop. */
  eventLoopBusy: number
  /** The main thread's (the coordinator's) event loop. */
  coordinatorEventLoopBusy: number
  /** CPU time of the whole process (every thread). */
  cpuMs: number
  /** CPU time of each node worker's thread (null where /proc/thread-self is missing). */
  workerCpuMs: Array<number | null>
  workerEventLoopBusy: number[]
  /** Sync traffic of all nodes and the coordinator for this revocation, until every sync was idle. */
  traffic: SyncTraffic
}

interface SyncTraffic { announcesSent: number, headChecks: number, pagesFetched: number }

function syncTraffic (mesh: Mesh, nodes: WorkerStats): SyncTraffic {
  const coordinator = mesh.coordinator.sync.stats
  return {
    announcesSent: nodes.announcesSent + coordinator.announcesSent,
    headChecks: nodes.headChecks + coordinator.syncs,
    pagesFetched: nodes.pagesFetched + coordinator.pagesFetched
  }
}

/**
 * Revoke `victim` through the admin API; resolve with when each of the `watched` nodes came to
 * refuse it (revoked in its registry, denied by its gate, no connection left), as reported by
 * its worker in wall-clock time, against t0 taken here just before the call.
 */
async function revokeAndWatch (mesh: Mesh, victim: MeshNode, watched: number, revocation: number, incident: string): Promise<Omit<RevocationResult, 'traffic'>> {
  const doneAt = new Map<number, number>()
  const registryAt = new Map<number, number>()
  const { promise: allDone, resolve } = Promise.withResolvers<void>()
  const off = mesh.onRefused((message: RefusedMessage) => {
    if (message.revocation !== revocation) return
    doneAt.set(message.index, message.at)
    registryAt.set(message.index, message.registryAt)
    if (doneAt.size === watched) resolve()
  })
  try {
    await Promise.all(mesh.workers.map(async w => { await w.call('watch', { revocation, victim: { index: victim.index, peerId: victim.peerId } }, QUICK_TIMEOUT_MS) }))
    const elu = performance.eventLoopUtilization()
    const cpu = process.cpuUsage()
    const t0 = wallClockMs()
    const response = await fetch(`${mesh.coordinator.httpUrl}/v1/nodes/${victim.peerId}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${mesh.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ incident, reason: 'revocation benchmark' })
    })
    const httpMs = wallClockMs() - t0
    if (!response.ok) throw new Error(`revoke answered ${response.status}: ${await response.text()}`)
    await bounded(Promise.race([allDone, mesh.failed]), PROPAGATION_TIMEOUT_MS, incident).catch(async (err: unknown) => {
      const head = mesh.coordinator.replica.seq
      const stats = await mesh.stats(head).catch(() => undefined)
      throw new Error(`${(err as Error).message}: ${watched - doneAt.size} of ${watched} nodes do not refuse the peer; ` +
        `${stats?.behind ?? '?'} behind seq ${head}; the coordinator has ${mesh.coordinator.host.connectedPeers().length} connections`, { cause: err })
    })
    const coordinatorEventLoopBusy = performance.eventLoopUtilization(elu).utilization
    const cpuUsed = process.cpuUsage(cpu)
    const usage = await Promise.all(mesh.workers.map(async w => await w.call('unwatch', {}, QUICK_TIMEOUT_MS)))
    const times = [...doneAt.values()].map(t => t - t0).sort((a, b) => a - b)
    const registryLast = Math.max(...registryAt.values()) - t0
    const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000
    const workerEventLoopBusy = usage.map(u => u.eventLoopBusy)
    return {
      lastNodeMs: times.at(-1) ?? 0,
      medianNodeMs: percentile(times, 0.5),
      registryLastNodeMs: registryLast,
      httpMs,
      nodes: times.length,
      eventLoopBusy: Math.max(...workerEventLoopBusy),
      coordinatorEventLoopBusy,
      cpuMs,
      workerCpuMs: usage.map(u => u.cpuMs),
      workerEventLoopBusy
    }
  } finally {
    off()
  }
}

/** Peak RSS in MB, sampled every 100 ms until stopped. */
function rssSampler (): { peakMB: () => number, stop: () => void } {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()) }, 100)
  return { peakMB: () => round(Math.max(peak, process.memoryUsage.rss()) / 1e6), stop: () => { clearInterval(timer) } }
}

export async function run (args: string[]): Promise<Record<string, unknown>> {
  const nodes = intFlag(args, 'nodes', 50, 100)
  const degree = intFlag(args, 'degree', 3, Math.max(1, nodes - 1))
  const reach = intFlag(args, 'reach', Math.max(1, Math.round(nodes / 10)), nodes)
  const revocations = intFlag(args, 'revocations', 5, Math.max(1, nodes - reach))
  // One node worker per core by default, as separate machines would each have their own.
  const workers = intFlag(args, 'workers', Math.min(nodes, availableParallelism()), Math.min(nodes, 16))
  const progress = (msg: string): void => { console.error(`bench: revocation: ${msg}`) }
  const baselinePerSec = measureBaseline()
  const rss = rssSampler()
  const rssBeforeMB = round(process.memoryUsage.rss() / 1e6)
  const started = performance.now()
  const mesh = await startMesh({ nodes, degree, reach, workers }, progress)
  try {
    const startupMs = round(performance.now() - started)
    const rssAfterStartMB = round(process.memoryUsage.rss() / 1e6)
    const { connections } = await mesh.stats()
    const victims = pickVictims(mesh, revocations)
    const revoked = new Set<number>()
    const results: RevocationResult[] = []
    for (const [i, victim] of victims.entries()) {
      revoked.add(victim.index)
      const watched = mesh.nodes.filter(x => !revoked.has(x.index)).length
      progress(`revocation ${i + 1}/${victims.length}`)
      const before = syncTraffic(mesh, await mesh.stats())
      const result = await revokeAndWatch(mesh, victim, watched, i + 1, `BENCH-${i + 1}`)
      // Let the announce rounds of this revocation finish before the next one starts.
      const after = syncTraffic(mesh, await Promise.race([mesh.idle(PROPAGATION_TIMEOUT_MS), mesh.failed]))
      const traffic = { announcesSent: after.announcesSent - before.announcesSent, headChecks: after.headChecks - before.headChecks, pagesFetched: after.pagesFetched - before.pagesFetched }
      results.push({ ...result, traffic })
    }
    const last = results.map(r => r.lastNodeMs).sort((a, b) => a - b)
    const p50 = percentile(last, 0.5)
    const max = last.at(-1) ?? 0
    const counters = await mesh.stats()
    return {
      // Other work on the machine skews every figure: shown so that runs can be compared.
      machine: { cpus: cpus().length, loadAverage1m: round(loadavg()[0] ?? 0, 2) },
      nodes,
      // Node i runs in worker thread i mod workers; the coordinator runs on the main thread.
      workers,
      registryEntries: mesh.coordinator.replica.seq + 1,
      mesh: {
        degree,
        edges: mesh.edges.length,
        openConnectionsPerNode: round(connections / nodes, 2),
        reachCoordinator: reach,
        dialRetries: counters.dialRetries,
        linkDrops: counters.linkDrops,
        maxHopsFromCoordinator: hopsFromCoordinator(mesh)
      },
      admission: 'coordinator-signed node.admit + node.promote appended on the main thread; registries seeded from its log pages passed to the node workers before the mesh forms',
      propagationMs: { p50: round(p50), max: round(max), revocations: results.length, goal: GOAL_MS },
      // Per revocation: the last and the median node to refuse the peer, the last node to apply
      // the revocation to its registry (the rest is the gate cutting the connection), the HTTP call,
      // the busiest node worker's event loop and the coordinator's, the CPU time of the whole
      // process and of each node worker's thread.
      revocations: results.map(r => ({
        lastNodeMs: round(r.lastNodeMs), medianNodeMs: round(r.medianNodeMs), registryLastNodeMs: round(r.registryLastNodeMs), httpMs: round(r.httpMs),
        nodes: r.nodes, eventLoopBusy: round(r.eventLoopBusy, 2), coordinatorEventLoopBusy: round(r.coordinatorEventLoopBusy, 2),
        cpuMs: round(r.cpuMs), workerCpuMs: r.workerCpuMs.map(c => c === null ? null : round(c)), workerEventLoopBusy: r.workerEventLoopBusy.map(e => round(e, 2)),
        ...r.traffic
      })),
      // The same-run reference (SHA-256 of 1 KiB per second on one core), and the propagation
      // times expressed in it: milliseconds × baseline ops per ms, comparable across machines.
      baselinePerSec: round(baselinePerSec),
      propagationInBaselineOps: { p50: Math.round(p50 * baselinePerSec / 1000), max: Math.round(max * baselinePerSec / 1000) },
      startupMs: { total: startupMs, ...mesh.startupMs },
      rssMB: { before: rssBeforeMB, afterStart: rssAfterStartMB, peak: rss.peakMB() }
    }
  } finally {
    rss.stop()
    progress('stopping')
    await mesh.close()
  }
}
