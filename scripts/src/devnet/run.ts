/**
 * `runDevnet`: a coordinator and one node per unit, each a real CLI process on 127.0.0.1, brought
 * to official through the public join workflow, then a sample exchange. Reuses a data folder
 * that already holds a devnet (nothing is initialised or joined twice).
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { CoordinatorClient, type NodeClient } from '@lienthong/client'
import { CONFORMANCE_REASON, PROMOTION_REASON } from './membership.js'
import { exchangeSample, type Party, type SampleExchange } from './exchange.js'
import { bringUpNode, initNode, readToken } from './node-up.js'
import { findBins, lastErrorLine, mustRun, ProcessSet, rssKiB, startService } from './processes.js'
import { checkPreviousRun, PortAllocator, readState, removeRun, writeRun, writeState, type DevnetState } from './state.js'
import { curlLines, formatSummary, nextSteps, type DevnetSummary, type NodeSummary } from './summary.js'
import { checkUnits, DEMO_UNITS, directoryUnits, type Unit } from './units.js'
import { mapLimit, until } from './wait.js'

export interface DevnetOptions {
  /** The data folder (created; reused when it already holds a devnet). */
  dir: string
  /** `fixed` (default): free ports chosen at first init and kept; `ephemeral`: port 0 each start (not reusable). */
  ports?: 'fixed' | 'ephemeral'
  /** First port tried in fixed mode: coordinator HTTP on it, libp2p +1, nodes' HTTP from +100, libp2p from +200; 0: any free ports. */
  basePort?: number
  /** The units, or every active province and ministry of the directory (default: DEMO_UNITS). */
  units?: readonly Unit[] | 'directory'
  /** Who sends the sample (default the first unit) and to whom (default every other unit); false: no exchange. */
  sample?: { from?: string, to?: string[] } | false
  /** Nodes brought up at the same time (default all). */
  concurrency?: number
  /** Progress lines (default: none). */
  progress?: (line: string) => void
  /** Network name at first init (default `devnet`). */
  network?: string
  /** Bound of each wait (default 60 s). */
  timeoutMs?: number
  /** Aborting it stops every process started so far (Ctrl-C while starting). */
  signal?: AbortSignal
}

/** A running devnet. */
export interface Devnet {
  summary: DevnetSummary
  coordinator: CoordinatorClient
  /** Node clients by organisation code. */
  nodes: Map<string, NodeClient>
  processes: ProcessSet
  /** SIGTERM every process (nodes, then the coordinator), SIGKILL after 10 s; removes run.json. */
  stop: () => Promise<void>
}

const PASSED_NOTE = 'every node passed the conformance exchange with the coordinator\'s test service (a test document to 000.00.00.T01 answered with statuses 01 and 06) before it was promoted'
const forcedNote = (names: string[]): string => `not every node passed the conformance exchange within 30 s, so the devnet forced the promotion of ${names.join(', ')} with {"force": true, "reason": "${PROMOTION_REASON}"}; the reason is in the registry history and the audit log`

/** Start (or restart) a devnet; resolves once every claim of the summary holds. */
export async function runDevnet (options: DevnetOptions): Promise<Devnet> {
  const started = Date.now()
  const dir = resolve(options.dir)
  const progress = options.progress ?? (() => {})
  await mkdir(dir, { recursive: true })
  const leftovers = await checkPreviousRun(dir)
  if (leftovers.length > 0) progress(`stopped ${leftovers.length} process(es) left over by a devnet that was killed`)
  let failed: (err: Error) => void = () => {}
  const died = new Promise<never>((_resolve, reject) => { failed = reject })
  died.catch(() => {})
  let stopping = false
  const processes = new ProcessSet(async (services) => {
    const last = services.at(-1)
    // A process that dies while the devnet starts fails it at once, with the reason from its log.
    void last?.exited.then(async ({ code, signal }) => {
      if (!stopping) failed(new Error(`${last.name} exited (${signal ?? `code ${code}`}) while the devnet was starting: ${await lastErrorLine(last.log)} (see ${last.log})`))
    })
    await writeRun(dir, { pid: process.pid, startedAt: new Date(started).toISOString(), children: services.map((s) => ({ name: s.name, pid: s.pid })) })
  })
  // Children run in their own process groups: if this process dies, do not leave them behind.
  const onExit = (): void => { processes.killAllSync() }
  process.once('exit', onExit)
  const stop = async (): Promise<void> => {
    stopping = true
    await processes.stopAll(10_000, (name, ms) => { progress(`${name} stopped (${ms} ms)`) })
    process.off('exit', onExit)
    await removeRun(dir)
  }
  options.signal?.addEventListener('abort', () => { void stop() }, { once: true })
  const building = build(options, dir, started, processes, progress)
  building.catch(() => {})
  try {
    const result = await Promise.race([building, died])
    stopping = true
    return { ...result, processes, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

async function build (options: DevnetOptions, dir: string, started: number, processes: ProcessSet, progress: (line: string) => void): Promise<Omit<Devnet, 'processes' | 'stop'>> {
  const timeoutMs = options.timeoutMs ?? 60_000
  const bins = await findBins()
  const coordDir = join(dir, 'coordinator')
  const reused = existsSync(join(coordDir, 'config.json'))
  let state = await readState(dir)
  if (reused && state === undefined) throw new Error(`${dir} holds a coordinator but no devnet.json; remove the folder to start afresh`)
  const mode = state?.ports ?? options.ports ?? 'fixed'
  if (reused && mode === 'ephemeral') throw new Error(`${dir} was made with --ports ephemeral: its nodes hold the coordinator's old ports; remove it, or use --ports fixed`)
  const base = options.basePort ?? 7400
  const ports = new PortAllocator(state)
  if (state === undefined) {
    state = { version: 1, ports: mode, createdAt: new Date().toISOString(), coordinator: await ports.ports(mode, base, base === 0 ? 0 : base + 1), nodes: {} }
    progress(`initialising the coordinator in ${coordDir}`)
    await mustRun(bins.coordinator, ['init', '--data', coordDir, '--name', options.network ?? 'devnet', '--listen', state.coordinator.listen, '--http', state.coordinator.http], join(dir, 'logs', 'coordinator.log'))
    await writeState(dir, state)
  }
  const known: DevnetState = state
  const demo = options.units === 'directory' ? undefined : [...(options.units ?? DEMO_UNITS)]
  // With fixed ports network.json is final at init: the nodes' init can run while the coordinator starts.
  const earlyInit = demo !== undefined && mode === 'fixed' ? allocateAndInit(demo) : undefined
  earlyInit?.catch(() => {})
  const coordService = await processes.add(await startService('coordinator', bins.coordinator, ['start', '--data', coordDir], join(dir, 'logs', 'coordinator.log')))
  const coordUrl = await coordService.ready
  const adminTokenFile = join(coordDir, 'admin-token')
  const coordinator = new CoordinatorClient({ baseUrl: coordUrl, token: await readToken(adminTokenFile) })
  const coordHealth = await coordinator.health()
  progress(`coordinator up at ${coordUrl} (registry seq ${coordHealth.registry.seq})`)

  const units = demo ?? await directoryUnits(coordinator)
  const orgs = await checkUnits(coordinator, units)
  await (earlyInit ?? allocateAndInit(units))

  async function allocateAndInit (list: Unit[]): Promise<void> {
    let changed = false
    for (const [i, u] of list.entries()) {
      if (known.nodes[u.name] !== undefined) continue
      known.nodes[u.name] = { org: u.org, ...await ports.ports(mode, base === 0 ? 0 : base + 100 + i, base === 0 ? 0 : base + 200 + i) }
      changed = true
    }
    if (changed) await writeState(dir, known)
    await mapLimit(list, options.concurrency ?? list.length, async (u) => {
      if (await initNode(bins, dir, u, known.nodes[u.name]!)) progress(`${u.name}: initialised (${u.org})`)
    })
  }

  const nodes = new Map<string, NodeClient>()
  const summaries = await mapLimit(units, options.concurrency ?? units.length, async (unit): Promise<NodeSummary> => {
    const up = await bringUpNode({ bins, dir, unit, orgName: orgs.get(unit.org)?.name ?? unit.org, coordinator, processes, progress, timeoutMs })
    nodes.set(unit.org, up.client)
    return up.summary
  })

  // Deliveries need each side to see the other official: wait until every registry agrees.
  const peerIds = summaries.map((n) => n.peerId)
  await Promise.all(summaries.map(async (n) => {
    await until(`${n.name} to see every node official`, async () => {
      const { nodes: official } = await nodes.get(n.org)!.registryNodes({ state: 'official' })
      return peerIds.every((id) => official.some((o) => o.peerId === id))
    }, timeoutMs)
  }))
  progress(`all ${summaries.length} nodes official and in sync`)

  let sample: SampleExchange | undefined
  const wantedSample = options.sample
  if (wantedSample !== false) {
    const party = (n: NodeSummary): Party => ({ name: n.name, org: n.org, node: nodes.get(n.org)! })
    const from = summaries.find((n) => n.org === wantedSample?.from) ?? summaries[0]!
    const to = summaries.filter((n) => n !== from && (wantedSample?.to === undefined || wantedSample.to.includes(n.org)))
    progress(`sending a sample document from ${from.name} to ${to.length} unit(s)`)
    sample = await exchangeSample(party(from), to.map(party), timeoutMs)
    progress(`sample ${sample.id} delivered; ${sample.outbox.statuses.length} statuses back (${sample.ms} ms)`)
  }

  const coordRss = await rssKiB(coordService.pid)
  for (const n of summaries) {
    const rss = await rssKiB(n.pid)
    if (rss !== undefined) n.rssKiB = rss
  }
  const rss = summaries.map((n) => n.rssKiB ?? 0)
  const totalKiB = rss.reduce((a, b) => a + b, 0)
  // Promoted in this run or an earlier one: the registry history tells how.
  const registry = (await coordinator.nodes()).nodes.filter((n) => peerIds.includes(n.peerId))
  for (const n of summaries) {
    const promoted = registry.find((r) => r.peerId === n.peerId)?.history.findLast((h) => h.event === 'promoted')
    if (promoted !== undefined) n.promotion = { forced: promoted.reason === PROMOTION_REASON, reason: promoted.reason ?? '' }
  }
  const forcedNames = summaries.filter((n) => n.promotion?.forced === true).map((n) => n.name)
  const partial = {
    coordinator: { url: coordUrl, peerId: coordHealth.peerId, adminToken: await readToken(adminTokenFile), adminTokenFile, pid: coordService.pid, data: coordDir, log: coordService.log, ...(coordRss === undefined ? {} : { rssKiB: coordRss }) },
    nodes: summaries,
    ...(sample === undefined ? {} : { sample: { id: sample.id, from: sample.from, to: sample.to, ms: sample.ms, received: sample.received, outbox: sample.outbox } })
  }
  const summary: DevnetSummary = {
    network: coordHealth.network,
    dataDir: dir,
    reused,
    ports: mode,
    readyMs: Date.now() - started,
    ...partial,
    promotion: forcedNames.length > 0
      ? { forced: true, reason: PROMOTION_REASON, note: forcedNote(forcedNames) }
      : { forced: false, reason: CONFORMANCE_REASON, note: PASSED_NOTE },
    memory: { nodes: rss.length, totalKiB, avgKiB: rss.length === 0 ? 0 : Math.round(totalKiB / rss.length), maxKiB: Math.max(0, ...rss), coordinatorKiB: coordRss ?? null },
    curl: curlLines(partial),
    next: nextSteps({ nodes: summaries, dataDir: dir }, options.units === 'directory')
  }
  // Both hold the tokens: readable by this user only.
  await writeFile(join(dir, 'summary.txt'), formatSummary(summary), { mode: 0o600 })
  await writeFile(join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n', { mode: 0o600 })
  return { summary, coordinator, nodes }
}
