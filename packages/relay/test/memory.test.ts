import test from 'ava'
import type { Relay } from '@lienthong/relay'
import { MiB, gcFunction, markedChunks, until } from './helpers.js'
import { TestNet } from './net.js'

// Alone in its file: ava runs each file in its own process, so no other test's memory is measured.
const G01 = '000.00.00.G01'
const H29 = '000.00.00.H29'
const ORGS: Array<[string, string]> = [[G01, 'Văn phòng Chính phủ'], [H29, 'UBND thành phố Hà Nội']]

async function delivered (relay: Relay, id: string, ms = 30_000): Promise<void> {
  await until(async () => (await relay.outboxRecord(id))?.deliveries.every(d => d.state === 'delivered') === true ? true : undefined, ms, `${id} delivered`)
}

test('a 20 MiB document crosses with memory growth far below its size', async t => {
  const gc = gcFunction()
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01] })
  const b = await net.addNode({ orgs: [H29] })
  const size = 20 * MiB
  const marker = 'TAI-LIEU-LON'
  // Warm up the channel and the code paths, so that the measure sees the document only.
  const warm = await a.relay.submit({ from: G01, to: [H29], contentType: 'application/pdf', payload: markedChunks(marker, 512 * 1024) })
  await delivered(a.relay, warm.id)

  const used = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers }
  // Two collections: buffers held by finished native requests (fs writes, ...) are only let go
  // by the weak callbacks of the first one.
  const collect = (): void => { gc(); gc() }
  collect()
  const before = used()
  let peak = before
  // Live memory (after full collections) sampled through the transfer; the next sample waits
  // four times as long as this one took, so collecting never takes more than a fifth of the time.
  let sampler: NodeJS.Timeout | undefined
  let samples = 0
  const sample = (): void => {
    samples++
    const started = performance.now()
    collect()
    peak = Math.max(peak, used())
    sampler = setTimeout(sample, Math.max(50, 4 * (performance.now() - started)))
  }
  sampler = setTimeout(sample, 50)
  try {
    const { id } = await a.relay.submit({ from: G01, to: [H29], contentType: 'application/pdf', payload: markedChunks(marker, size) })
    await delivered(a.relay, id, 60_000)
    const opened = await b.relay.openInboxPayload(id)
    t.is(opened.length, size)
    let received = 0
    for await (const piece of opened.stream) received += piece.length
    t.is(received, size)
  } finally {
    clearTimeout(sampler)
  }
  collect()
  const after = used()
  const growth = Math.max(peak, after) - before
  t.log(`live memory growth around a ${size / MiB} MiB transfer: peak ${(growth / MiB).toFixed(1)} MiB (${samples} samples), after ${((after - before) / MiB).toFixed(1)} MiB`)
  t.true(growth < 10 * MiB, `grew ${(growth / MiB).toFixed(1)} MiB`)
})
