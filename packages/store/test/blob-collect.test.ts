import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { setImmediate as tick } from 'node:timers/promises'
import test from 'ava'
import { BlobStore, canCollect, openDatabase } from '@lienthong/store'
import { tempDir } from './helpers.js'
import type { ExecutionContext } from 'ava'

// Alone in its file: ava runs each file in its own process, so no other test's garbage is counted.
const KiB = 1024
const MiB = 1024 * KiB

async function open (t: ExecutionContext, collectEveryBytes?: number): Promise<BlobStore> {
  const dir = await tempDir(t)
  const db = await openDatabase(join(dir, 'db'))
  t.teardown(async () => { await db.close() })
  return await BlobStore.open(join(dir, 'blobs'), db, collectEveryBytes === undefined ? {} : { collectEveryBytes })
}

/** `count` fresh 64 KiB pieces, as a sealer or a network stream hands them over, one event-loop turn each. */
async function * fresh (count: number, onPiece: () => void = () => {}): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    await tick()
    onPiece()
    yield new Uint8Array(64 * KiB).fill(i & 0xff)
  }
}

test.serial('a blob stream runs one young-generation collection per collectEveryBytes written, and read', async t => {
  t.true(canCollect(), 'the tests run with --expose-gc (package.json, ava.nodeArguments), as the systemd unit runs the node')
  const blobs = await open(t, MiB)
  const { hash, length } = await blobs.write(fresh(160), { maxBytes: 16 * MiB })
  t.is(length, 10 * MiB)
  t.is(blobs.collections, 10)
  const digest = createHash('sha256')
  for await (const chunk of blobs.read(hash)) digest.update(chunk)
  t.is(digest.digest('hex'), hash)
  t.is(blobs.collections, 20)
})

test.serial('the default collects every 4 MiB; 0 turns collections off; a bad value is a RangeError', async t => {
  const byDefault = await open(t)
  await byDefault.write(fresh(128), { maxBytes: 16 * MiB })
  t.is(byDefault.collections, 2)
  const off = await open(t, 0)
  await off.write(fresh(128), { maxBytes: 16 * MiB })
  t.is(off.collections, 0)
  for (const bad of [-1, 1.5, NaN]) await t.throwsAsync(open(t, bad), { instanceOf: RangeError })
})

test.serial('the pieces of a 96 MiB stream are freed as it goes: buffers outstanding stay far below what streamed', async t => {
  const blobs = await open(t, MiB)
  let peak = 0
  // Sampled before each piece: what the store wrote (and let go of) so far and is not yet freed.
  const sample = (): void => { peak = Math.max(peak, process.memoryUsage().arrayBuffers) }
  const before = process.memoryUsage().arrayBuffers
  await blobs.write(fresh(1536, sample), { maxBytes: 128 * MiB })
  const grown = peak - before
  t.log(`array buffers outstanding while 96 MiB streamed: at most ${(grown / MiB).toFixed(1)} MiB over the start`)
  // Without collections V8 lets 32 MiB of young buffers pile up before it scavenges on its own.
  t.true(grown < 16 * MiB, `${(grown / MiB).toFixed(1)} MiB outstanding`)
})
