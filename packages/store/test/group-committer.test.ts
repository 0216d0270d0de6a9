import test from 'ava'
import {
  GroupCommitter, NAMESPACE, openDatabase, StoreErrorCode, type BatchOp, type BatchOptions, type BatchWriter, type Database
} from '@lienthong/store'
import { tempDir } from './helpers.js'

const key = (i: number): Uint8Array => new Uint8Array(Buffer.from(`k${String(i).padStart(5, '0')}`))
const value = (i: number): Uint8Array => new Uint8Array(Buffer.from(`v${i}`))
const keyName = (k: Uint8Array): string => Buffer.from(k).toString()

/** The real database, recording what each batch carried and the committer's state at that moment. */
class RecordingWriter implements BatchWriter {
  readonly batches: Array<{ keys: string[], sync: boolean | undefined }> = []
  failOn: number | undefined
  constructor (readonly db: Database) {}
  async batch (ops: readonly BatchOp[], options?: BatchOptions): Promise<void> {
    this.batches.push({ keys: ops.map(op => keyName(op.key)), sync: options?.sync })
    if (this.batches.length === this.failOn) {
      // a real failure of the real database: an invalid op after valid ones
      await this.db.batch([...ops, { type: 'put', namespace: ops[0]!.namespace, key: undefined, value: value(0) } as unknown as BatchOp], options)
    }
    await this.db.batch(ops, options)
  }
}

test('1000 concurrent puts: each durable when it resolves, in far fewer synced batches', async t => {
  const dir = await tempDir(t)
  const db = await openDatabase(dir)
  const inbox = db.namespace(NAMESPACE.INBOX)
  const writer = new RecordingWriter(db)
  const committer = new GroupCommitter(writer)
  const readBack: Array<Promise<Uint8Array | undefined>> = []
  await Promise.all(Array.from({ length: 1000 }, async (_, i) => {
    await committer.put([{ type: 'put', namespace: inbox, key: key(i), value: value(i) }])
    readBack.push(inbox.get(key(i)))
  }))
  const values = await Promise.all(readBack)
  t.true(values.every(v => v !== undefined))
  const { batches, ops, failedBatches } = committer.stats
  t.is(ops, 1000)
  t.is(failedBatches, 0)
  t.is(batches, writer.batches.length)
  t.true(batches < 1000, `${batches} batches`)
  t.true(writer.batches.every(b => b.sync === true))
  t.log(`1000 puts in ${batches} batch(es)`)
  await committer.close()
  await db.close()

  const again = await openDatabase(dir)
  t.teardown(async () => { await again.close() })
  t.is((await again.namespace(NAMESPACE.INBOX).keys().all()).length, 1000)
})

test('backpressure: no more than maxPendingOps are ever pending; a caller\'s ops stay in one batch', async t => {
  const db = await openDatabase(await tempDir(t))
  t.teardown(async () => { await db.close() })
  const outbox = db.namespace(NAMESPACE.OUTBOX)
  const pendingAtWrite: number[] = []
  const committer = new GroupCommitter({
    batch: async (ops, options) => {
      pendingAtWrite.push(committer.pendingOps)
      await db.batch(ops, options)
    }
  }, { maxPendingOps: 10 })
  const puts = Array.from({ length: 40 }, async (_, i) => {
    // pairs of ops from one caller
    await committer.put([
      { type: 'put', namespace: outbox, key: key(2 * i), value: value(i) },
      { type: 'put', namespace: outbox, key: key(2 * i + 1), value: value(i) }
    ])
  })
  t.true(committer.waiting > 0)
  t.true(committer.pendingOps <= 10)
  await Promise.all(puts)
  t.true(pendingAtWrite.every(p => p <= 10 && p % 2 === 0), pendingAtWrite.join(','))
  t.true(committer.stats.largestBatch <= 10)
  t.true(committer.stats.batches >= 8)
  t.is((await outbox.keys().all()).length, 80)
  t.is(committer.pendingOps, 0)
  t.is(committer.waiting, 0)
})

test('a failing batch rejects exactly its callers and writes none of their ops', async t => {
  const db = await openDatabase(await tempDir(t))
  t.teardown(async () => { await db.close() })
  const receipts = db.namespace(NAMESPACE.RECEIPTS)
  const writer = new RecordingWriter(db)
  writer.failOn = 2
  const committer = new GroupCommitter(writer, { maxPendingOps: 5 })
  const results = await Promise.allSettled(Array.from({ length: 20 }, async (_, i) => {
    await committer.put([{ type: 'put', namespace: receipts, key: key(i), value: value(i) }])
  }))
  t.true(writer.batches.length >= 3)
  const failedKeys = new Set(writer.batches[1]!.keys)
  t.true(failedKeys.size > 0)
  results.forEach((r, i) => {
    t.is(r.status, failedKeys.has(keyName(key(i))) ? 'rejected' : 'fulfilled', `put ${i}`)
    if (r.status === 'rejected') t.true(r.reason instanceof TypeError)
  })
  const stored = (await receipts.keys().all()).map(keyName)
  t.deepEqual(stored, Array.from({ length: 20 }, (_, i) => keyName(key(i))).filter(k => !failedKeys.has(k)))
  t.like(committer.stats, { failedBatches: 1, ops: 20 - failedKeys.size })
})

test('close waits for accepted puts, then refuses new ones', async t => {
  const db = await openDatabase(await tempDir(t))
  t.teardown(async () => { await db.close() })
  const dedupe = db.namespace(NAMESPACE.DEDUPE)
  const committer = new GroupCommitter(db, { maxPendingOps: 1 })
  await committer.put([])
  const settled: number[] = []
  const puts = [0, 1, 2].map(async i => {
    await committer.put([{ type: 'put', namespace: dedupe, key: key(i), value: value(i) }])
    settled.push(i)
  })
  await committer.close()
  t.is((await dedupe.keys().all()).length, 3)
  await Promise.all(puts)
  t.deepEqual(settled, [0, 1, 2])
  await t.throwsAsync(committer.put([{ type: 'put', namespace: dedupe, key: key(9), value: value(9) }]), { code: StoreErrorCode.CLOSED })
  await t.throwsAsync(committer.put('x' as never), { instanceOf: TypeError })
  t.throws(() => new GroupCommitter(db, { maxPendingOps: 0 }), { instanceOf: RangeError })
})
