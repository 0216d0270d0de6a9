import test from 'ava'
import { RelayErrorCode, type SubmitRequest } from '@lienthong/relay'
import { codeOf, filesUnder, markedChunks, utf8 } from './helpers.js'
import { TestNet } from './net.js'

const G01 = '000.00.00.G01'
const ORGS: Array<[string, string]> = [
  [G01, 'Văn phòng Chính phủ'],
  ['000.00.00.H29', 'UBND thành phố Hà Nội'],
  ['000.00.00.H31', 'UBND thành phố Hải Phòng'],
  ['000.00.00.H33', 'UBND tỉnh Hưng Yên'],
  ['000.00.00.H34', 'UBND tỉnh Thái Bình'],
  ['000.00.00.H35', 'UBND tỉnh Hà Nam'],
  ['000.00.00.H36', 'UBND tỉnh Nam Định']
]

const doc = (to: string[], extra: Partial<SubmitRequest> = {}): SubmitRequest =>
  ({ from: G01, to, contentType: 'application/pdf', payload: utf8('văn bản'), ...extra })

test('submission is refused with a code for each recipient the registry cannot serve, and nothing is queued', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01], config: { maxPayloadBytes: 1024 * 1024 } })
  const suspended = await net.addNode({ orgs: ['000.00.00.H31'], startRelay: false })
  const revoked = await net.addNode({ orgs: ['000.00.00.H33'], startRelay: false })
  await net.addNode({ orgs: ['000.00.00.H34'], state: 'trial', startRelay: false })
  await net.addNode({ orgs: ['000.00.00.H36'], startRelay: false })
  await net.append([
    { type: 'node.suspend', peerId: suspended.peerId, reason: 'bảo trì hệ thống' },
    { type: 'node.revoke', peerId: revoked.peerId, incident: 'INC-2025-007' },
    { type: 'org.retire', code: '000.00.00.H36' }
  ])

  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.X99']))), RelayErrorCode.UNKNOWN_RECIPIENT)
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H35']))), RelayErrorCode.RECIPIENT_UNREACHABLE, 'listed, hosted by nobody')
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H36']))), RelayErrorCode.RECIPIENT_UNREACHABLE, 'closed without successor')
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H31']))), RelayErrorCode.RECIPIENT_SUSPENDED)
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H33']))), RelayErrorCode.RECIPIENT_REVOKED)
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H34']))), RelayErrorCode.RECIPIENT_NOT_ALLOWED, 'official to trial')
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H29']))), RelayErrorCode.RECIPIENT_UNREACHABLE)
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H34'], { from: '000.00.00.H34' }))), RelayErrorCode.SENDER_NOT_HOSTED)

  // Malformed input: 400 with the field.
  for (const [request, field] of [
    [doc([]), 'to'],
    [doc(['bad code']), 'to.0'],
    [doc(['000.00.00.H31', '000.00.00.H31']), 'to'],
    [doc(['000.00.00.H31'], { contentType: 'pdf' }), 'contentType'],
    [doc(['000.00.00.H31'], { from: '' }), 'from'],
    [doc(['000.00.00.H31'], { ttlMs: 0 }), 'ttlMs'],
    [doc(['000.00.00.H31'], { payload: 'text' as unknown as Uint8Array }), 'payload']
  ] as const) {
    const err = await t.throwsAsync(a.relay.submit(request))
    t.is((err as { code?: string }).code, RelayErrorCode.BAD_REQUEST)
    t.is((err as { meta?: { field?: string } }).meta?.field, field)
  }

  t.deepEqual(a.outbox.counts(), { queued: 0, delivered: 0, failed: 0 })
})

test('a payload over the limit is refused while it streams, and leaves no file behind', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01], config: { maxPayloadBytes: 1024 * 1024 } })
  await net.addNode({ orgs: ['000.00.00.H29'] })
  const stream = markedChunks('QUA-LON', 3 * 1024 * 1024)
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H29'], { payload: stream }))), RelayErrorCode.PAYLOAD_TOO_LARGE)
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H29'], { payload: new Uint8Array(1024 * 1024 + 1) }))), RelayErrorCode.PAYLOAD_TOO_LARGE)
  t.deepEqual(await filesUnder(a.blobs.dir), [])
  t.deepEqual(a.outbox.counts(), { queued: 0, delivered: 0, failed: 0 })

  // The registry's maxEnvelopeBytes bounds the sealed envelope too.
  await net.append([{ type: 'network.params', maxEnvelopeBytes: 64 * 1024 }])
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H29'], { payload: new Uint8Array(100 * 1024) }))), RelayErrorCode.PAYLOAD_TOO_LARGE)
  t.deepEqual(await filesUnder(a.blobs.dir), [])
})

test('a node that is suspended cannot send', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01] })
  await net.addNode({ orgs: ['000.00.00.H29'] })
  await net.append([{ type: 'node.suspend', peerId: a.peerId, reason: 'tạm dừng' }])
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H29']))), RelayErrorCode.NODE_NOT_ACTIVE)
})

test('a routing that was accepted is refused as soon as the registry changes (recipient suspended, then resumed)', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01] })
  const b = await net.addNode({ orgs: ['000.00.00.H29'], startRelay: false })
  const first = await a.relay.submit(doc(['000.00.00.H29']))
  t.is(first.recipients[0]?.node, b.peerId)
  await net.append([{ type: 'node.suspend', peerId: b.peerId, reason: 'bảo trì' }])
  t.is(await codeOf(t, a.relay.submit(doc(['000.00.00.H29']))), RelayErrorCode.RECIPIENT_SUSPENDED)
  await net.append([{ type: 'node.resume', peerId: b.peerId }])
  const again = await a.relay.submit(doc(['000.00.00.H29']))
  t.deepEqual(again.recipients, first.recipients)
  // Answers are copies: changing one does not change the next.
  ;(again.recipients[0] as { org: string }).org = 'changed'
  t.is((await a.relay.submit(doc(['000.00.00.H29']))).recipients[0]?.org, '000.00.00.H29')
})
