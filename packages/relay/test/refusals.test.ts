import test, { type ExecutionContext } from 'ava'
import { generateNodeKey } from '@lienthong/crypto'
import { isLienthongError } from '@lienthong/errors'
import { METRIC_NAMES, RefusalCode } from '@lienthong/relay'
import { filesUnder } from './helpers.js'
import { TestNet, metricValue, type TestNode } from './net.js'
import { detached, envelopeFor, forged, inline, rawSend, strangerHost } from './wire.js'

const G01 = '000.00.00.G01'
const H29 = '000.00.00.H29'
const H31 = '000.00.00.H31'
const H33 = '000.00.00.H33'
const ORGS: Array<[string, string]> = [[G01, 'Văn phòng Chính phủ'], [H29, 'UBND thành phố Hà Nội'], [H31, 'UBND thành phố Hải Phòng'], [H33, 'UBND tỉnh Hưng Yên']]
const DOC = new Uint8Array(Buffer.from('NOI-DUNG-MAT '.repeat(100)))
const KiB = 1024

/** Nothing of a refused envelope is stored: no inbox entry, no blob file. */
async function nothingStored (t: ExecutionContext, node: TestNode, ids: string[]): Promise<void> {
  for (const id of ids) t.is(await node.inbox.get(id), undefined, `${id} stored`)
  t.deepEqual((await node.inbox.list({ limit: 100 })).entries, [])
  t.deepEqual(await filesUnder(node.blobs.dir), [])
}

/** The refusal was counted by reason and logged at info with peer, envelope id and code. */
async function counted (t: ExecutionContext, node: TestNode, code: string, id: string, peer: string, times = 1): Promise<void> {
  t.is(await metricValue(node, METRIC_NAMES.refused, { reason: code }), times, `${code} counted`)
  t.true(node.logs.some(l => l.level === 'info' && l.context.code === code && l.context.id === id && l.context.peer === peer), `${code} logged`)
}

test('the receiver refuses bad envelopes on the wire with their reason, counts and logs them, and stores nothing', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01] })
  // An open gate lets every peer reach the relay's own checks.
  const b = await net.addNode({ orgs: [H29], gate: 'open' })
  const trial = await net.addNode({ orgs: [H31], state: 'trial', startRelay: false })
  const revoked = await net.addNode({ orgs: [H33], startRelay: false })
  await net.append([{ type: 'node.revoke', peerId: revoked.peerId, incident: 'INC-2025-011' }])
  const stranger = generateNodeKey()
  const strangerNode = await strangerHost(t, stranger)

  const cases: Array<{ code: string, from: TestNode['host'], peer: string, env: ReturnType<typeof envelopeFor> }> = [
    { code: 'envelope-bad-signature', from: a.host, peer: a.peerId, env: forged(envelopeFor(a.key, b, {}, DOC)) },
    { code: RefusalCode.WRONG_SENDER, from: a.host, peer: a.peerId, env: envelopeFor(trial.key, b, {}, DOC) },
    { code: RefusalCode.SENDER_UNKNOWN, from: strangerNode, peer: strangerNode.peerId, env: envelopeFor(stranger, b, {}, DOC) },
    { code: RefusalCode.SENDER_REVOKED, from: revoked.host, peer: revoked.peerId, env: envelopeFor(revoked.key, b, { senderOrg: H33 }, DOC) },
    { code: RefusalCode.SENDER_NOT_ALLOWED, from: trial.host, peer: trial.peerId, env: envelopeFor(trial.key, b, { senderOrg: H31 }, DOC) },
    { code: RefusalCode.SENDER_ORG_NOT_HOSTED, from: a.host, peer: a.peerId, env: envelopeFor(a.key, b, { senderOrg: H31 }, DOC) },
    { code: RefusalCode.NOT_A_RECIPIENT, from: a.host, peer: a.peerId, env: envelopeFor(a.key, b, { recipients: [H31] }, DOC) },
    { code: 'envelope-expired', from: a.host, peer: a.peerId, env: envelopeFor(a.key, b, { ttlMs: 3_600_000 }, DOC, { now: Date.now() - 7_200_000 }) },
    { code: 'envelope-from-future', from: a.host, peer: a.peerId, env: envelopeFor(a.key, b, {}, DOC, { now: Date.now() + 3_600_000 }) }
  ]
  for (const c of cases) {
    const [outcome] = await rawSend(c.from, b, [inline(c.env)])
    t.deepEqual(outcome, { status: 'refused', code: c.code }, c.code)
    await counted(t, b, c.code, c.env.header.id, c.peer)
  }
  // The same refusals when the payload is detached: refused before a byte of it is stored.
  const forgedDetached = forged(envelopeFor(a.key, b, {}, new Uint8Array(200 * KiB)))
  const [outcome] = await rawSend(a.host, b, [detached(forgedDetached)])
  t.deepEqual(outcome, { status: 'refused', code: 'envelope-bad-signature' })
  await counted(t, b, 'envelope-bad-signature', forgedDetached.header.id, a.peerId, 2)
  await nothingStored(t, b, [...cases.map(c => c.env.header.id), forgedDetached.header.id])

  // Oversized against the registry's maxEnvelopeBytes, inline and detached.
  await net.append([{ type: 'network.params', maxEnvelopeBytes: 64 * KiB }])
  const big = envelopeFor(a.key, b, {}, new Uint8Array(70 * KiB))
  const bigDetached = envelopeFor(a.key, b, {}, new Uint8Array(300 * KiB))
  const answers = await rawSend(a.host, b, [inline(big), detached(bigDetached)])
  t.deepEqual(answers, [{ status: 'refused', code: RefusalCode.ENVELOPE_TOO_LARGE }, { status: 'refused', code: RefusalCode.ENVELOPE_TOO_LARGE }])
  t.is(await metricValue(b, METRIC_NAMES.refused, { reason: RefusalCode.ENVELOPE_TOO_LARGE }), 2)
  await nothingStored(t, b, [big.header.id, bigDetached.header.id])

  // A good envelope still goes through on the same stream after refusals.
  const good = envelopeFor(a.key, b, {}, DOC)
  t.is((await rawSend(a.host, b, [inline(forged(envelopeFor(a.key, b, {}, DOC))), inline(good)]))[1]?.status, 'receipted')
  t.truthy(await b.inbox.get(good.header.id))
})

test('a peer outside the registry, or revoked, is cut off by the gate before any envelope', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01] })
  const b = await net.addNode({ orgs: [H29] })
  const revoked = await net.addNode({ orgs: [H33], startRelay: false })
  await net.append([{ type: 'node.revoke', peerId: revoked.peerId, incident: 'INC-2025-012' }])
  const stranger = generateNodeKey()
  const strangerNode = await strangerHost(t, stranger)

  for (const [host, key] of [[strangerNode, stranger], [revoked.host, revoked.key]] as const) {
    const env = envelopeFor(key, b, {}, DOC)
    const err = await t.throwsAsync(rawSend(host, b, [inline(env)]))
    // Noise completes, then the receiver's gate drops the connection: the dialer sees it fail.
    t.true(isLienthongError(err) && /^(protocol|delivery)-/.test(err.code), `refused with ${String((err as { code?: string }).code)}`)
    t.false(b.host.connectedPeers().includes(host.peerId))
  }
  await nothingStored(t, b, [])
  t.is(await metricValue(b, METRIC_NAMES.received), 0)
  t.truthy(a)
})

test('registry changes apply from the next envelope on: an organisation moved away, then a revoked sender, are refused at once', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01, H31] })
  // An open gate keeps a revoked peer connected, so the relay's own checks decide.
  const b = await net.addNode({ orgs: [H29], gate: 'open' })
  const send = async (senderOrg: string): Promise<unknown> => (await rawSend(a.host, b, [inline(envelopeFor(a.key, b, { senderOrg }, DOC))]))[0]
  t.is((await send(H31) as { status: string }).status, 'receipted')
  t.is((await send(G01) as { status: string }).status, 'receipted')

  await net.append([{ type: 'node.update-orgs', peerId: a.peerId, orgs: [G01] }])
  t.deepEqual(await send(H31), { status: 'refused', code: RefusalCode.SENDER_ORG_NOT_HOSTED })
  t.is((await send(G01) as { status: string }).status, 'receipted')
  // The receiving node hands its organisation over: envelopes to it are no longer for this node.
  await net.append([{ type: 'node.update-orgs', peerId: b.peerId, orgs: [H33] }])
  t.deepEqual(await send(G01), { status: 'refused', code: RefusalCode.NOT_A_RECIPIENT })
  await net.append([{ type: 'node.update-orgs', peerId: b.peerId, orgs: [H29] }])
  t.is((await send(G01) as { status: string }).status, 'receipted')

  await net.append([{ type: 'node.revoke', peerId: a.peerId, incident: 'INC-2025-013' }])
  t.deepEqual(await send(G01), { status: 'refused', code: RefusalCode.SENDER_REVOKED })
})
