import test, { type ExecutionContext } from 'ava'
import type { NodeState } from '@lienthong/registry'
import { openDatabase, type Database } from '@lienthong/store'
import {
  createJoinRequest, createPauseRequest, MembershipErrorCode as E, MembershipStore, requestRecordJson, verifyJoinRequest,
  type Assessment, type SignedRequestWire
} from '@lienthong/membership'
import { codeOf, generateNodeKey, joinInit, NETWORK, NOW, tempDir } from './helpers.js'

interface Fixture {
  db: Database
  store: MembershipStore
  states: Map<string, NodeState>
  clock: { now: number }
  path: string
}

async function open (t: ExecutionContext, path?: string, states = new Map<string, NodeState>()): Promise<Fixture> {
  const dir = path ?? await tempDir(t)
  const db = await openDatabase(dir)
  t.teardown(async () => { await db.close() })
  const clock = { now: NOW }
  const store = await MembershipStore.open(db, { nodeState: id => states.get(id), now: () => clock.now++ })
  return { db, store, states, clock, path: dir }
}

const assessment: Assessment = {
  ranAt: NOW,
  ok: false,
  checks: [
    { name: 'reachable', ok: true, detail: '1 of 1 address(es) answered' },
    { name: 'peer-id', ok: true, detail: 'ok' },
    { name: 'protocols', ok: false, detail: 'missing /lienthong/registry/1.0.0' },
    { name: 'clock-skew', ok: true, detail: 'clock differs by 3 ms (limit ±5000 ms)' }
  ],
  software: 'lienthong-node/0.1.0',
  protocols: ['/lienthong/deliver/1.0.0', '/lienthong/info/1.0.0'],
  skewMs: 3
}

test('a join request goes pending → approved, with assessment, checklist and audit', async t => {
  const { store } = await open(t)
  const key = generateNodeKey()
  const signed = createJoinRequest(key, joinInit(key))
  const record = await store.submitJoin(signed)
  t.regex(record.id, /^[0-9A-HJKMNP-TV-Z]{26}$/)
  t.is(record.status, 'pending')
  t.deepEqual(await store.getJoin(record.id), record)

  await store.recordAssessment(record.id, assessment, 'system')
  await store.markChecklist(record.id, 'security', { actor: 'ops', ok: false, note: 'thiếu chứng chỉ' })
  await store.markChecklist(record.id, 'security', { actor: 'ops2', ok: true })
  const checked = await store.markChecklist(record.id, 'network', { actor: 'ops', ok: true, note: 'VPN ok' })
  t.deepEqual(checked.assessment, assessment)
  t.like(checked.checklist, { security: { ok: true, by: 'ops2' }, network: { ok: true, note: 'VPN ok', by: 'ops' } })
  t.is(checked.checklist.security?.note, undefined)
  t.is(checked.checklist.infrastructure, undefined)

  t.deepEqual(await store.pendingJoin(record.peerId), checked)
  // The admin JSON view: base64 bytes, and the signed original, which verifies again.
  const json = JSON.parse(JSON.stringify(requestRecordJson(checked))) as { request: { publicKey: string }, wire: SignedRequestWire, checklist: unknown }
  t.is(json.request.publicKey, Buffer.from(key.publicKey).toString('base64'))
  t.deepEqual(verifyJoinRequest(json.wire, { network: NETWORK, now: NOW }), signed)
  t.deepEqual(json.checklist, JSON.parse(JSON.stringify(checked.checklist)))

  const applied: string[] = []
  const approved = await store.approveJoin(record.id, { actor: 'ops', reason: 'đạt', apply: r => { applied.push(r.peerId) } })
  t.deepEqual(applied, [record.peerId])
  t.is(await store.pendingJoin(record.peerId), undefined)
  t.is(approved.status, 'approved')
  t.like(approved.decision, { by: 'ops', reason: 'đạt' })
  t.deepEqual(await store.getJoin(record.id), approved)
  t.deepEqual(await store.publicStatus(record.id), { id: record.id, status: 'approved', receivedAt: record.receivedAt, decidedAt: approved.decision?.at })

  // Decided: frozen.
  for (const attempt of [
    store.approveJoin(record.id, { actor: 'ops' }),
    store.rejectJoin(record.id, { actor: 'ops', reason: 'no' }),
    store.recordAssessment(record.id, assessment, 'ops'),
    store.markChecklist(record.id, 'network', { actor: 'ops', ok: false })
  ]) t.is(await codeOf(t, attempt), E.NOT_PENDING)
  t.is(await codeOf(t, store.approveJoin('01HZZZZZZZZZZZZZZZZZZZZZZZ', { actor: 'ops' })), E.NOT_FOUND)
  t.is(await codeOf(t, store.approveJoin('not an id', { actor: 'ops' })), E.NOT_FOUND)

  const audit = await store.audit.list()
  t.deepEqual(audit.map(e => [e.seq, e.action, e.actor, e.target]), [
    [1, 'join.assess', 'system', record.id], [2, 'join.checklist', 'ops', record.id], [3, 'join.checklist', 'ops2', record.id],
    [4, 'join.checklist', 'ops', record.id], [5, 'join.approve', 'ops', record.id]
  ])
  t.deepEqual(audit[4]?.detail, { peerId: record.peerId })
  t.is(audit[4]?.reason, 'đạt')
  t.deepEqual(audit[1]?.detail, { item: 'security', ok: false, peerId: record.peerId })
})

test('duplicates: the same nonce twice, a second pending request of a peer; a new request after a rejection is fine', async t => {
  const { store } = await open(t)
  const key = generateNodeKey()
  const first = createJoinRequest(key, joinInit(key))
  const record = await store.submitJoin(first)
  const err = await t.throwsAsync(store.submitJoin(first))
  t.like(err, { code: E.DUPLICATE, meta: { reason: 'nonce' } })
  const again = await t.throwsAsync(store.submitJoin(createJoinRequest(key, joinInit(key))))
  t.like(again, { code: E.DUPLICATE, meta: { reason: 'pending', id: record.id } })

  t.is(await codeOf(t, store.rejectJoin(record.id, { actor: 'ops' })), E.BAD_REQUEST)
  t.is(await codeOf(t, store.rejectJoin(record.id, { actor: 'ops', reason: ' ' })), E.BAD_REQUEST)
  const rejected = await store.rejectJoin(record.id, { actor: 'ops', reason: 'Chưa có firewall' })
  t.is(rejected.status, 'rejected')
  // Rejected: the peer may ask again, but never with the same nonce.
  t.is(await codeOf(t, store.submitJoin(first)), E.DUPLICATE)
  const second = await store.submitJoin(createJoinRequest(key, joinInit(key)))
  t.true(second.id > record.id)

  // Concurrent submissions of one peer: exactly one wins.
  const other = generateNodeKey()
  const results = await Promise.allSettled([1, 2, 3].map(async () => await store.submitJoin(createJoinRequest(other, joinInit(other)))))
  t.is(results.filter(r => r.status === 'fulfilled').length, 1)
})

test('public status shows the rejection reason and nothing of the request', async t => {
  const { store } = await open(t)
  const key = generateNodeKey()
  const record = await store.submitJoin(createJoinRequest(key, joinInit(key)))
  await store.markChecklist(record.id, 'security', { actor: 'ops', ok: false, note: 'secret note' })
  t.deepEqual(await store.publicStatus(record.id), { id: record.id, status: 'pending', receivedAt: record.receivedAt })
  const rejected = await store.rejectJoin(record.id, { actor: 'ops', reason: 'Thiếu chứng thư số' })
  const status = await store.publicStatus(record.id)
  t.deepEqual(status, { id: record.id, status: 'rejected', receivedAt: record.receivedAt, decidedAt: rejected.decision?.at, reason: 'Thiếu chứng thư số' })
  const json = JSON.stringify(status)
  for (const hidden of ['vanthu@hanoi.gov.vn', '3825', 'secret note', 'ops', record.peerId]) t.false(json.includes(hidden), hidden)
  t.is(await store.publicStatus('01HZZZZZZZZZZZZZZZZZZZZZZZ'), undefined)
  t.is(await store.publicStatus('../../etc'), undefined)
})

test('a peer the registry lists cannot join; only a trial or official node can ask to pause', async t => {
  const { store, states } = await open(t)
  const key = generateNodeKey()
  const peerId = createJoinRequest(key, joinInit(key)).request.peerId
  const pause = (): ReturnType<typeof createPauseRequest> => createPauseRequest(key, { network: NETWORK, reason: 'bảo trì', createdAt: NOW })
  t.like(await t.throwsAsync(store.submitPause(pause())), { code: E.NOT_ACTIVE, meta: { state: null } })
  for (const state of ['trial', 'official', 'suspended', 'revoked'] as const) {
    states.set(peerId, state)
    t.like(await t.throwsAsync(store.submitJoin(createJoinRequest(key, joinInit(key)))), { code: E.ALREADY_ADMITTED, meta: { state } })
  }
  t.like(await t.throwsAsync(store.submitPause(pause())), { code: E.NOT_ACTIVE, meta: { state: 'revoked' } })

  states.set(peerId, 'official')
  const first = await store.submitPause(pause())
  t.is(first.status, 'pending')
  t.deepEqual(await store.pendingPause(peerId), first)
  t.like(await t.throwsAsync(store.submitPause(pause())), { code: E.DUPLICATE, meta: { reason: 'pending' } })

  // A failing registry write leaves the request pending and writes nothing.
  await t.throwsAsync(store.approvePause(first.id, { actor: 'ops', apply: () => { throw new Error('registry down') } }), { message: 'registry down' })
  t.is((await store.getPause(first.id))?.status, 'pending')
  let applied = 0
  const approved = await store.approvePause(first.id, { actor: 'ops', apply: () => { applied++; states.set(peerId, 'suspended') } })
  t.is(applied, 1)
  t.is(approved.status, 'approved')
  t.is(await codeOf(t, store.rejectPause(first.id, { actor: 'ops', reason: 'x' })), E.NOT_PENDING)

  states.set(peerId, 'trial')
  const second = await store.submitPause(pause())
  await store.rejectPause(second.id, { actor: 'sec', reason: 'đang có sự cố' })
  t.deepEqual(await store.publicPauseStatus(second.id), {
    id: second.id, status: 'rejected', receivedAt: second.receivedAt, decidedAt: (await store.getPause(second.id))?.decision?.at, reason: 'đang có sự cố'
  })
  t.deepEqual((await store.audit.list()).map(e => e.action), ['pause.approve', 'pause.reject'])
})

test('approve skips apply when the registry already shows the outcome (retry after a failed write)', async t => {
  const { store, states } = await open(t)
  const key = generateNodeKey()
  const record = await store.submitJoin(createJoinRequest(key, joinInit(key)))
  states.set(record.peerId, 'trial')
  let applied = 0
  const approved = await store.approveJoin(record.id, { actor: 'ops', apply: () => { applied++ } })
  t.is(applied, 0)
  t.is(approved.status, 'approved')
})

test('lists page oldest first and filter by status; records and the audit log survive a reopen', async t => {
  const first = await open(t)
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    const key = generateNodeKey()
    ids.push((await first.store.submitJoin(createJoinRequest(key, joinInit(key)))).id)
  }
  t.deepEqual([...ids].sort(), ids)
  await first.store.rejectJoin(ids[1] ?? '', { actor: 'ops', reason: 'a' })
  await first.store.approveJoin(ids[3] ?? '', { actor: 'ops' })
  await first.store.audit.record({ actor: 'admin', action: 'node.revoke', target: 'peer-x', reason: 'INC-7', detail: { incident: 'INC-7', n: [1, 2.5] } })

  const page1 = await first.store.listJoins({ limit: 2 })
  t.deepEqual(page1.items.map(r => r.id), ids.slice(0, 2))
  const page2 = await first.store.listJoins({ limit: 2, after: page1.next })
  t.deepEqual(page2.items.map(r => r.id), ids.slice(2, 4))
  const page3 = await first.store.listJoins({ limit: 2, after: page2.next })
  t.deepEqual(page3, { items: [await first.store.getJoin(ids[4] ?? '')] })
  t.deepEqual((await first.store.listJoins({ status: 'pending' })).items.map(r => r.id), [ids[0], ids[2], ids[4]])
  t.deepEqual((await first.store.listJoins({ status: 'rejected' })).items.map(r => r.id), [ids[1]])
  t.is(await codeOf(t, first.store.listJoins({ limit: 0 })), E.BAD_REQUEST)
  t.is(await codeOf(t, first.store.listJoins({ after: 'x' })), E.BAD_REQUEST)

  const before = await first.store.audit.list()
  t.deepEqual(before.map(e => e.seq), [1, 2, 3])
  await first.db.close()

  const second = await open(t, first.path)
  t.deepEqual(await second.store.audit.list(), before)
  t.deepEqual((await second.store.listJoins()).items.map(r => r.id), ids)
  t.is((await second.store.getJoin(ids[3] ?? ''))?.status, 'approved')
  const next = await second.store.audit.record({ actor: 'ops', action: 'node.resume', target: 'peer-x' })
  t.is(next.seq, 4)
  t.deepEqual((await second.store.audit.list({ since: 2 })).map(e => e.seq), [3, 4])
  t.deepEqual((await second.store.audit.list({ order: 'desc', limit: 2 })).map(e => e.seq), [4, 3])
  t.deepEqual((await second.store.audit.list({ order: 'desc', before: 3 })).map(e => e.seq), [2, 1])
  t.like(before[2], { actor: 'admin', action: 'node.revoke', target: 'peer-x', reason: 'INC-7', detail: { incident: 'INC-7', n: [1, 2.5] } })
})

test('ids increase even when the clock stands still or steps back', async t => {
  const db = await openDatabase(await tempDir(t))
  t.teardown(async () => { await db.close() })
  const times = [NOW, NOW, NOW, NOW - 5000, NOW - 5000, NOW + 1]
  const store = await MembershipStore.open(db, { nodeState: () => undefined, now: () => times.shift() ?? NOW + 2 })
  const ids: string[] = []
  for (let i = 0; i < 3; i++) {
    const key = generateNodeKey()
    ids.push((await store.submitJoin(createJoinRequest(key, joinInit(key)))).id)
  }
  t.deepEqual([...ids].sort(), ids)
  t.is(new Set(ids).size, 3)
  t.deepEqual((await store.listJoins()).items.map(r => r.id), ids)
})

test('audit input is checked', async t => {
  const { store } = await open(t)
  await t.throwsAsync(store.audit.record({ actor: '', action: 'a', target: 't' }), { instanceOf: TypeError })
  await t.throwsAsync(store.audit.record({ actor: 'a', action: 'Not Valid', target: 't' }), { instanceOf: TypeError })
  await t.throwsAsync(store.audit.record({ actor: 'a', action: 'a.b', target: '' }), { instanceOf: TypeError })
  await t.throwsAsync(store.audit.record({ actor: 'a', action: 'a.b', target: 't', detail: 'x'.repeat(20_000) }), { instanceOf: TypeError })
  t.is(await codeOf(t, store.audit.record({ actor: 'a', action: 'a.b', target: 't', reason: 'x'.repeat(2001) })), E.BAD_REQUEST)
  t.deepEqual(await store.audit.list(), [])
  const entry = await store.audit.record({ actor: 'a', action: 'a.b', target: 't' })
  t.is(entry.seq, 1)
})
