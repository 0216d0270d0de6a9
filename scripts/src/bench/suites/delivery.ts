/**
 * End-to-end delivery between two relay nodes in separate processes (this one sends; a child
 * process, this same file run with `--receiver`, receives): durable outbox and inbox (fsync),
 * payloads sealed for the recipient node, envelopes and receipts signed and verified.
 *
 * - 1 KiB and 256 KiB documents at full load (closed loop) and at half that rate (open loop):
 *   envelopes/s, MB/s, latency p50/p99 from submission to verified receipt.
 * - The crypto bound measured in the same run: (one sign + one verify of 1 KiB)/s on one core
 *   with node:crypto; `ratioToBound` = 1 KiB envelopes/s ÷ bound (goal ≥ 0.5).
 * - A large document (default 256 MiB, `--size=1GiB` for the full goal) streamed upload → blob →
 *   wire → blob → download, with the peak RSS of sender and receiver (goal < 128 MB);
 *   `--no-large` skips it.
 * MB are 10^6 bytes.
 */
import '@lienthong/compat'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { mkdtemp, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Registry as MetricsRegistry } from 'prom-client'
import { generateNodeKey, nodeKeyFromSeed, peerIdFromPublicKeyBytes, sign, verify, type NodeKey } from '@lienthong/crypto'
import { silentLogger } from '@lienthong/errors'
import { createHost, RegistryReplica, type Host } from '@lienthong/protocol'
import { RegistryWriter, decodeSignedEntry, encodeSignedEntry, type RegistryOp } from '@lienthong/registry'
import { createRelay, type Relay } from '@lienthong/relay'
import { BlobStore, Inbox, Outbox, openDatabase, type Database } from '@lienthong/store'
import { rate, round } from '../measure.js'

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
    await inbox.close()
    await outbox.close()
    await host.stop()
    await db.close()
  }
  return { relay, host, outbox, replica, db, close }
}

function lines (input: NodeJS.ReadableStream, onMessage: (m: Message) => void): void {
  createInterface({ input }).on('line', (line) => { if (line.startsWith('{')) onMessage(JSON.parse(line) as Message) })
}

/** Peak RSS in MB, sampled every 50 ms until stopped. */
function rssSampler (): { peakMB: () => number, reset: () => void, stop: () => void } {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()) }, 50)
  return { peakMB: () => round(Math.max(peak, process.memoryUsage.rss()) / 1e6), reset: () => { peak = process.memoryUsage.rss() }, stop: () => { clearInterval(timer) } }
}

/** The receiving process: `delivery.js --receiver <dir> <seedHex> <coordinatorHex> <maxPayloadBytes>`. */
async function receiverMain (args: string[]): Promise<void> {
  const [dir, seedHex, coordinatorHex, maxText] = args
  if (dir === undefined || seedHex === undefined || coordinatorHex === undefined || maxText === undefined) throw new Error('bad receiver arguments')
  const node = await openNode(dir, nodeKeyFromSeed(Buffer.from(seedHex, 'hex')), Buffer.from(coordinatorHex, 'hex'), Number(maxText))
  const rss = rssSampler()
  const reply = (m: Message): void => { process.stdout.write(`${JSON.stringify(m)}\n`) }
  reply({ type: 'address', address: node.host.multiaddrs[0] })
  lines(process.stdin, (m) => {
    void (async () => {
      if (m.type === 'registry') {
        await node.replica.apply((m.entries as string[]).map(e => decodeSignedEntry(Buffer.from(e, 'base64'))))
        await node.relay.start()
        reply({ type: 'ready' })
      } else if (m.type === 'reset-rss') {
        rss.reset()
        reply({ type: 'ok', rssMB: round(process.memoryUsage.rss() / 1e6) })
      } else if (m.type === 'download') {
        const started = performance.now()
        const { stream } = await node.relay.openInboxPayload(m.id as string)
        let bytes = 0
        for await (const piece of stream) bytes += piece.length
        reply({ type: 'downloaded', bytes, ms: performance.now() - started, peakRssMB: rss.peakMB() })
      } else if (m.type === 'exit') {
        rss.stop()
        await node.close()
        reply({ type: 'bye' })
        process.exit(0)
      }
    })().catch((err: unknown) => { console.error(err); process.exit(1) })
  })
}

/** The receiving child process, spoken to in JSON lines. */
interface Receiver {
  ask: (m: Message, answer: string) => Promise<Message>
  next: (type: string) => Promise<Message>
  /** Kill it if it is still running (after a failed run). */
  kill: () => void
}

function spawnReceiver (dir: string, key: NodeKey, coordinatorKey: Uint8Array, maxPayloadBytes: number): Receiver {
  const args = ['--receiver', dir, Buffer.from(key.seed).toString('hex'), Buffer.from(coordinatorKey).toString('hex'), String(maxPayloadBytes)]
  // Same node flags as this process (e.g. --max-semi-space-size), so both ends run alike.
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map<string, { resolve: (m: Message) => void, reject: (err: Error) => void }>()
  const early: Message[] = []
  let exited: Error | undefined
  lines(child.stdout, (m) => {
    const waiter = waiting.get(m.type)
    if (waiter === undefined) early.push(m)
    else { waiting.delete(m.type); waiter.resolve(m) }
  })
  child.on('exit', (code, signal) => {
    exited = new Error(`the receiver exited (${String(code ?? signal)})`)
    for (const waiter of waiting.values()) waiter.reject(exited)
    waiting.clear()
  })
  const next = async (type: string): Promise<Message> => {
    const found = early.findIndex(m => m.type === type)
    if (found >= 0) return early.splice(found, 1)[0] as Message
    if (exited !== undefined) throw exited
    return await new Promise((resolve, reject) => { waiting.set(type, { resolve, reject }) })
  }
  return {
    next,
    ask: async (m, answer) => { child.stdin.write(`${JSON.stringify(m)}\n`); return await next(answer) },
    kill: () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') }
  }
}

function percentile (sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
}

/** Wait until the sender's outbox counts `target` settled deliveries (polled: the outbox keeps exact counters). */
async function settled (outbox: Outbox, target: number): Promise<void> {
  while (outbox.counts().delivered + outbox.counts().failed < target) await new Promise(resolve => setTimeout(resolve, 5))
}

interface LoadFigures { envelopes: number, envelopesPerSec: number, megabytesPerSec: number, latencyMs: { p50: number, p99: number } }

/**
 * Submit `count` documents of `size` bytes: all as fast as `concurrency` allows (closed loop), or
 * paced at `perSec` (open loop). Figures from the first submission to the last receipt.
 */
async function load (node: BenchNode, size: number, count: number, options: { concurrency?: number, perSec?: number }): Promise<LoadFigures> {
  const payload = new Uint8Array(randomBytes(size))
  const base = node.outbox.counts().delivered + node.outbox.counts().failed
  const ids: string[] = []
  const submit = async (): Promise<void> => {
    ids.push((await node.relay.submit({ from: SENDER_ORG, to: [RECEIVER_ORG], contentType: 'application/octet-stream', payload })).id)
  }
  const started = performance.now()
  if (options.perSec === undefined) {
    let next = 0
    await Promise.all(Array.from({ length: options.concurrency ?? 64 }, async () => { while (next++ < count) await submit() }))
  } else {
    const pending: Array<Promise<void>> = []
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / options.perSec
      const wait = due - performance.now()
      if (wait > 1) await new Promise(resolve => setTimeout(resolve, wait))
      pending.push(submit())
    }
    await Promise.all(pending)
  }
  await settled(node.outbox, base + count)
  const seconds = (performance.now() - started) / 1000
  const latencies: number[] = []
  for (const id of ids) {
    const record = await node.outbox.get(id)
    const delivery = record?.deliveries[0]
    if (record !== undefined && delivery?.state === 'delivered') latencies.push(delivery.updatedAt - record.createdAt)
  }
  latencies.sort((a, b) => a - b)
  if (latencies.length !== count) throw new Error(`only ${latencies.length} of ${count} delivered`)
  return {
    envelopes: count,
    envelopesPerSec: round(count / seconds),
    megabytesPerSec: round((count * size) / seconds / 1e6, 2),
    latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) }
  }
}

/** A document of `size` random-looking bytes, streamed (one 256 KiB piece reused). */
async function * document (size: number): AsyncGenerator<Uint8Array> {
  const piece = new Uint8Array(await randomBytesAsync(256 * KiB))
  for (let sent = 0; sent < size; sent += piece.length) yield sent + piece.length <= size ? piece : piece.subarray(0, size - sent)
}

function sizeFrom (args: string[]): number {
  const flag = args.find(a => a.startsWith('--size='))?.slice('--size='.length) ?? '256MiB'
  const match = /^([0-9]+)(B|KiB|MiB|GiB)$/i.exec(flag)
  const size = match === null ? NaN : Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toUpperCase()] ?? NaN)
  if (!Number.isSafeInteger(size) || size < 1 || size > 3 * 1024 * MiB) throw new Error(`bad --size: ${flag} (e.g. 256MiB, 1GiB)`)
  return size
}

/** One large document: upload (sealed into a blob) → wire → blob → download, with peak RSS. */
async function largeRun (sender: BenchNode, receiver: Receiver, rss: ReturnType<typeof rssSampler>, largeSize: number): Promise<Record<string, unknown>> {
  console.error(`bench: delivery: large document, ${largeSize / MiB} MiB`)
  const receiverBefore = (await receiver.ask({ type: 'reset-rss' }, 'ok')).rssMB as number
  rss.reset()
  const senderBefore = round(process.memoryUsage.rss() / 1e6)
  const base = sender.outbox.counts().delivered + sender.outbox.counts().failed
  const started = performance.now()
  const { id } = await sender.relay.submit({ from: SENDER_ORG, to: [RECEIVER_ORG], contentType: 'application/pdf', payload: document(largeSize) })
  const submitSeconds = (performance.now() - started) / 1000
  await settled(sender.outbox, base + 1)
  const deliverSeconds = (performance.now() - started) / 1000 - submitSeconds
  const downloaded = await receiver.ask({ type: 'download', id }, 'downloaded')
  if (downloaded.bytes !== largeSize) throw new Error(`downloaded ${String(downloaded.bytes)} of ${largeSize} bytes`)
  return {
    sizeMiB: largeSize / MiB,
    submitMBps: round(largeSize / submitSeconds / 1e6, 1),
    deliverMBps: round(largeSize / deliverSeconds / 1e6, 1),
    downloadMBps: round(largeSize / ((downloaded.ms as number) / 1000) / 1e6, 1),
    peakRssMB: { sender: rss.peakMB(), receiver: downloaded.peakRssMB as number },
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
    const receiverAddress = (await receiver.next('address')).address as string
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
    await receiver.ask({ type: 'registry', entries: entries.map(e => Buffer.from(encodeSignedEntry(e)).toString('base64')) }, 'ready')
    await sender.relay.start()

    console.error('bench: delivery: crypto bound (sign + verify, 1 KiB, node:crypto)')
    const message = new Uint8Array(randomBytes(KiB))
    const signature = sign(senderKey, 'lienthong/bench/v1', message)
    const bound = rate(() => { sign(senderKey, 'lienthong/bench/v1', message); verify(senderKey.publicKey, 'lienthong/bench/v1', message, signature) }, 1000)

    // The large document first, while both processes are fresh.
    const large = withLarge ? await largeRun(sender, receiver, rss, largeSize) : undefined

    const figures: Record<string, Record<string, LoadFigures>> = {}
    for (const [label, size, count, seconds] of [['1KiB', KiB, 4000, 3], ['256KiB', 256 * KiB, 300, 2]] as const) {
      console.error(`bench: delivery: ${label} documents, full and half load`)
      await load(sender, size, Math.ceil(count / 10), { concurrency: 64 }) // warm-up
      const full = await load(sender, size, count, { concurrency: 64 })
      const halfRate = full.envelopesPerSec / 2
      const half = await load(sender, size, Math.max(10, Math.round(halfRate * seconds)), { perSec: halfRate })
      figures[label] = { full, half }
    }
    await receiver.ask({ type: 'exit' }, 'bye')
    await sender.close()
    const oneKiB = figures['1KiB']?.full?.envelopesPerSec ?? 0
    return {
      // Other work on the machine skews every figure: shown so that runs can be compared.
      machine: { cpus: cpus().length, loadAverage1m: round(loadavg()[0] ?? 0, 2) },
      cryptoBound: { signPlusVerifyPerSec: round(bound), ratioToBound: round(oneKiB / bound, 3), goalRatio: 0.5 },
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
