/**
 * Revocation propagation (issue #5): N nodes (default 50, `--nodes=N` up to 100) in one process,
 * in a sparse mesh (`--degree=K` connections opened per node, default 3: a ring plus random
 * chords) where only `--reach=R` nodes (default 10% of N) are connected to the coordinator; the
 * others' gates refuse it. For each of `--revocations=M` (default 5) peers, the time from the
 * call to the coordinator's admin API (`POST /v1/nodes/:peerId/revoke`) until every other node
 * refuses the revoked peer: its registry shows it revoked, its gate denies it and it holds no
 * connection with it. Reports p50/max over the revocations (goal < 2 s for 100 nodes), the
 * same-run baseline, startup time and RSS. See revocation-mesh.ts for what a node runs.
 */
import { cpus, loadavg } from 'node:os'
import { measureBaseline, round } from '../measure.js'
import { bounded, hopsFrom, startMesh, type Mesh, type MeshNode } from './revocation-mesh.js'

const GOAL_MS = 2000
/** A revocation not seen everywhere by then is reported as a failure of the run. */
const PROPAGATION_TIMEOUT_MS = 30_000
/** Safety net besides the events: each pending node is re-checked this often. */
const POLL_MS = 20

function intFlag (args: string[], name: string, fallback: number, max: number): number {
  const flag = args.find((a) => a.startsWith(`--${name}=`))
  const value = flag === undefined ? fallback : Number(flag.slice(name.length + 3))
  if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new Error(`bad --${name}: ${flag} (1 to ${max})`)
  return value
}

function percentile (sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
}

function isRevokedIn (node: MeshNode, peerId: string): boolean {
  return node.replica.state.nodes.get(peerId)?.state === 'revoked'
}

/** The node refuses `peerId`: revoked in its registry, denied by its gate, no connection left. */
function refuses (node: MeshNode, peerId: string): boolean {
  return isRevokedIn(node, peerId) && !node.host.isAllowed(peerId) && !node.host.connectedPeers().includes(peerId)
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
  eventLoopBusy: number
  cpuMs: number
  /** Sync traffic of all nodes and the coordinator for this revocation, until every sync was idle. */
  traffic: SyncTraffic
}

interface SyncTraffic { announcesSent: number, headChecks: number, pagesFetched: number }

function syncTraffic (mesh: Mesh): SyncTraffic {
  const total: SyncTraffic = { announcesSent: 0, headChecks: 0, pagesFetched: 0 }
  for (const sync of [mesh.coordinator.sync, ...mesh.nodes.map(x => x.sync)]) {
    const stats = sync.stats
    total.announcesSent += stats.announcesSent
    total.headChecks += stats.syncs
    total.pagesFetched += stats.pagesFetched
  }
  return total
}

/** Revoke `victim` through the admin API; resolve with when each node came to refuse it. */
async function revokeAndWatch (mesh: Mesh, victim: MeshNode, watched: MeshNode[], incident: string): Promise<Omit<RevocationResult, 'traffic'>> {
  const doneAt = new Map<number, number>()
  const registryAt = new Map<number, number>()
  const { promise: allDone, resolve } = Promise.withResolvers<void>()
  const check = (node: MeshNode): void => {
    if (doneAt.has(node.index)) return
    if (!registryAt.has(node.index) && isRevokedIn(node, victim.peerId)) registryAt.set(node.index, performance.now())
    if (!refuses(node, victim.peerId)) return
    doneAt.set(node.index, performance.now())
    if (doneAt.size === watched.length) resolve()
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
  try {
    const elu = performance.eventLoopUtilization()
    const cpu = process.cpuUsage()
    const start = performance.now()
    const response = await fetch(`${mesh.coordinator.httpUrl}/v1/nodes/${victim.peerId}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${mesh.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ incident, reason: 'revocation benchmark' })
    })
    const httpMs = performance.now() - start
    if (!response.ok) throw new Error(`revoke answered ${response.status}: ${await response.text()}`)
    await bounded(allDone, PROPAGATION_TIMEOUT_MS, incident).catch((err: unknown) => {
      const head = mesh.coordinator.replica.seq
      throw new Error(`${(err as Error).message}: ${watched.length - doneAt.size} of ${watched.length} nodes do not refuse the peer; ` +
        `${watched.filter(x => x.replica.seq < head).length} behind seq ${head}; the coordinator has ${mesh.coordinator.host.connectedPeers().length} connections`)
    })
    const eventLoopBusy = performance.eventLoopUtilization(elu).utilization
    const cpuUsed = process.cpuUsage(cpu)
    const times = [...doneAt.values()].map(t => t - start).sort((a, b) => a - b)
    const registryLast = Math.max(...registryAt.values()) - start
    const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000
    return { lastNodeMs: times.at(-1) ?? 0, medianNodeMs: percentile(times, 0.5), registryLastNodeMs: registryLast, httpMs, nodes: times.length, eventLoopBusy, cpuMs }
  } finally {
    clearInterval(poll)
    for (const fn of cleanup) fn()
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
  const progress = (msg: string): void => { console.error(`bench: revocation: ${msg}`) }
  const baselinePerSec = measureBaseline()
  const rss = rssSampler()
  const rssBeforeMB = round(process.memoryUsage.rss() / 1e6)
  const started = performance.now()
  const mesh = await startMesh({ nodes, degree, reach }, progress)
  try {
    const startupMs = round(performance.now() - started)
    const rssAfterStartMB = round(process.memoryUsage.rss() / 1e6)
    const connections = mesh.nodes.reduce((sum, x) => sum + x.host.connectedPeers().length, 0)
    const victims = pickVictims(mesh, revocations)
    const revoked = new Set<number>()
    const results: RevocationResult[] = []
    for (const [i, victim] of victims.entries()) {
      revoked.add(victim.index)
      const watched = mesh.nodes.filter(x => !revoked.has(x.index))
      progress(`revocation ${i + 1}/${victims.length}`)
      const before = syncTraffic(mesh)
      const result = await revokeAndWatch(mesh, victim, watched, `BENCH-${i + 1}`)
      // Let the announce rounds of this revocation finish before the next one starts.
      await bounded(Promise.all([mesh.coordinator.sync.idle(), ...mesh.nodes.map(x => x.sync.idle())]), PROPAGATION_TIMEOUT_MS, 'sync to go idle')
      const after = syncTraffic(mesh)
      const traffic = { announcesSent: after.announcesSent - before.announcesSent, headChecks: after.headChecks - before.headChecks, pagesFetched: after.pagesFetched - before.pagesFetched }
      results.push({ ...result, traffic })
    }
    const last = results.map(r => r.lastNodeMs).sort((a, b) => a - b)
    const p50 = percentile(last, 0.5)
    const max = last.at(-1) ?? 0
    return {
      // Other work on the machine skews every figure: shown so that runs can be compared.
      machine: { cpus: cpus().length, loadAverage1m: round(loadavg()[0] ?? 0, 2) },
      nodes,
      registryEntries: mesh.coordinator.replica.seq + 1,
      mesh: {
        degree,
        edges: mesh.edges.length,
        openConnectionsPerNode: round(connections / nodes, 2),
        reachCoordinator: reach,
        dialRetries: mesh.counters.dialRetries,
        linkDrops: mesh.counters.linkDrops,
        maxHopsFromCoordinator: hopsFromCoordinator(mesh)
      },
      admission: 'coordinator-signed node.admit + node.promote appended in-process; registries seeded in-process before the mesh forms',
      propagationMs: { p50: round(p50), max: round(max), revocations: results.length, goal: GOAL_MS },
      // Per revocation: the last and the median node to refuse the peer, the last node to apply
      // the revocation to its registry (the rest is the gate cutting the connection), the HTTP call,
      // and how busy this one process was meanwhile (all N nodes share its event loop and cores).
      revocations: results.map(r => ({
        lastNodeMs: round(r.lastNodeMs), medianNodeMs: round(r.medianNodeMs), registryLastNodeMs: round(r.registryLastNodeMs), httpMs: round(r.httpMs),
        nodes: r.nodes, eventLoopBusy: round(r.eventLoopBusy, 2), cpuMs: round(r.cpuMs), ...r.traffic
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
