/**
 * End-to-end delivery between two relay nodes in separate processes (this one sends; a child, this
 * file run with `--receiver`, receives): durable outbox and inbox (fsync), payloads sealed for the
 * recipient node, envelopes and receipts signed and verified. MB are 10^6 bytes.
 * - 1 KiB and 256 KiB documents at full load (closed loop: `--concurrency=64` submissions in flight,
 *   as a document system submitting concurrently) and at half that rate (open loop): envelopes/s,
 *   MB/s, latency p50/p99 from submission to verified receipt, CPU time per envelope of each process.
 * - The crypto bound of the same run: (one sign + one verify of 1 KiB)/s on one core with
 *   node:crypto, the median of three 1-s samples taken around the 1 KiB loads (`samples`);
 *   `ratioToBound` = 1 KiB envelopes/s ÷ bound (goal ≥ 0.5).
 * - A large document (default 256 MiB, `--size=1GiB` for the goal) streamed upload → blob → wire →
 *   blob → download, with the peak RSS of both processes (goal < 128 MB); `--no-large` skips it.
 * `--loads=1KiB` (or `256KiB`) runs only those loads; each load is preceded by a warm-up of as many
 * documents (`--warmup=N` to change it); `--count=N` measures N documents per load instead of 8000
 * (1 KiB, about 3 s at full load) and 300 (256 KiB).
 */
import '@lienthong/compat'
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Registry as MetricsRegistry } from 'prom-client'
import { generateNodeKey, nodeKeyFromSeed, peerIdFromPublicKeyBytes, sign, verify, type NodeKey } from '@lienthong/crypto'
import { silentLogger } from '@lienthong/errors'
import { createHost, RegistryReplica, type Host } from '@lienthong/protocol'
import { RegistryWriter, decodeSignedEntry, encodeSignedEntry, type RegistryOp } from '@lienthong/registry'
import { createRelay, type Relay } from '@lienthong/relay'
import { BlobStore, Inbox, Outbox, openDatabase, type Database } from '@lienthong/store'
import { cpuUs, mainThreadCpuUs, rate, round } from '../measure.js'

const randomBytesAsync = promisify(randomBytes)
const NETWORK = 'lienthong-bench'
const SENDER_ORG = '000.00.00.G01'
const RECEIVER_ORG = '000.00.00.H29'
const KiB = 1024
const MiB = 1024 * KiB
const SIZE_UNITS: Record<string, number> = { B: 1, KIB: KiB, MIB: MiB, GIB: 1024 * MiB }

type Message = Record<string, unknown> & { type: string }

interface BenchNode { relay: Relay, host: Host, outbox: Outbox, close: () => Promise<void> }

/** A relay node on `dir` (LevelDB + blobs), its registry fed by `entries`. */
async function openNode (dir: string, key: NodeKey, coordinatorKey: Uint8Array, maxPayloadBytes: number): Promise<BenchNode & { replica: RegistryReplica, db: Database }> {
  const db = await openDatabase(join(dir, 'db'))
  const replica = await RegistryReplica.open({ db, coordinatorKey, network: NETWORK })
  const blobs = await BlobStore.open(join(dir, 'blobs'), db)
  const outbox = await Outbox.open(db)
  const inbox = await Inbox.open(db)
  const host = await createHost({ key, listen: ['/ip4/127.0.0.1/tcp/0'] })
  const relay = createRelay({
    key, host, replica, db, blobs, outbox, inbox, metrics: new MetricsRegistry(), logger: silentLogger,
    config: { maxPayloadBytes, retryInitialMs: 200, retryMaxMs: 2000, defaultTtlMs: 3_600_000 }
  })
  const close = async (): Promise<void> => {
    await relay.stop()
    for (const part of [inbox, outbox]) await part.close()
    await host.stop()
    await db.close()
  }
  return { relay, host, outbox, replica, db, close }
}

/** Peak RSS in MB, sampled every 50 ms from `reset()` until `stop()` (not during the loads: it costs CPU). */
function rssSampler (): { peakMB: () => number, reset: () => void, stop: () => void } {
  let peak = 0
  let timer: NodeJS.Timeout | undefined
  const sample = (): void => { peak = Math.max(peak, process.memoryUsage.rss()) }
  const stop = (): void => { clearInterval(timer) }
  return { peakMB: () => { sample(); return round(peak / 1e6) }, reset: () => { stop(); peak = 0; sample(); timer = setInterval(sample, 50) }, stop }
}

/** The receiving process (`delivery.js --receiver <dir> <seedHex> <coordinatorHex> <maxPayloadBytes>`), driven over IPC. */
async function receiverMain (args: string[]): Promise<void> {
  const [dir, seedHex, coordinatorHex, maxText] = args
  if (dir === undefined || seedHex === undefined || coordinatorHex === undefined || maxText === undefined) throw new Error('bad receiver arguments')
  const node = await openNode(dir, nodeKeyFromSeed(Buffer.from(seedHex, 'hex')), Buffer.from(coordinatorHex, 'hex'), Number(maxText))
  const rss = rssSampler()
  const reply = (m: Message): void => { process.send?.(m) }
  reply({ type: 'address', address: node.host.multiaddrs[0] })
  const answer = async (m: Message): Promise<Message> => {
    if (m.type === 'registry') {
      await node.replica.apply((m.entries as string[]).map(e => decodeSignedEntry(Buffer.from(e, 'base64'))))
      await node.relay.start()
      return { type: 'ready' }
    }
    if (m.type === 'cpu') return { type: 'cpu', us: cpuUs(), mainUs: mainThreadCpuUs() }
    if (m.type === 'reset-rss') {
      rss.reset()
      return { type: 'ok', rssMB: round(process.memoryUsage.rss() / 1e6) }
    }
    if (m.type === 'download') {
      const started = performance.now()
      let bytes = 0
      for await (const piece of (await node.relay.openInboxPayload(m.id as string)).stream) bytes += piece.length
      const peakRssMB = rss.peakMB()
      rss.stop()
      return { type: 'downloaded', bytes, ms: performance.now() - started, peakRssMB }
    }
    await node.close() // exit
    return { type: 'bye' }
  }
  process.on('message', (m: Message) => {
    answer(m).then((a) => { process.send?.(a, () => { if (a.type === 'bye') process.exit(0) }) }, (err: unknown) => { console.error(err); process.exit(1) })
  })
}

/** The receiving child: `first` is its first message (its address), `ask` resolves with its reply; `exited` also after `exit` (a --cpu-prof profile is written on the way out). */
interface Receiver { first: Promise<Message>, ask: (m: Message) => Promise<Message>, exited: Promise<void>, kill: () => void }

function spawnReceiver (dir: string, key: NodeKey, coordinatorKey: Uint8Array, maxPayloadBytes: number): Receiver {
  const args = ['--receiver', dir, Buffer.from(key.seed).toString('hex'), Buffer.from(coordinatorKey).toString('hex'), String(maxPayloadBytes)]
  // Same node flags as this process (e.g. --max-semi-space-size), so both ends run alike.
  const child = fork(fileURLToPath(import.meta.url), args, { execArgv: process.execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const exited = new Promise<void>(resolve => { child.on('exit', () => { resolve() }) })
  const died = exited.then(() => { throw new Error('the receiver exited') })
  died.catch(() => {})
  const reply = async (): Promise<Message> => (await Promise.race([once(child, 'message'), died]))[0] as Message
  const kill = (): void => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') }
  const ask = async (m: Message): Promise<Message> => {
    const answer = reply()
    child.send(m)
    return await answer
  }
  return { first: reply(), ask, exited, kill }
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] as number : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

function percentile (sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
}

/** Deliveries the sender's outbox has settled (delivered or failed): exact counters, no scan. */
function settledCount (outbox: Outbox): number {
  const counts = outbox.counts()
  return counts.delivered + counts.failed
}

/**
 * Wait until the sender's outbox has settled `target` deliveries (polled every `everyMs`); an
 * error if none settles for 60 s (the load would hang).
 */
async function settled (outbox: Outbox, target: number, everyMs = 10): Promise<void> {
  let last = settledCount(outbox)
  let lastChange = performance.now()
  while (settledCount(outbox) < target) {
    await new Promise(resolve => setTimeout(resolve, everyMs))
    const now = settledCount(outbox)
    if (now !== last) {
      last = now
      lastChange = performance.now()
    } else if (performance.now() - lastChange > 60_000) {
      throw new Error(`no delivery settled for 60 s (${now} of ${target})`)
    }
  }
}

/**
 * `cpuUsPerEnvelope`: CPU time (all threads, user + system) of each process per envelope, steadier
 * than rates on a shared machine; `mainThread` the part of it spent on each process's main thread
 * (JavaScript runs there only: the busier one bounds the rate), on Linux only.
 */
interface CpuFigures { sender: number, receiver: number, mainThread?: { sender: number, receiver: number } }
interface LoadFigures { envelopes: number, envelopesPerSec: number, megabytesPerSec: number, latencyMs: { p50: number, p99: number }, cpuUsPerEnvelope: CpuFigures }

/** A point of a load: time, settled deliveries, and the CPU time of both processes. */
interface Mark { ms: number, settled: number, cpu: { sender: number, receiver: number }, main: { sender: number, receiver: number } }

async function mark (node: BenchNode, receiver: Receiver): Promise<Mark> {
  const ms = performance.now()
  const count = settledCount(node.outbox)
  const ours = { cpu: cpuUs(), main: mainThreadCpuUs() }
  const theirs = await receiver.ask({ type: 'cpu' })
  return {
    ms,
    settled: count,
    cpu: { sender: ours.cpu, receiver: theirs.us as number },
    main: { sender: ours.main, receiver: theirs.mainUs as number }
  }
}

/**
 * Submit documents of `size` bytes: `concurrency` submissions in flight (closed loop), or `count`
 * of them paced at `perSec` (open loop).
 *
 * Closed loop: the figures are those of a window in the steady state, from the `count / 4`-th
 * settled delivery to `count` later, with submissions going on all the time; then they stop and
 * the load waits for the rest. The submitters also hold back while {@link maxOutstanding}
 * documents are submitted and not yet settled, as a document system that waits for receipts
 * would: a node accepts documents (signed, sealed, synced) several times faster than it delivers
 * them, so without a bound the window would measure a growing backlog, not a rate the node keeps
 * up. Counted from the first submission to the last receipt instead, a window starts on an empty
 * pipeline and ends on its drain; for 4000 documents of 1 KiB that gave 5–7% fewer envelopes/s
 * than for 16 000.
 * Open loop: from the first submission to the last receipt (paced, so the edges do not matter).
 * Latency (submission to verified receipt) over every document of the load.
 */
/** Documents submitted and not yet settled, at most, in a closed-loop load: 1024, or 64 MiB of them. */
function maxOutstanding (size: number): number {
  return Math.max(1, Math.min(1024, Math.floor((64 * MiB) / size)))
}

async function load (node: BenchNode, receiver: Receiver, size: number, count: number, options: { concurrency?: number, perSec?: number }): Promise<LoadFigures> {
  const payload = new Uint8Array(randomBytes(size))
  const base = settledCount(node.outbox)
  const ids: string[] = []
  const submit = async (): Promise<void> => {
    ids.push((await node.relay.submit({ from: SENDER_ORG, to: [RECEIVER_ORG], contentType: 'application/octet-stream', payload })).id)
  }
  let from: Mark
  let to: Mark
  if (options.perSec === undefined) {
    let stop = false
    let started = 0
    const concurrency = options.concurrency ?? 64
    const limit = Math.max(concurrency, maxOutstanding(size))
    // One timer for every submitter held back.
    let tick: Promise<void> | undefined
    const nextTick = async (): Promise<void> => {
      tick ??= new Promise(resolve => { setTimeout(() => { tick = undefined; resolve() }, 1) })
      await tick
    }
    const submitter = async (): Promise<void> => {
      while (!stop) {
        if (started - (settledCount(node.outbox) - base) >= limit) {
          await nextTick()
          continue
        }
        started++
        await submit()
      }
    }
    const submitting = Promise.all(Array.from({ length: concurrency }, submitter))
    // A submitter that fails ends the load at once.
    const failed = submitting.then(async () => await new Promise<never>(() => {}))
    failed.catch(() => {}) // awaited below
    const lead = Math.max(1, Math.floor(count / 4))
    await Promise.race([settled(node.outbox, base + lead, 2), failed])
    from = await mark(node, receiver)
    await Promise.race([settled(node.outbox, from.settled + count, 2), failed])
    to = await mark(node, receiver)
    stop = true
    await submitting
  } else {
    from = await mark(node, receiver)
    const pending: Array<Promise<void>> = []
    for (let i = 0; i < count; i++) {
      const due = from.ms + (i * 1000) / options.perSec
      const wait = due - performance.now()
      if (wait > 1) await new Promise(resolve => setTimeout(resolve, wait))
      pending.push(submit())
    }
    await Promise.all(pending)
    await settled(node.outbox, base + count)
    to = await mark(node, receiver)
  }
  await settled(node.outbox, base + ids.length)
  const envelopes = to.settled - from.settled
  const seconds = (to.ms - from.ms) / 1000
  const perEnvelope = (a: number, b: number): number => round((b - a) / envelopes)
  const figures: CpuFigures = { sender: perEnvelope(from.cpu.sender, to.cpu.sender), receiver: perEnvelope(from.cpu.receiver, to.cpu.receiver) }
  if (from.main.sender >= 0 && from.main.receiver >= 0) {
    figures.mainThread = { sender: perEnvelope(from.main.sender, to.main.sender), receiver: perEnvelope(from.main.receiver, to.main.receiver) }
  }
  const latencies: number[] = []
  for (const id of ids) {
    const record = await node.outbox.get(id)
    const delivery = record?.deliveries[0]
    if (record !== undefined && delivery?.state === 'delivered') latencies.push(delivery.updatedAt - record.createdAt)
  }
  latencies.sort((a, b) => a - b)
  if (latencies.length !== ids.length) throw new Error(`only ${latencies.length} of ${ids.length} delivered`)
  return {
    envelopes,
    envelopesPerSec: round(envelopes / seconds),
    megabytesPerSec: round((envelopes * size) / seconds / 1e6, 2),
    latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
    cpuUsPerEnvelope: figures
  }
}

/** A document of `size` random-looking bytes, streamed (one 256 KiB piece reused). */
async function * document (size: number): AsyncGenerator<Uint8Array> {
  const piece = new Uint8Array(await randomBytesAsync(256 * KiB))
  for (let sent = 0; sent < size; sent += piece.length) yield sent + piece.length <= size ? piece : piece.subarray(0, size - sent)
}

/** This process's node flags (both processes run with them), without `--import` and profiling. */
function nodeFlags (): string[] {
  return process.execArgv.filter((a, i, all) => !a.startsWith('--import') && all[i - 1] !== '--import' && !a.startsWith('--cpu-prof'))
}

/** The value of `--name=value`, if given. */
function flag (args: string[], name: string): string | undefined {
  return args.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3)
}

function sizeFrom (args: string[]): number {
  const text = flag(args, 'size') ?? '256MiB'
  const match = /^([0-9]+)(B|KiB|MiB|GiB)$/i.exec(text)
  const size = match === null ? NaN : Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toUpperCase()] ?? NaN)
  if (!Number.isSafeInteger(size) || size < 1 || size > 3 * 1024 * MiB) throw new Error(`bad --size: ${text} (e.g. 256MiB, 1GiB)`)
  return size
}

/** One large document: upload (sealed into a blob) → wire → blob → download, with peak RSS. */
async function largeRun (sender: BenchNode, receiver: Receiver, rss: ReturnType<typeof rssSampler>, largeSize: number): Promise<Record<string, unknown>> {
  console.error(`bench: delivery: large document, ${largeSize / MiB} MiB`)
  const receiverBefore = (await receiver.ask({ type: 'reset-rss' })).rssMB as number
  rss.reset()
  const senderBefore = round(process.memoryUsage.rss() / 1e6)
  const base = sender.outbox.counts().delivered + sender.outbox.counts().failed
  const started = performance.now()
  const { id } = await sender.relay.submit({ from: SENDER_ORG, to: [RECEIVER_ORG], contentType: 'application/pdf', payload: document(largeSize) })
  const submitSeconds = (performance.now() - started) / 1000
  await settled(sender.outbox, base + 1)
  const deliverSeconds = (performance.now() - started) / 1000 - submitSeconds
  const downloaded = await receiver.ask({ type: 'download', id })
  const senderPeak = rss.peakMB()
  rss.stop()
  if (downloaded.bytes !== largeSize) throw new Error(`downloaded ${String(downloaded.bytes)} of ${largeSize} bytes`)
  return {
    sizeMiB: largeSize / MiB,
    submitMBps: round(largeSize / submitSeconds / 1e6, 1),
    deliverMBps: round(largeSize / deliverSeconds / 1e6, 1),
    downloadMBps: round(largeSize / ((downloaded.ms as number) / 1000) / 1e6, 1),
    peakRssMB: { sender: senderPeak, receiver: downloaded.peakRssMB as number },
    rssBeforeMB: { sender: senderBefore, receiver: receiverBefore },
    goalPeakRssMB: 128
  }
}

export async function run (args: string[]): Promise<Record<string, unknown>> {
  const largeSize = sizeFrom(args)
  const withLarge = !args.includes('--no-large')
  const maxPayloadBytes = largeSize + MiB
  const root = await mkdtemp(join(tmpdir(), 'lienthong-bench-delivery-'))
  const coordinator = generateNodeKey()
  const senderKey = generateNodeKey()
  const receiverKey = generateNodeKey()
  const rss = rssSampler()
  const receiver = spawnReceiver(join(root, 'receiver'), receiverKey, coordinator.publicKey, maxPayloadBytes)
  try {
    const receiverAddress = (await receiver.first).address as string
    const sender = await openNode(join(root, 'sender'), senderKey, coordinator.publicKey, maxPayloadBytes)
    const writer = RegistryWriter.genesis(coordinator, { network: NETWORK })
    const admit = (key: NodeKey, address: string, org: string): RegistryOp[] => {
      const peerId = peerIdFromPublicKeyBytes(key.publicKey)
      return [{ type: 'node.admit', peerId, publicKey: key.publicKey, sealingPublicKey: key.sealingPublicKey, addresses: [address], orgs: [org], contacts: { email: ['bench@example.gov.vn'], phone: ['+84 0'] } }, { type: 'node.promote', peerId }]
    }
    writer.appendOps([
      { type: 'org.create', code: SENDER_ORG, name: 'Văn phòng Chính phủ' },
      { type: 'org.create', code: RECEIVER_ORG, name: 'UBND thành phố Hà Nội' },
      ...admit(senderKey, sender.host.multiaddrs[0] ?? '', SENDER_ORG),
      ...admit(receiverKey, receiverAddress, RECEIVER_ORG),
      { type: 'network.params', maxEnvelopeBytes: Math.min(4 * 1024 * MiB, largeSize + 16 * MiB) }
    ], { actor: 'bench' })
    const entries = writer.registry.entriesAfter(-1)
    await sender.replica.apply(entries)
    await receiver.ask({ type: 'registry', entries: entries.map(e => Buffer.from(encodeSignedEntry(e)).toString('base64')) })
    await sender.relay.start()

    // The crypto bound is sampled three times (here, after the 1 KiB warm-up, after the 1 KiB
    // measured load): the host's speed drifts by ±15% within a run, and one sample taken while
    // it happened to be fast or slow made the ratio swing (0.35–0.6 between identical runs).
    const message = new Uint8Array(randomBytes(KiB))
    const signature = sign(senderKey, 'lienthong/bench/v1', message)
    const boundSamples: number[] = []
    const sampleBound = (): void => {
      console.error('bench: delivery: crypto bound (sign + verify, 1 KiB, node:crypto)')
      boundSamples.push(rate(() => { sign(senderKey, 'lienthong/bench/v1', message); verify(senderKey.publicKey, 'lienthong/bench/v1', message, signature) }, 1000))
    }
    sampleBound()

    // The large document first, while both processes are fresh.
    const large = withLarge ? await largeRun(sender, receiver, rss, largeSize) : undefined

    const figures: Record<string, Record<string, LoadFigures>> = {}
    const concurrency = Number(flag(args, 'concurrency') ?? 64)
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new Error('bad --concurrency')
    const only = flag(args, 'loads')?.split(',')
    const warmupText = flag(args, 'warmup')
    const warmup = warmupText === undefined ? undefined : Number(warmupText)
    if (warmup !== undefined && (!Number.isSafeInteger(warmup) || warmup < 1)) throw new Error('bad --warmup')
    const countText = flag(args, 'count')
    const countOverride = countText === undefined ? undefined : Number(countText)
    if (countOverride !== undefined && (!Number.isSafeInteger(countOverride) || countOverride < 10)) throw new Error('bad --count')
    const loads = ([['1KiB', KiB, 8000, 3], ['256KiB', 256 * KiB, 300, 2]] as const).filter(([label]) => only === undefined || only.includes(label))
    for (const [label, size, defaultCount, seconds] of loads) {
      const count = countOverride ?? defaultCount
      console.error(`bench: delivery: ${label} documents, full and half load`)
      // Warm-up as long as the measured load: V8 keeps compiling the hot path (its compiler
      // threads took a quarter of both processes' CPU) for thousands of envelopes; a node runs for
      // months, so the figures are those of the steady state after it.
      await load(sender, receiver, size, warmup ?? count, { concurrency })
      if (size === KiB) sampleBound()
      console.error(`bench: delivery: ${label}: measuring ${count} at full load`)
      const full = await load(sender, receiver, size, count, { concurrency })
      if (size === KiB) sampleBound()
      const halfRate = full.envelopesPerSec / 2
      const half = await load(sender, receiver, size, Math.max(10, Math.round(halfRate * seconds)), { perSec: halfRate })
      figures[label] = { full, half }
    }
    await receiver.ask({ type: 'exit' })
    await sender.close()
    await Promise.race([receiver.exited, new Promise(resolve => { setTimeout(resolve, 10_000).unref() })])
    const oneKiB = figures['1KiB']?.full?.envelopesPerSec ?? 0
    const bound = median(boundSamples)
    return {
      // Other work on the machine skews every figure: shown so that runs can be compared, with
      // the node flags both processes ran with (e.g. --max-semi-space-size, as a deployment sets it).
      machine: { cpus: cpus().length, loadAverage1m: round(loadavg()[0] ?? 0, 2), nodeFlags: nodeFlags() },
      cryptoBound: { signPlusVerifyPerSec: round(bound), samples: boundSamples.map(b => round(b)), ratioToBound: round(oneKiB / bound, 3), goalRatio: 0.5 },
      load: figures,
      ...(large === undefined ? {} : { large })
    }
  } finally {
    rss.stop()
    receiver.kill()
    await rm(root, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--receiver' && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await receiverMain(process.argv.slice(3))
}
