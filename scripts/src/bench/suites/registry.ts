/**
 * Registry sync: a coordinator log of N `org.create` entries (default 10 000, `--entries=N`),
 * then over libp2p on 127.0.0.1 a cold sync of a fresh node (goal < 2 s) and the latency of an
 * incremental sync of one appended entry, from the coordinator's append to the node applying it
 * (median of `--rounds=N`, default 20; goal < 50 ms). Throughputs, each next to the same-run
 * baseline: replay into a fresh Registry (verify + fold) and apply + persist through a
 * RegistryReplica (verify + fold + one synced LevelDB batch per 1000 entries), and the bound on
 * both: ed25519 verifications of one entry per second.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateNodeKey, verify, type NodeKey } from '@lienthong/crypto'
import {
  createHost, createRegistrySync, RegistryReplica, type Host, type RegistrySync
} from '@lienthong/protocol'
import { Registry, REGISTRY_ENTRY_DOMAIN, RegistryWriter, type OrgCreateOp, type SignedEntry } from '@lienthong/registry'
import { openDatabase, type Database } from '@lienthong/store'
import { measureBaseline, rate, round, withBaseline } from '../measure.js'

const NETWORK = 'lienthong-bench'
const ADMIN = { actor: 'bench' }

function intFlag (args: string[], name: string, fallback: number): number {
  const flag = args.find((a) => a.startsWith(`--${name}=`))
  const value = flag === undefined ? fallback : Number(flag.slice(name.length + 3))
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`bad --${name}: ${flag}`)
  return value
}

/** A valid national-format code for n < 100 000: `VVV.ZZ.01.H29` with VVV from 001. */
function orgOp (n: number): OrgCreateOp {
  const code = `${String(1 + Math.floor(n / 100)).padStart(3, '0')}.${String(n % 100).padStart(2, '0')}.01.H29`
  return { type: 'org.create', code, name: `Đơn vị thử nghiệm ${n}`, kind: 'unit' }
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

interface BenchNode { host: Host, db: Database, replica: RegistryReplica, sync: RegistrySync, dir: string }

async function startNode (coordinatorKey: NodeKey, coordinator: boolean): Promise<BenchNode> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-bench-registry-'))
  const db = await openDatabase(join(dir, 'db'))
  const replica = await RegistryReplica.open({ db, coordinatorKey: coordinatorKey.publicKey, network: NETWORK })
  const host = await createHost({ key: coordinator ? coordinatorKey : generateNodeKey(), listen: ['/ip4/127.0.0.1/tcp/0'] })
  const sync = createRegistrySync({ host, replica, ...(coordinator ? { coordinatorKey } : {}) })
  await sync.start()
  return { host, db, replica, sync, dir }
}

async function stopNode (node: BenchNode): Promise<void> {
  await node.sync.stop()
  await node.host.stop()
  await node.db.close()
  await rm(node.dir, { recursive: true, force: true })
}

async function waitForSeq (replica: RegistryReplica, seq: number, timeoutMs = 60_000): Promise<void> {
  if (replica.seq >= seq) return
  const { promise, resolve, reject } = Promise.withResolvers<void>()
  const off = replica.on('applied', (e) => { if (e.seq >= seq) resolve() })
  const timer = setTimeout(() => { reject(new Error(`seq ${seq} not reached (at ${replica.seq})`)) }, timeoutMs)
  try {
    await promise
  } finally {
    clearTimeout(timer)
    off()
  }
}

function allEntries (registry: Registry): SignedEntry[] {
  const out: SignedEntry[] = []
  for (let page = registry.entriesAfter(-1); page.length > 0; page = registry.entriesAfter(out.length - 1)) out.push(...page)
  return out
}

async function persistRate (key: NodeKey, entries: SignedEntry[]): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-bench-registry-'))
  const db = await openDatabase(join(dir, 'db'))
  try {
    const replica = await RegistryReplica.open({ db, coordinatorKey: key.publicKey, network: NETWORK })
    const start = performance.now()
    for (let i = 0; i < entries.length; i += 1000) await replica.apply(entries.slice(i, i + 1000))
    return entries.length / ((performance.now() - start) / 1000)
  } finally {
    await db.close()
    await rm(dir, { recursive: true, force: true })
  }
}

export async function run (args: string[]): Promise<Record<string, unknown>> {
  const count = intFlag(args, 'entries', 10_000)
  const rounds = intFlag(args, 'rounds', 20)
  const baseline = measureBaseline()
  const key = generateNodeKey()

  const writer = RegistryWriter.genesis(key, { network: NETWORK })
  for (let i = 0; i < count; i += 1000) writer.appendOps(Array.from({ length: Math.min(1000, count - i) }, (_, j) => orgOp(i + j)), ADMIN)
  const entries = allEntries(writer.registry)
  const bytes = entries.reduce((n, e) => n + e.bytes.length + e.signature.length, 0)

  // The bound on entries/s: one ed25519 verification per entry (node:crypto, cached key).
  const sample = entries[entries.length - 1] as SignedEntry
  const verifyPerSec = rate(() => verify(key.publicKey, REGISTRY_ENTRY_DOMAIN, sample.bytes, sample.signature))

  const replayRates: number[] = []
  for (let r = 0; r < 3; r++) {
    const start = performance.now()
    Registry.create({ coordinatorKey: key.publicKey, network: NETWORK }).applyBatch(entries)
    replayRates.push(entries.length / ((performance.now() - start) / 1000))
  }
  const persistRates = [await persistRate(key, entries), await persistRate(key, entries)]

  const coordinator = await startNode(key, true)
  const node = await startNode(key, false)
  try {
    await coordinator.replica.apply(entries)
    await coordinator.sync.stop()
    await coordinator.sync.start() // signs the checkpoint of the loaded head, as at a coordinator start
    const target = coordinator.replica.seq
    const address = coordinator.host.multiaddrs[0]
    if (address === undefined) throw new Error('coordinator has no address')

    const coldStart = performance.now()
    await node.host.dial(address)
    await waitForSeq(node.replica, target)
    const coldSyncMs = performance.now() - coldStart

    const latencies: number[] = []
    for (let r = 0; r < rounds; r++) {
      const start = performance.now()
      const applied = waitForSeq(node.replica, coordinator.replica.seq + 1, 10_000)
      await coordinator.replica.append(key, [orgOp(count + r)], ADMIN)
      await applied
      latencies.push(performance.now() - start)
    }
    return {
      entries: entries.length,
      logBytes: bytes,
      coldSyncMs: round(coldSyncMs),
      coldSyncGoalMs: 2000,
      incrementalSyncMs: {
        median: round(median(latencies), 2),
        min: round(Math.min(...latencies), 2),
        max: round(Math.max(...latencies), 2),
        rounds,
        goal: 50
      },
      entryVerifyBound: withBaseline(verifyPerSec, baseline),
      replayIntoRegistry: withBaseline(median(replayRates), baseline),
      applyAndPersist: withBaseline(median(persistRates), baseline),
      nodeStats: node.sync.stats
    }
  } finally {
    await stopNode(node)
    await stopNode(coordinator)
  }
}
