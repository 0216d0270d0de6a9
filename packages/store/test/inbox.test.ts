import test from 'ava'
import { Inbox, NAMESPACE, openDatabase, StoreErrorCode, type Database, type InboxEntry } from '@lienthong/store'
import { item, peer, sha256, bytes, text, ulid, within } from './flow-helpers.js'
import { tempDir } from './helpers.js'
import type { ExecutionContext } from 'ava'

async function open (t: ExecutionContext, dir?: string): Promise<{ dir: string, db: Database, inbox: Inbox }> {
  const folder = dir ?? await tempDir(t)
  const db = await openDatabase(folder)
  const inbox = await Inbox.open(db)
  t.teardown(async () => {
    await inbox.close()
    await db.close()
  })
  return { dir: folder, db, inbox }
}

test('concurrent accepts of the same id: one entry, every caller gets the original receipt', async t => {
  const { dir, db, inbox } = await open(t)
  const id = ulid(1_000, 1)
  const other = ulid(1_000, 2)
  const [first, second, third] = await Promise.all([
    inbox.accept([item(id, 'receipt from call 1')]),
    inbox.accept([item(id, 'receipt from call 2'), item(other, 'other 2')]),
    inbox.accept([item(other, 'other 3'), item(id, 'receipt from call 3'), item(id, 'same call again')])
  ])
  t.like(first[0], { id, duplicate: false })
  t.is(text(first[0]!.receipt), 'receipt from call 1')
  t.like(second[0], { id, duplicate: true })
  t.is(text(second[0]!.receipt), 'receipt from call 1')
  t.like(second[1], { id: other, duplicate: false })
  t.like(third[0], { id: other, duplicate: true })
  t.is(text(third[0]!.receipt), 'other 2')
  t.deepEqual(third.slice(1).map(r => [r.duplicate, text(r.receipt), r.cursor]), [
    [true, 'receipt from call 1', first[0]!.cursor], [true, 'receipt from call 1', first[0]!.cursor]
  ])
  t.is((await db.namespace(NAMESPACE.INBOX).keys().all()).length, 2)
  t.is((await db.namespace(NAMESPACE.DEDUPE).keys().all()).length, 2)

  // and after a restart, from disk
  await inbox.close()
  await db.close()
  const { inbox: again } = await open(t, dir)
  const [late] = await again.accept([item(id, 'receipt after restart')])
  t.like(late, { id, duplicate: true, cursor: first[0]!.cursor })
  t.is(text(late!.receipt), 'receipt from call 1')
  t.is(text(await again.receiptFor(id)), 'receipt from call 1')
  t.is(await again.receiptFor(ulid(9, 9)), undefined)
  const [fresh] = await again.accept([item(ulid(2_000, 1))])
  t.true(Number(fresh!.cursor) > Number(second[1]!.cursor), 'seqs continue after the stored ones')
})

test('pages oldest first with cursors; ack hides an entry from later pages but get still finds it', async t => {
  const { inbox } = await open(t)
  const ids = Array.from({ length: 7 }, (_, i) => ulid(1_000, 10 - i)) // arrival order differs from id order
  for (const id of ids.slice(0, 4)) await inbox.accept([item(id)])
  await inbox.accept(ids.slice(4).map(id => item(id)))
  const idsOf = (entries: InboxEntry[]): string[] => entries.map(e => e.id)

  const page1 = await inbox.list({ limit: 3 })
  t.deepEqual(idsOf(page1.entries), ids.slice(0, 3))
  const page2 = await inbox.list({ after: page1.cursor, limit: 3 })
  t.deepEqual(idsOf(page2.entries), ids.slice(3, 6))
  const page3 = await inbox.list({ after: page2.cursor, limit: 3 })
  t.deepEqual(idsOf(page3.entries), ids.slice(6))
  const empty = await inbox.list({ after: page3.cursor, limit: 3 })
  t.deepEqual(empty, { entries: [], cursor: page3.cursor })
  t.deepEqual(await inbox.list({ limit: 1 }).then(p => p.entries[0]), { ...page1.entries[0]!, acked: false })
  const first = page1.entries[0]!
  t.like(first, { senderPeerId: peer(1), payloadLength: ids[0]!.length, receivedAt: 5_000, acked: false })
  t.deepEqual(first.payloadHash, sha256(bytes(ids[0]!)))
  t.is(text(first.envelopeBytes), `envelope ${ids[0]}`)

  t.true(await inbox.ack(ids[1]!, 7_000))
  t.false(await inbox.ack(ids[1]!, 8_000))
  t.true(await inbox.ack(ids[4]!))
  t.deepEqual(idsOf((await inbox.list({ limit: 100 })).entries), [ids[0], ids[2], ids[3], ids[5], ids[6]])
  t.deepEqual(idsOf((await inbox.list({ after: page1.entries[0]!.cursor, limit: 2 })).entries), [ids[2], ids[3]])
  t.like(await inbox.get(ids[1]!), { id: ids[1], acked: true, ackedAt: 7_000, cursor: page1.entries[1]!.cursor })
  t.like(await inbox.get(ids[0]!), { id: ids[0], acked: false, ackedAt: undefined })
  t.is(await inbox.get(ulid(5, 5)), undefined)

  await t.throwsAsync(inbox.ack(ulid(5, 5)), { code: StoreErrorCode.INBOX_NOT_FOUND })
  await t.throwsAsync(inbox.list({ after: 'nonsense', limit: 3 }), { code: StoreErrorCode.INBOX_BAD_CURSOR })
  await t.throwsAsync(inbox.list({ after: '-1', limit: 3 }), { code: StoreErrorCode.INBOX_BAD_CURSOR })
  await t.throwsAsync(inbox.list({ limit: 0 }), { instanceOf: RangeError })
  await t.throwsAsync(inbox.accept([{ ...item(ulid(6, 6)), payloadLength: -1 }]), { instanceOf: TypeError })
  await t.throwsAsync(inbox.accept([{ ...item(ulid(6, 6)), id: 'lowercase-id' }]), { instanceOf: TypeError })
})

test('an ack racing with the accept of the same id waits for it', async t => {
  const { inbox } = await open(t)
  const id = ulid(1_000, 1)
  const accepting = inbox.accept([item(id)])
  const [acked, accepted] = await Promise.all([inbox.ack(id, 9_000), accepting])
  t.true(acked)
  t.false(accepted[0]!.duplicate)
  t.deepEqual((await inbox.list({ limit: 10 })).entries, [])
  t.like(await inbox.get(id), { acked: true, ackedAt: 9_000 })
})

test('follow yields what is there, then each new entry as it commits; abort and close end it', async t => {
  const { inbox } = await open(t)
  const ids = Array.from({ length: 5 }, (_, i) => ulid(1_000, i))
  await inbox.accept([item(ids[0]!), item(ids[1]!)])
  t.is(inbox.latestCursor(), (await inbox.get(ids[1]!))!.cursor)

  const controller = new AbortController()
  const seen: string[] = []
  let wake: (() => void) | undefined
  const following = (async () => {
    for await (const entry of inbox.follow(undefined, { signal: controller.signal })) {
      seen.push(entry.id)
      wake?.()
    }
  })()
  const seenCount = async (n: number): Promise<void> => {
    while (seen.length < n) await within(new Promise<void>(resolve => { wake = resolve }))
  }
  await seenCount(2)
  await inbox.accept([item(ids[2]!)])
  await seenCount(3)
  await inbox.accept([item(ids[3]!), item(ids[0]!), item(ids[4]!)])
  await seenCount(5)
  controller.abort()
  await within(following)
  t.deepEqual(seen, [ids[0], ids[1], ids[2], ids[3], ids[4]])

  // from the latest cursor only new arrivals; close ends the iteration
  const tail: string[] = []
  let got!: () => void
  const gotOne = new Promise<void>(resolve => { got = resolve })
  const fromNow = (async () => {
    for await (const entry of inbox.follow(inbox.latestCursor())) {
      tail.push(entry.id)
      got()
    }
  })()
  await inbox.accept([item(ulid(2_000, 1))])
  await within(gotOne)
  await inbox.close()
  await within(fromNow)
  t.deepEqual(tail, [ulid(2_000, 1)])
  await t.throwsAsync(inbox.accept([item(ulid(3_000, 1))]), { code: StoreErrorCode.CLOSED })
})

test('a failed group commit rejects its accept and every call waiting on the same id; the ids can be accepted again', async t => {
  const db = await openDatabase(await tempDir(t))
  let failNext = false
  const flaky: Database = {
    location: db.location,
    namespace: name => db.namespace(name),
    batch: async (ops, options) => {
      if (failNext) {
        failNext = false
        throw new Error('disk full')
      }
      await db.batch(ops, options)
    },
    close: async () => { await db.close() }
  }
  const inbox = await Inbox.open(flaky)
  t.teardown(async () => {
    await inbox.close()
    await db.close()
  })
  const a = ulid(4_000, 1)
  const b = ulid(4_000, 2)
  failNext = true
  const results = await Promise.allSettled([
    inbox.accept([item(a, 'first'), item(b, 'first')]),
    inbox.accept([item(a, 'second')])
  ])
  t.deepEqual(results.map(r => r.status), ['rejected', 'rejected'])
  t.deepEqual((await inbox.list({ limit: 10 })).entries, [])
  const [again, other] = await inbox.accept([item(a, 'third'), item(b, 'third')])
  t.like(again, { id: a, duplicate: false })
  t.is(text(again!.receipt), 'third')
  t.like(other, { id: b, duplicate: false })
  t.deepEqual((await inbox.list({ limit: 10 })).entries.map(e => e.id), [a, b])
})
