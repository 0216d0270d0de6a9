import test from 'ava'
import type { LienthongError } from '@lienthong/errors'
import fc from 'fast-check'
import { Level } from 'level'
import { encodeSeq, openDatabase, RegistryLogStore, StoreErrorCode, type Database } from '@lienthong/store'
import { entriesFrom, entryFor, tempDir } from './helpers.js'

async function openLog (dir: string, firstSeq?: number): Promise<{ db: Database, log: RegistryLogStore }> {
  const db = await openDatabase(dir)
  try {
    return { db, log: await RegistryLogStore.open(db, { firstSeq }) }
  } catch (err) {
    await db.close()
    throw err
  }
}

async function readAll (log: RegistryLogStore, from = 0): Promise<Array<{ seq: number, hash: Uint8Array, bytes: Uint8Array }>> {
  const out = []
  for await (const e of log.entries(from)) out.push(e)
  return out
}

/** Raw LevelDB access to the folder (the store must be closed). */
async function withRaw (dir: string, fn: (raw: Level<Uint8Array, Uint8Array>) => Promise<void>): Promise<void> {
  const raw = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  await raw.open()
  try { await fn(raw) } finally { await raw.close() }
}

const prefixed = (prefix: string, key: Uint8Array | string): Uint8Array =>
  new Uint8Array(Buffer.concat([Buffer.from(prefix), typeof key === 'string' ? Buffer.from(key) : key]))

test('an empty log has no head and expects the first seq', async t => {
  const { db, log } = await openLog(await tempDir(t))
  t.teardown(async () => { await db.close() })
  t.is(log.head(), undefined)
  t.is(log.nextSeq(), 1)
  t.is(log.latestCheckpoint(), undefined)
  t.deepEqual(await log.read(0, 10), [])
  await t.throwsAsync(log.append([entryFor(2)]), { code: StoreErrorCode.SEQ_GAP })
  await log.append([])
  t.is(log.head(), undefined)
})

test('append and read round trip across close and reopen; the reopened log resumes from disk', async t => {
  const dir = await tempDir(t)
  const first = await openLog(dir)
  await first.log.append(entriesFrom(1, 3))
  await first.log.append(entriesFrom(4, 1))
  await first.log.append(entriesFrom(5, 5), { seq: 8, bytes: new Uint8Array([8, 8]) })
  t.deepEqual(await first.log.read(1, 100), entriesFrom(1, 9))
  await first.db.close()

  const { db, log } = await openLog(dir)
  t.teardown(async () => { await db.close() })
  t.deepEqual(log.head(), { seq: 9, hash: entryFor(9).hash })
  t.is(log.nextSeq(), 10)
  t.deepEqual(log.latestCheckpoint(), { seq: 8, bytes: new Uint8Array([8, 8]) })
  t.deepEqual(await log.read(1, 100), entriesFrom(1, 9))
  t.deepEqual(await log.read(3, 2), entriesFrom(3, 2))
  t.deepEqual(await readAll(log, 7), entriesFrom(7, 3))
  await log.append(entriesFrom(10, 2))
  t.deepEqual(await readAll(log), entriesFrom(1, 11))
  t.is(log.head()?.seq, 11)
})

test('a gap or a duplicate is refused and nothing of it is written', async t => {
  const dir = await tempDir(t)
  const { db, log } = await openLog(dir)
  await log.append(entriesFrom(1, 3))
  const gap = await t.throwsAsync<LienthongError>(log.append([entryFor(5)]), { code: StoreErrorCode.SEQ_GAP })
  t.like(gap?.meta, { expected: 4, got: 5 })
  await t.throwsAsync(log.append([entryFor(3)]), { code: StoreErrorCode.SEQ_GAP })
  await t.throwsAsync(log.append(entriesFrom(2, 3)), { code: StoreErrorCode.SEQ_GAP })
  // valid start, gap inside the batch: the valid first entry must not land either
  await t.throwsAsync(log.append([entryFor(4), entryFor(6)]), { code: StoreErrorCode.SEQ_GAP })
  await t.throwsAsync(log.append([entryFor(4), entryFor(4)]), { code: StoreErrorCode.SEQ_GAP })
  t.is(log.head()?.seq, 3)
  await db.close()

  let stored = 0
  await withRaw(dir, async raw => {
    stored = (await raw.keys({ gte: prefixed('!rlog-entry!', ''), lt: prefixed('!rlog-entry"', '') }).all()).length
  })
  t.is(stored, 3)
  const again = await openLog(dir)
  t.teardown(async () => { await again.db.close() })
  t.deepEqual(await readAll(again.log), entriesFrom(1, 3))
})

test('malformed arguments are TypeErrors and write nothing', async t => {
  const { db, log } = await openLog(await tempDir(t))
  t.teardown(async () => { await db.close() })
  const short = { ...entryFor(1), hash: new Uint8Array(31) }
  await t.throwsAsync(log.append([short]), { instanceOf: TypeError })
  await t.throwsAsync(log.append([{ ...entryFor(1), seq: 1.5 }]), { instanceOf: TypeError })
  await t.throwsAsync(log.append('x' as never), { instanceOf: TypeError })
  await t.throwsAsync(log.read(-1, 1), { instanceOf: TypeError })
  await t.throwsAsync(log.read(0, 0), { instanceOf: RangeError })
  t.is(log.head(), undefined)
  t.deepEqual(await log.read(0, 10), [])
})

test('checkpoints: stored with entries or alone, never older than the latest nor beyond the head', async t => {
  const dir = await tempDir(t)
  const { db, log } = await openLog(dir)
  await log.append(entriesFrom(1, 5), { seq: 3, bytes: new Uint8Array([3]) })
  await t.throwsAsync(log.append([], { seq: 6, bytes: new Uint8Array([6]) }), { code: StoreErrorCode.CHECKPOINT_INVALID })
  await t.throwsAsync(log.append([], { seq: 2, bytes: new Uint8Array([2]) }), { code: StoreErrorCode.CHECKPOINT_INVALID })
  // a refused checkpoint takes its entries down with it
  await t.throwsAsync(log.append([entryFor(6)], { seq: 7, bytes: new Uint8Array([7]) }), { code: StoreErrorCode.CHECKPOINT_INVALID })
  t.is(log.head()?.seq, 5)
  // a fresher checkpoint at the same seq replaces it
  await log.append([], { seq: 3, bytes: new Uint8Array([3, 3]) })
  await log.append([], { seq: 5, bytes: new Uint8Array([5]) })
  t.deepEqual(log.latestCheckpoint(), { seq: 5, bytes: new Uint8Array([5]) })
  await db.close()
  const again = await openLog(dir)
  t.teardown(async () => { await again.db.close() })
  t.deepEqual(again.log.latestCheckpoint(), { seq: 5, bytes: new Uint8Array([5]) })
  t.deepEqual(await again.log.read(0, 10), entriesFrom(1, 5))
})

test('concurrent appends are serialised in call order', async t => {
  const { db, log } = await openLog(await tempDir(t))
  t.teardown(async () => { await db.close() })
  const results = await Promise.allSettled([
    log.append(entriesFrom(1, 2)),
    log.append(entriesFrom(3, 2)),
    log.append(entriesFrom(3, 1)),
    log.append(entriesFrom(5, 1))
  ])
  t.deepEqual(results.map(r => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
  t.deepEqual(await readAll(log), entriesFrom(1, 5))
})

test('firstSeq sets the seq of the first entry', async t => {
  const dir = await tempDir(t)
  const { db, log } = await openLog(dir, 0)
  t.teardown(async () => { await db.close() })
  await t.throwsAsync(log.append([entryFor(1)]), { code: StoreErrorCode.SEQ_GAP })
  await log.append(entriesFrom(0, 2))
  t.deepEqual(await log.read(0, 5), entriesFrom(0, 2))
})

const corruptions: Array<[string, (raw: Level<Uint8Array, Uint8Array>) => Promise<void>]> = [
  ['head-hash-mismatch', async raw => {
    const record = new Uint8Array(40)
    record.set(encodeSeq(3), 0)
    record.set(entryFor(2).hash, 8)
    await raw.put(prefixed('!rlog-meta!', 'head'), record)
  }],
  ['head-entry-missing', async raw => {
    const record = new Uint8Array(40)
    record.set(encodeSeq(9), 0)
    record.set(entryFor(9).hash, 8)
    await raw.put(prefixed('!rlog-meta!', 'head'), record)
  }],
  ['head-malformed', async raw => { await raw.put(prefixed('!rlog-meta!', 'head'), new Uint8Array(12)) }],
  ['head-missing', async raw => { await raw.del(prefixed('!rlog-meta!', 'head')) }],
  ['entries-beyond-head', async raw => { await raw.put(prefixed('!rlog-entry!', encodeSeq(4)), new Uint8Array(40)) }],
  ['checkpoint-beyond-head', async raw => { await raw.put(prefixed('!rlog-checkpoint!', encodeSeq(7)), new Uint8Array(1)) }],
  ['entry-malformed', async raw => { await raw.put(prefixed('!rlog-entry!', encodeSeq(3)), new Uint8Array(5)) }]
]

for (const [reason, damage] of corruptions) {
  test(`a damaged log is store-corrupt on open: ${reason}`, async t => {
    const dir = await tempDir(t)
    const { db, log } = await openLog(dir)
    await log.append(entriesFrom(1, 3), { seq: 2, bytes: new Uint8Array([2]) })
    await db.close()
    await withRaw(dir, damage)
    const err = await t.throwsAsync<LienthongError>(openLog(dir), { code: StoreErrorCode.CORRUPT })
    t.is(err?.meta.reason, reason)
  })
}

test('property: any sequence of appends, closes and reopens reads back exactly what was appended', async t => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ count: fc.integer({ min: 0, max: 6 }), reopen: fc.boolean(), from: fc.nat({ max: 30 }) }), { maxLength: 8 }),
    async steps => {
      const dir = await tempDir(t)
      let { db, log } = await openLog(dir)
      try {
        let next = 1
        for (const step of steps) {
          await log.append(entriesFrom(next, step.count))
          next += step.count
          if (step.reopen) {
            await db.close();
            ({ db, log } = await openLog(dir))
          }
          t.is(log.nextSeq(), next)
          const from = Math.min(step.from, next)
          t.deepEqual(await log.read(from, 1000), entriesFrom(Math.max(from, 1), next - Math.max(from, 1)))
        }
      } finally {
        await db.close()
      }
    }), { numRuns: 25 })
})
