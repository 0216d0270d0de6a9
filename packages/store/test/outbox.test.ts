import test from 'ava'
import { Outbox, openDatabase, StoreErrorCode, type Database } from '@lienthong/store'
import { bytes, peer, submission, text, ulid } from './flow-helpers.js'
import { tempDir } from './helpers.js'
import type { ExecutionContext } from 'ava'

async function open (t: ExecutionContext, dir?: string): Promise<{ dir: string, db: Database, outbox: Outbox }> {
  const folder = dir ?? await tempDir(t)
  const db = await openDatabase(folder)
  const outbox = await Outbox.open(db)
  t.teardown(async () => {
    await outbox.close()
    await db.close()
  })
  return { dir: folder, db, outbox }
}

test('submit, close, reopen: the record and its queued deliveries are due again', async t => {
  const { dir, db, outbox } = await open(t)
  const id = ulid(1_000, 1)
  const sub = submission(id, [peer(1), peer(2), peer(1)], 1_000, { payloadHash: new Uint8Array(32).fill(7) })
  sub.recipients[2]!.redirectedFrom = 'OLD.ORG'
  await outbox.submit(sub)
  await outbox.close()
  await db.close()

  const { outbox: again } = await open(t, dir)
  const due = await again.due({ now: 1_000, limit: 10 })
  t.deepEqual(due.map(d => [d.id, d.peerId, d.attempts, d.nextAttemptAt]), [[id, peer(1), 0, 1_000], [id, peer(2), 0, 1_000]])
  t.is(text(due[0]!.envelopeBytes), `envelope ${id}`)
  t.deepEqual(due[0]!.payloadHash, new Uint8Array(32).fill(7))
  t.is(due[0]!.expiresAt, sub.expiresAt)
  t.deepEqual(await again.due({ now: 999, limit: 10 }), [])
  t.deepEqual(again.counts(), { queued: 2, delivered: 0, failed: 0 })
  t.deepEqual(again.pendingPeers(), [{ peerId: peer(1), queued: 1 }, { peerId: peer(2), queued: 1 }])

  const record = await again.get(id)
  t.truthy(record)
  t.is(record!.recipients.length, 3)
  t.is(record!.recipients[2]!.redirectedFrom, 'OLD.ORG')
  t.deepEqual(record!.recipients.map(r => r.delivery.state), ['queued', 'queued', 'queued'])
  t.deepEqual(record!.deliveries.map(d => d.peerId), [peer(1), peer(2)])
  t.deepEqual(record!.statuses, [])
  t.is(await again.get(ulid(1_000, 2)), undefined)
  await t.throwsAsync(again.submit(sub), { code: StoreErrorCode.OUTBOX_DUPLICATE })
})

test('state transitions, their return values and exact counters across reopen', async t => {
  const { dir, db, outbox } = await open(t)
  const a = ulid(1_000, 1)
  const b = ulid(1_000, 2)
  await outbox.submit(submission(a, [peer(1), peer(2)]))
  await outbox.submit(submission(b, [peer(1)]))
  t.deepEqual(outbox.counts(), { queued: 3, delivered: 0, failed: 0 })

  t.true(await outbox.markAttemptFailed(a, peer(1), 'dial-failed', 5_000, { at: 1_100, message: 'connection refused' }))
  t.true(await outbox.markAttemptFailed(a, peer(1), 'timeout', 9_000, { at: 5_100 }))
  t.deepEqual((await outbox.due({ now: 4_999, limit: 10 })).map(d => [d.id, d.peerId]), [[a, peer(2)], [b, peer(1)]])
  t.deepEqual((await outbox.due({ now: 9_000, limit: 10, peer: peer(1) })).map(d => [d.id, d.attempts]), [[b, 0], [a, 2]])

  t.true(await outbox.markDelivered(a, peer(1), bytes('receipt a1'), { at: 9_100 }))
  t.false(await outbox.markDelivered(a, peer(1), bytes('another receipt')))
  t.false(await outbox.markAttemptFailed(a, peer(1), 'late', 20_000))
  t.false(await outbox.markFailed(a, peer(1), 'late'))
  t.true(await outbox.markFailed(a, peer(2), 'expired', { at: 9_200, message: 'expired before delivery' }))
  t.false(await outbox.markAttemptFailed(a, peer(2), 'late', 20_000))
  t.deepEqual(outbox.counts(), { queued: 1, delivered: 1, failed: 1 })
  t.deepEqual(outbox.pendingPeers(), [{ peerId: peer(1), queued: 1 }])
  t.deepEqual((await outbox.due({ now: 1e12, limit: 10 })).map(d => d.id), [b])

  await outbox.addStatus(a, { code: 'accepted', at: 9_500, from: 'G0.ORG', envelopeId: ulid(9_500, 2) })
  await outbox.addStatus(a, { code: 'received', at: 9_400, from: 'G0.ORG', envelopeId: ulid(9_400, 1) })
  await outbox.addStatus(a, { code: 'received', at: 9_400, from: 'G0.ORG', envelopeId: ulid(9_400, 1) })
  await outbox.close()
  await db.close()

  const { outbox: again } = await open(t, dir)
  t.deepEqual(again.counts(), { queued: 1, delivered: 1, failed: 1 })
  const record = await again.get(a)
  const [d1, d2] = record!.deliveries
  t.like(d1, { peerId: peer(1), state: 'delivered', attempts: 2, updatedAt: 9_100, lastError: { code: 'timeout', message: '', at: 5_100 } })
  t.is(text(d1!.receipt), 'receipt a1')
  t.like(d2, { peerId: peer(2), state: 'failed', attempts: 0, lastError: { code: 'expired', message: 'expired before delivery', at: 9_200 } })
  t.is(d2!.receipt, undefined)
  t.deepEqual(record!.recipients.map(r => r.delivery.state), ['delivered', 'failed'])
  t.deepEqual(record!.statuses.map(s => s.code), ['received', 'accepted'])

  // a receipt that arrives after the sender gave up still counts
  t.true(await again.markDelivered(a, peer(2), bytes('late receipt')))
  t.deepEqual(again.counts(), { queued: 1, delivered: 2, failed: 0 })

  await t.throwsAsync(again.markDelivered(a, peer(3), bytes('r')), { code: StoreErrorCode.OUTBOX_NOT_FOUND })
  await t.throwsAsync(again.markFailed(ulid(1, 1), peer(1), 'x'), { code: StoreErrorCode.OUTBOX_NOT_FOUND })
  await t.throwsAsync(again.addStatus(ulid(1, 1), { code: 'received', at: 1, from: 'X', envelopeId: ulid(2, 2) }),
    { code: StoreErrorCode.OUTBOX_NOT_FOUND })
  await t.throwsAsync(again.markFailed('not-a-ulid', peer(1), 'x'), { instanceOf: TypeError })
  await t.throwsAsync(again.markFailed(a, peer(1), 'has space'), { instanceOf: TypeError })
  await t.throwsAsync(again.submit(submission(ulid(3, 3), [])), { instanceOf: TypeError })
  t.deepEqual(again.counts(), { queued: 1, delivered: 2, failed: 0 })
})

test('due: next attempt order, id order among equal times, limit, per peer and continuation cursors', async t => {
  const { outbox } = await open(t)
  // ids submitted out of order, some with a later first attempt
  const plan = [
    { id: ulid(2_000, 5), peers: [peer(2)], at: 2_000 },
    { id: ulid(1_000, 9), peers: [peer(1), peer(2)], at: 1_000 },
    { id: ulid(1_000, 3), peers: [peer(1)], at: 1_000 },
    { id: ulid(1_500, 1), peers: [peer(3)], at: 3_000 },
    { id: ulid(1_200, 1), peers: [peer(1)], at: 1_200 }
  ]
  await Promise.all(plan.map(async p => {
    await outbox.submit(submission(p.id, p.peers, p.id === ulid(1_500, 1) ? 1_500 : p.at, { firstAttemptAt: p.at }))
  }))
  const expected = plan.flatMap(p => p.peers.map(peerId => ({ at: p.at, id: p.id, peerId })))
    .sort((x, y) => x.at - y.at || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0) || (x.peerId < y.peerId ? -1 : 1))
  const key = (d: { id: string, peerId: string }): string => `${d.id}>${d.peerId}`

  const all = await outbox.due({ now: 10_000, limit: 100 })
  t.deepEqual(all.map(key), expected.map(key))
  t.deepEqual((await outbox.due({ now: 1_999, limit: 100 })).map(key), expected.filter(e => e.at <= 1_999).map(key))

  const first = await outbox.due({ now: 10_000, limit: 2 })
  t.deepEqual(first.map(key), expected.slice(0, 2).map(key))
  const rest = await outbox.due({ now: 10_000, limit: 100, after: first[1]!.cursor })
  t.deepEqual(rest.map(key), expected.slice(2).map(key))

  for (const p of [peer(1), peer(2), peer(3)]) {
    const mine = expected.filter(e => e.peerId === p)
    const page1 = await outbox.due({ now: 10_000, limit: 1, peer: p })
    t.deepEqual(page1.map(key), mine.slice(0, 1).map(key))
    const page2 = await outbox.due({ now: 10_000, limit: 10, peer: p, after: page1[0]!.cursor })
    t.deepEqual(page2.map(key), mine.slice(1).map(key))
  }
  await t.throwsAsync(outbox.due({ now: 10_000, limit: 0 }), { instanceOf: RangeError })
  await t.throwsAsync(outbox.due({ now: 10_000, limit: 1, peer: peer(1), after: first[0]!.cursor.slice(0, 5) }), { instanceOf: TypeError })
})

test('concurrent transitions of one delivery are serialised: exactly one wins', async t => {
  const { outbox } = await open(t)
  const id = ulid(1_000, 1)
  await outbox.submit(submission(id, [peer(1)]))
  const results = await Promise.all([
    outbox.markDelivered(id, peer(1), bytes('r1')),
    outbox.markFailed(id, peer(1), 'expired'),
    outbox.markDelivered(id, peer(1), bytes('r2')),
    outbox.markAttemptFailed(id, peer(1), 'timeout', 5_000)
  ])
  // in call order: delivered wins; failed and the retry no longer apply; a second receipt is ignored
  t.deepEqual(results, [true, false, false, false])
  const record = await outbox.get(id)
  t.is(text(record!.deliveries[0]!.receipt), 'r1')
  t.deepEqual(outbox.counts(), { queued: 0, delivered: 1, failed: 0 })
  t.deepEqual(outbox.pendingPeers(), [])
})

test('a record id is refused when it exists: in the same session, concurrently, after reopen; an older new id is accepted', async t => {
  const { dir, db, outbox } = await open(t)
  const older = ulid(1_000, 1)
  const newer = ulid(2_000, 1)
  await outbox.submit(submission(newer, [peer(1)]))
  await t.throwsAsync(outbox.submit(submission(newer, [peer(2)])), { code: StoreErrorCode.OUTBOX_DUPLICATE })
  // An id below the largest one stored is checked against LevelDB, not refused.
  await outbox.submit(submission(older, [peer(1)]))
  const racing = ulid(3_000, 1)
  const results = await Promise.allSettled([outbox.submit(submission(racing, [peer(1)])), outbox.submit(submission(racing, [peer(2)]))])
  t.deepEqual(results.map(r => r.status), ['fulfilled', 'rejected'])
  t.is(((results[1] as PromiseRejectedResult).reason as { code?: string }).code, StoreErrorCode.OUTBOX_DUPLICATE)
  t.deepEqual(outbox.counts(), { queued: 3, delivered: 0, failed: 0 })
  await outbox.close()
  await db.close()
  const { outbox: again } = await open(t, dir)
  for (const id of [older, newer, racing]) await t.throwsAsync(again.submit(submission(id, [peer(3)])), { code: StoreErrorCode.OUTBOX_DUPLICATE })
  t.deepEqual((await again.due({ now: 5_000, limit: 10, peer: peer(1) })).map(d => d.id), [older, newer, racing])
})

test('an outbox written with the former global due index loses it at open and stays due', async t => {
  const { dir, db, outbox } = await open(t)
  const id = ulid(1_000, 1)
  await outbox.submit(submission(id, [peer(1)]))
  // What earlier versions also wrote for each queued delivery: g ‖ at ‖ id ‖ peer.
  const due = db.namespace('outbox-due')
  const legacy = Buffer.concat([Buffer.from('g'), Buffer.alloc(8), Buffer.from(id + peer(1))])
  await due.put(legacy, new Uint8Array(0))
  await outbox.close()
  await db.close()
  const { db: db2, outbox: again } = await open(t, dir)
  t.deepEqual(await db2.namespace('outbox-due').keys({ gte: Buffer.from('g'), lt: Buffer.from('h') }).all(), [])
  t.deepEqual((await again.due({ now: 1_000, limit: 10 })).map(d => [d.id, d.peerId]), [[id, peer(1)]])
})

test('markDeliveredMany: many deliveries in one call, with the same states, receipts and counters as one by one', async t => {
  const { dir, db, outbox } = await open(t)
  const a = ulid(1_000, 1)
  const b = ulid(1_000, 2)
  const c = ulid(1_000, 3)
  await outbox.submit(submission(a, [peer(1), peer(2)]))
  await outbox.submit(submission(b, [peer(1)]))
  await outbox.submit(submission(c, [peer(2)]))
  t.true(await outbox.markFailed(c, peer(2), 'expired', { at: 1_050 }))
  t.true(await outbox.markDelivered(b, peer(1), bytes('receipt b1'), { at: 1_060 }))

  const changed = await outbox.markDeliveredMany([
    { id: a, peerId: peer(1), receipt: bytes('receipt a1') },
    { id: b, peerId: peer(1), receipt: bytes('another b1') },
    { id: c, peerId: peer(2), receipt: bytes('late c2') },
    { id: a, peerId: peer(2), receipt: bytes('receipt a2') }
  ], { at: 2_000 })
  t.deepEqual(changed, [true, false, true, true], 'b was delivered already; a late receipt after failed is kept')
  t.deepEqual(outbox.counts(), { queued: 0, delivered: 4, failed: 0 })
  t.deepEqual(outbox.pendingPeers(), [])
  t.deepEqual(await outbox.due({ now: 10_000, limit: 10 }), [])
  t.deepEqual(await outbox.markDeliveredMany([]), [])
  await t.throwsAsync(outbox.markDeliveredMany([{ id: a, peerId: peer(1), receipt: bytes('x') }, { id: a, peerId: peer(1), receipt: bytes('y') }]), { instanceOf: TypeError })
  await t.throwsAsync(outbox.markDeliveredMany([{ id: a, peerId: peer(1), receipt: 'x' as unknown as Uint8Array }]), { instanceOf: TypeError })
  await t.throwsAsync(outbox.markDeliveredMany([{ id: ulid(1_000, 9), peerId: peer(1), receipt: bytes('x') }]), { code: StoreErrorCode.OUTBOX_NOT_FOUND })
  await outbox.close()
  await db.close()

  const { outbox: again } = await open(t, dir)
  t.deepEqual(again.counts(), { queued: 0, delivered: 4, failed: 0 })
  const record = await again.get(a)
  t.deepEqual(record?.deliveries.map(d => [d.peerId, d.state, d.updatedAt, text(d.receipt ?? new Uint8Array(0))]), [[peer(1), 'delivered', 2_000, 'receipt a1'], [peer(2), 'delivered', 2_000, 'receipt a2']])
  t.is(text((await again.get(b))?.deliveries[0]?.receipt ?? new Uint8Array(0)), 'receipt b1', 'the first receipt is kept')
  t.deepEqual((await again.get(c))?.deliveries.map(d => [d.state, d.lastError?.code]), [['delivered', 'expired']])
})

test('markDeliveredMany waits for a transition in progress on any of its deliveries, and they apply in call order', async t => {
  const { outbox } = await open(t)
  const a = ulid(1_000, 1)
  const b = ulid(1_000, 2)
  await outbox.submit(submission(a, [peer(1)]))
  await outbox.submit(submission(b, [peer(1)]))
  const [failed, many, single] = await Promise.all([
    outbox.markFailed(b, peer(1), 'refused', { at: 1_100 }),
    outbox.markDeliveredMany([{ id: a, peerId: peer(1), receipt: bytes('ra') }, { id: b, peerId: peer(1), receipt: bytes('rb') }], { at: 1_200 }),
    outbox.markDelivered(a, peer(1), bytes('ra again'), { at: 1_300 })
  ])
  t.true(failed)
  t.deepEqual(many, [true, true])
  t.false(single, 'already delivered by the earlier call')
  t.deepEqual(outbox.counts(), { queued: 0, delivered: 2, failed: 0 })
  t.is((await outbox.get(b))?.deliveries[0]?.lastError?.code, 'refused')
})
