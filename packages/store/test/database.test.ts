import { join } from 'node:path'
import test from 'ava'
import { Level } from 'level'
import { NAMESPACE, openDatabase, StoreErrorCode, type BatchOp } from '@lienthong/store'
import { spawnChild, tempDir } from './helpers.js'

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'))
const text = (b: Uint8Array | undefined): string | undefined => b === undefined ? undefined : Buffer.from(b).toString('utf8')

test('namespaces share one batch and survive close and reopen, with the documented prefixes', async t => {
  const dir = join(await tempDir(t), 'db')
  const db = await openDatabase(dir)
  const outbox = db.namespace(NAMESPACE.OUTBOX)
  const inbox = db.namespace(NAMESPACE.INBOX)
  t.is(db.namespace(NAMESPACE.OUTBOX), outbox)
  await db.batch([
    { type: 'put', namespace: outbox, key: bytes('k'), value: bytes('out') },
    { type: 'put', namespace: inbox, key: bytes('k'), value: bytes('in') }
  ])
  await db.close()
  await db.close()

  const again = await openDatabase(dir)
  t.is(text(await again.namespace(NAMESPACE.OUTBOX).get(bytes('k'))), 'out')
  t.is(text(await again.namespace(NAMESPACE.INBOX).get(bytes('k'))), 'in')
  await again.batch([{ type: 'del', namespace: again.namespace(NAMESPACE.INBOX), key: bytes('k') }])
  t.is(await again.namespace(NAMESPACE.INBOX).get(bytes('k')), undefined)
  await again.close()

  const raw = new Level<string, string>(dir)
  await raw.open()
  t.deepEqual(await raw.keys().all(), ['!meta!schema', '!outbox!k'])
  await raw.close()
})

test('a batch with an invalid op in the middle writes nothing', async t => {
  const db = await openDatabase(await tempDir(t))
  t.teardown(async () => { await db.close() })
  const outbox = db.namespace(NAMESPACE.OUTBOX)
  const receipts = db.namespace(NAMESPACE.RECEIPTS)
  const ops = [
    { type: 'put', namespace: outbox, key: bytes('a'), value: bytes('1') },
    { type: 'put', namespace: receipts, key: null, value: bytes('2') },
    { type: 'put', namespace: receipts, key: bytes('c'), value: bytes('3') }
  ] as unknown as BatchOp[]
  await t.throwsAsync(db.batch(ops), { instanceOf: TypeError })
  t.deepEqual(await outbox.keys().all(), [])
  t.deepEqual(await receipts.keys().all(), [])
  const foreign = await openDatabase(await tempDir(t))
  t.teardown(async () => { await foreign.close() })
  await t.throwsAsync(db.batch([
    { type: 'put', namespace: outbox, key: bytes('a'), value: bytes('1') },
    { type: 'put', namespace: foreign.namespace(NAMESPACE.OUTBOX), key: bytes('b'), value: bytes('2') }
  ]), { instanceOf: TypeError })
  t.deepEqual(await outbox.keys().all(), [])
})

test('close() waits for batches in flight: each lands whole (puts and dels) and reads back after reopen', async t => {
  const dir = join(await tempDir(t), 'db')
  const db = await openDatabase(dir)
  const inbox = db.namespace(NAMESPACE.INBOX)
  const dedupe = db.namespace(NAMESPACE.DEDUPE)
  await db.batch([{ type: 'put', namespace: inbox, key: bytes('gone'), value: bytes('x') }])
  const writes = Array.from({ length: 20 }, async (_, i) => {
    await db.batch([
      { type: 'put', namespace: inbox, key: bytes(`k${i}`), value: bytes(`v${i}`) },
      { type: 'put', namespace: dedupe, key: bytes(`k${i}`), value: new Uint8Array(0) },
      { type: 'del', namespace: inbox, key: bytes('gone') }
    ], { sync: i % 2 === 0 })
  })
  await db.close()
  await Promise.all(writes)
  const again = await openDatabase(dir)
  t.teardown(async () => { await again.close() })
  const inboxAgain = again.namespace(NAMESPACE.INBOX)
  t.is(await inboxAgain.get(bytes('gone')), undefined)
  for (let i = 0; i < 20; i++) {
    t.is(text(await inboxAgain.get(bytes(`k${i}`))), `v${i}`)
    t.is((await again.namespace(NAMESPACE.DEDUPE).get(bytes(`k${i}`)))?.length, 0)
  }
})

test('a second open of the same folder in this process is store-locked until the first closes', async t => {
  const dir = await tempDir(t)
  const db = await openDatabase(dir)
  await t.throwsAsync(openDatabase(dir), { code: StoreErrorCode.LOCKED })
  await db.close()
  const again = await openDatabase(dir)
  await again.close()
  t.pass()
})

test('a folder held by another process is store-locked, in both directions', async t => {
  const dir = await tempDir(t)
  const holder = spawnChild(t, ['hold', dir])
  await holder.waitForLine(l => l === 'ready')
  await t.throwsAsync(openDatabase(dir), { code: StoreErrorCode.LOCKED })
  holder.proc.stdin.end()
  t.is((await holder.exited).code, 0)

  const db = await openDatabase(dir)
  t.teardown(async () => { await db.close() })
  const probe = spawnChild(t, ['probe', dir])
  t.is(await probe.waitForLine(l => l.startsWith('error') || l === 'opened'), `error ${StoreErrorCode.LOCKED}`)
})

test('writes after close are store-closed; unknown namespaces and bad paths are TypeErrors', async t => {
  const db = await openDatabase(await tempDir(t))
  const ns = db.namespace(NAMESPACE.DEDUPE)
  t.throws(() => db.namespace('nope' as typeof NAMESPACE.DEDUPE), { instanceOf: TypeError })
  await db.close()
  await t.throwsAsync(db.batch([{ type: 'put', namespace: ns, key: bytes('a'), value: bytes('b') }]),
    { code: StoreErrorCode.CLOSED })
  await t.throwsAsync(openDatabase(''), { instanceOf: TypeError })
})

test('a folder with an unknown schema version is refused', async t => {
  const dir = await tempDir(t)
  const raw = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' })
  await raw.put('!meta!schema', new Uint8Array([0, 0, 0, 2]))
  await raw.close()
  await t.throwsAsync(openDatabase(dir), { code: StoreErrorCode.SCHEMA_UNSUPPORTED })
  // the failed open released the lock
  const raw2 = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' })
  await raw2.open()
  await raw2.close()
})
