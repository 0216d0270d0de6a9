import { createHash, randomBytes } from 'node:crypto'
import { readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setImmediate as tick } from 'node:timers/promises'
import test from 'ava'
import { BlobStore, openDatabase, StoreErrorCode, blobHashHex, type Database } from '@lienthong/store'
import { bytes, gcFunction, within } from './flow-helpers.js'
import { tempDir } from './helpers.js'
import type { ExecutionContext } from 'ava'

const MiB = 1024 * 1024

async function setup (t: ExecutionContext): Promise<{ dir: string, blobDir: string, db: Database, blobs: BlobStore }> {
  const dir = await tempDir(t)
  const db = await openDatabase(join(dir, 'db'))
  t.teardown(async () => { await db.close() })
  const blobDir = join(dir, 'blobs')
  return { dir, blobDir, db, blobs: await BlobStore.open(blobDir, db) }
}

// Sources yield to the event loop between chunks, as a network stream does.
async function * from (...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await tick()
    yield chunk
  }
}

const hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** Every file under `dir`, relative. */
async function files (dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter(e => e.isFile()).map(e => join(e.parentPath, e.name).slice(dir.length + 1)).sort()
}

async function collect (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const chunk of source) parts.push(chunk)
  return new Uint8Array(Buffer.concat(parts))
}

test('20 MiB streamed in odd-sized chunks: stored under its hash, memory stays bounded both ways', async t => {
  const { blobDir, blobs } = await setup(t)
  const gc = gcFunction()
  // V8 frees ArrayBuffer memory concurrently after a GC, so a sample can still count up to
  // about one sampling interval (1 MiB) of freed chunks: the bound leaves room for that.
  const used = (): number => { gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers }
  const total = 20 * MiB
  // sizes below, equal to and above the 256 KiB write buffer, none a power of two
  const sizes = [1, 4093, 65_537, 131_071, 262_143, 300_007, 999]
  const expected = createHash('sha256')
  const baseline = used()
  let peak = 0
  let sampledAt = 0
  async function * source (): AsyncGenerator<Uint8Array> {
    let sent = 0
    for (let i = 0; sent < total; i++) {
      const chunk = randomBytes(Math.min(sizes[i % sizes.length]!, total - sent))
      expected.update(chunk)
      sent += chunk.length
      await tick()
      if (sent - sampledAt >= MiB) {
        sampledAt = sent
        peak = Math.max(peak, used() - baseline)
      }
      yield chunk
    }
  }
  const info = await blobs.write(source(), { maxBytes: total })
  const hash = expected.digest('hex')
  t.deepEqual(info, { hash, length: total })
  t.is((await stat(blobs.path(hash))).size, total)
  t.deepEqual(await files(blobDir), [join(hash.slice(0, 2), hash.slice(2))])
  t.true(peak < 6 * MiB, `write grew memory by ${(peak / MiB).toFixed(1)} MiB`)

  const readBaseline = used()
  let readPeak = 0
  let length = 0
  let readSampledAt = 0
  const again = createHash('sha256')
  for await (const chunk of blobs.read(hash)) {
    again.update(chunk)
    length += chunk.length
    if (length - readSampledAt >= MiB) {
      readSampledAt = length
      readPeak = Math.max(readPeak, used() - readBaseline)
    }
  }
  t.is(length, total)
  t.is(again.digest('hex'), hash)
  t.true(readPeak < 6 * MiB, `read grew memory by ${(readPeak / MiB).toFixed(1)} MiB`)
  t.log(`memory growth: write ${(peak / MiB).toFixed(2)} MiB, read ${(readPeak / MiB).toFixed(2)} MiB for 20 MiB`)
})

test('a hash mismatch, a length mismatch or too many bytes leave nothing behind', async t => {
  const { blobDir, blobs } = await setup(t)
  const content = bytes('the sealed payload')
  await t.throwsAsync(blobs.write(from(content), { maxBytes: 100, expectedHash: hex(bytes('other')) }),
    { code: StoreErrorCode.BLOB_HASH_MISMATCH })
  await t.throwsAsync(blobs.write(from(content), { maxBytes: 100, expectedLength: content.length + 1 }),
    { code: StoreErrorCode.BLOB_LENGTH_MISMATCH })
  await t.throwsAsync(blobs.write(from(content, content), { maxBytes: 100, expectedLength: content.length }),
    { code: StoreErrorCode.BLOB_LENGTH_MISMATCH })
  await t.throwsAsync(blobs.write(from(content), { maxBytes: 100, expectedLength: 101 }), { code: StoreErrorCode.BLOB_TOO_LARGE })

  let pulled = 0
  async function * endless (): AsyncGenerator<Uint8Array> {
    for (;;) {
      await tick()
      pulled++
      yield new Uint8Array(1000)
    }
  }
  await t.throwsAsync(blobs.write(endless(), { maxBytes: 10_500 }), { code: StoreErrorCode.BLOB_TOO_LARGE })
  t.is(pulled, 11)
  t.deepEqual(await files(blobDir), [])
  t.false(await blobs.has(hex(content)))

  const boom = new Error('client went away')
  async function * failing (): AsyncGenerator<Uint8Array> {
    await tick()
    yield content
    throw boom
  }
  const err = await t.throwsAsync(blobs.write(failing(), { maxBytes: 100 }))
  t.is(err, boom)
  t.deepEqual(await files(blobDir), [])
  await t.throwsAsync(blobs.write(from('x' as unknown as Uint8Array), { maxBytes: 100 }), { instanceOf: TypeError })
  await t.throwsAsync(blobs.write(from(content), { maxBytes: 100, expectedHash: 'zz' }), { instanceOf: TypeError })
  t.deepEqual(await files(blobDir), [])
})

test('rewriting an existing blob is idempotent and the expected hash may be given as bytes', async t => {
  const { blobDir, blobs } = await setup(t)
  const content = bytes('same content twice')
  const first = await blobs.write(from(content.subarray(0, 5), content.subarray(5)), { maxBytes: 100, owner: 'outbox/A' })
  const path = blobs.path(first.hash)
  const before = await stat(path)
  const second = await blobs.write(from(content), {
    maxBytes: 100, expectedHash: Buffer.from(first.hash, 'hex'), expectedLength: content.length, owner: 'inbox/B'
  })
  t.deepEqual(second, first)
  t.deepEqual(first, { hash: hex(content), length: content.length })
  t.is((await stat(path)).ino, before.ino)
  t.deepEqual(await files(blobDir), [join(first.hash.slice(0, 2), first.hash.slice(2))])
  t.deepEqual(await blobs.owners(first.hash), ['inbox/B', 'outbox/A'])
  t.deepEqual(await collect(blobs.read(first.hash.toUpperCase(), 7)), content)
  t.deepEqual(await blobs.stat(first.hash), first)
  t.is(await blobs.stat(hex(bytes('absent'))), undefined)
  t.is(blobHashHex(Buffer.from(first.hash, 'hex')), first.hash)
  t.throws(() => blobs.path('abc'), { instanceOf: TypeError })
})

test('a blob shared by two owners is deleted only with its last owner; owners survive reopen', async t => {
  const { dir, blobDir, db, blobs } = await setup(t)
  const content = bytes('shared by outbox and inbox')
  const { hash } = await blobs.write(from(content), { maxBytes: 100, owner: 'outbox/01J0000000000000000000000A' })
  await blobs.addOwner(hash, 'inbox/01J0000000000000000000000B')
  await blobs.addOwner(hash, 'inbox/01J0000000000000000000000B')
  await t.throwsAsync(blobs.delete(hash), { code: StoreErrorCode.BLOB_IN_USE })

  await db.close()
  const db2 = await openDatabase(join(dir, 'db'))
  t.teardown(async () => { await db2.close() })
  const reopened = await BlobStore.open(blobDir, db2)
  t.deepEqual(await reopened.owners(hash), ['inbox/01J0000000000000000000000B', 'outbox/01J0000000000000000000000A'])

  t.false(await reopened.release(hash, 'outbox/01J0000000000000000000000A'))
  t.true(await reopened.has(hash))
  t.false(await reopened.release(hash, 'outbox/01J0000000000000000000000A'))
  t.true(await reopened.release(hash, 'inbox/01J0000000000000000000000B'))
  t.false(await reopened.has(hash))
  t.deepEqual(await reopened.owners(hash), [])
  t.deepEqual(await files(blobDir), [])
  await t.throwsAsync(collect(reopened.read(hash)), { code: StoreErrorCode.BLOB_NOT_FOUND })
  await t.throwsAsync(reopened.addOwner(hash, 'inbox/x'), { code: StoreErrorCode.BLOB_NOT_FOUND })

  const { hash: unowned } = await reopened.write(from(bytes('nobody owns me')), { maxBytes: 100 })
  t.true(await reopened.delete(unowned))
  t.false(await reopened.delete(unowned))
})

test('temp files left by a crash are swept when the store opens; a write in progress keeps its own', async t => {
  const { blobDir, db, blobs } = await setup(t)
  // a write that stops mid-stream, as if the process died there
  let release!: () => void
  const stalled = new Promise<void>(resolve => { release = resolve })
  let started!: () => void
  const inProgress = new Promise<void>(resolve => { started = resolve })
  async function * stalling (): AsyncGenerator<Uint8Array> {
    yield bytes('first part')
    started()
    await stalled
    throw new Error('crashed')
  }
  const writing = blobs.write(stalling(), { maxBytes: 100 })
  await within(inProgress)
  const temps = (await files(blobDir)).filter(f => f.startsWith('tmp-'))
  t.is(temps.length, 1)
  t.is(await blobs.sweepTemp(), 0, 'the store does not sweep its own write in progress')

  await writeFile(join(blobDir, 'tmp-0123456789abcdef01234567'), 'left by an earlier crash')
  const restarted = await BlobStore.open(blobDir, db)
  t.deepEqual(await files(blobDir), [])
  t.false(await restarted.has(hex(bytes('first part'))))
  release()
  await t.throwsAsync(writing, { message: 'crashed' })
  t.deepEqual(await files(blobDir), [])
})

test('sweepOrphans releases owners that are no longer live and deletes files without an owner', async t => {
  const { blobDir, blobs } = await setup(t)
  const kept = randomBytes(1000)
  const orphaned = randomBytes(2000)
  const shared = randomBytes(3000)
  const ownerless = randomBytes(4000)
  await blobs.write(from(kept), { maxBytes: MiB, owner: 'inbox/A' })
  await blobs.write(from(orphaned), { maxBytes: MiB, owner: 'inbox/B' })
  await blobs.write(from(shared), { maxBytes: MiB, owner: 'inbox/B' })
  await blobs.addOwner(hex(shared), 'outbox/C')
  await blobs.write(from(ownerless), { maxBytes: MiB })
  const live = new Set(['inbox/A', 'outbox/C'])
  const asked: string[] = []
  const swept = await blobs.sweepOrphans(owner => { asked.push(owner); return Promise.resolve(live.has(owner)) })
  t.deepEqual(swept, { released: 2, deleted: 1 })
  t.deepEqual(asked.sort(), ['inbox/A', 'inbox/B', 'inbox/B', 'outbox/C'])
  t.true(await blobs.has(hex(kept)))
  t.false(await blobs.has(hex(orphaned)), 'its only owner was not live')
  t.deepEqual(await blobs.owners(hex(shared)), ['outbox/C'], 'a live owner keeps it')
  t.false(await blobs.has(hex(ownerless)), 'no owner at all')
  t.is((await files(blobDir)).length, 2)
  t.deepEqual(await blobs.sweepOrphans(() => Promise.resolve(true)), { released: 0, deleted: 0 })
})
