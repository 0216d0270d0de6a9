/** The loads of the delivery benchmark (suites/delivery.ts): closed loop over a steady-state window, or paced. */
import { randomBytes } from 'node:crypto'
import type { Relay } from '@lienthong/relay'
import type { Outbox } from '@lienthong/store'
import { cpuUs, mainThreadCpuUs, round } from '../measure.js'

/** The sending node of a load. */
export interface LoadNode { relay: Pick<Relay, 'submit'>, outbox: Outbox }
/** The receiving process, asked for its CPU time (`{ type: 'cpu' }` → `{ us, mainUs }`). */
export interface LoadPeer { ask: (m: { type: 'cpu' }) => Promise<Record<string, unknown>> }
/** Who sends to whom. */
export interface LoadRoute { from: string, to: string }

const MiB = 1024 * 1024

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
 * error if none settles for 60 s (the load would hang), or `failure()`'s error once it has one.
 */
export async function settled (outbox: Outbox, target: number, everyMs = 10, failure: () => Error | undefined = () => undefined): Promise<void> {
  let last = settledCount(outbox)
  let lastChange = performance.now()
  while (settledCount(outbox) < target) {
    await new Promise(resolve => setTimeout(resolve, everyMs))
    const err = failure()
    if (err !== undefined) throw err
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
export interface CpuFigures { sender: number, receiver: number, mainThread?: { sender: number, receiver: number } }
export interface LoadFigures { envelopes: number, envelopesPerSec: number, megabytesPerSec: number, latencyMs: { p50: number, p99: number }, cpuUsPerEnvelope: CpuFigures }

/** A point of a load: time, settled deliveries, and the CPU time of both processes. */
interface Mark { ms: number, settled: number, cpu: { sender: number, receiver: number }, main: { sender: number, receiver: number } }

async function mark (node: LoadNode, receiver: LoadPeer): Promise<Mark> {
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

/** Documents submitted and not yet settled, at most, in a closed-loop load: 1024, or 64 MiB of them. */
function maxOutstanding (size: number): number {
  return Math.max(1, Math.min(1024, Math.floor((64 * MiB) / size)))
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
export async function load (node: LoadNode, receiver: LoadPeer, route: LoadRoute, size: number, count: number, options: { concurrency?: number, perSec?: number }): Promise<LoadFigures> {
  const payload = new Uint8Array(randomBytes(size))
  const base = settledCount(node.outbox)
  const ids: string[] = []
  const submit = async (): Promise<void> => {
    ids.push((await node.relay.submit({ from: route.from, to: [route.to], contentType: 'application/octet-stream', payload })).id)
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
    // A submitter that fails stops the others and ends the wait for the window.
    let failure: Error | undefined
    const submitting = Promise.all(Array.from({ length: concurrency }, async () => {
      await submitter().catch((err: unknown) => {
        stop = true
        failure ??= err instanceof Error ? err : new Error(String(err))
      })
    }))
    const lead = Math.max(1, Math.floor(count / 4))
    try {
      await settled(node.outbox, base + lead, 2, () => failure)
      from = await mark(node, receiver)
      await settled(node.outbox, from.settled + count, 2, () => failure)
      to = await mark(node, receiver)
    } finally {
      stop = true
      await submitting
    }
    if (failure !== undefined) throw failure
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

