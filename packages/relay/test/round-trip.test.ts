import test from 'ava'
import { decodeReceipt, verifyReceipt, decodeEnvelope } from '@lienthong/envelope'
import { METRIC_NAMES, type InboxView, type Relay } from '@lienthong/relay'
import { codeOf, digest, markedDocument, until, within } from './helpers.js'
import { TestNet, metricValue } from './net.js'

const G01 = '000.00.00.G01'
const H29 = '000.00.00.H29'
const H30 = '000.00.00.H30'

async function firstArrival (relay: Relay): Promise<InboxView> {
  const abort = new AbortController()
  try {
    for await (const view of relay.followInbox(undefined, abort.signal)) return view
    throw new Error('followInbox ended without an entry')
  } finally {
    abort.abort()
  }
}

test('a document goes out sealed, arrives once, is acknowledged, and its status comes back to the sender', async t => {
  const net = await TestNet.create(t, [[G01, 'Văn phòng Chính phủ'], [H29, 'UBND thành phố Hà Nội']])
  const a = await net.addNode({ orgs: [G01] })
  const b = await net.addNode({ orgs: [H29] })
  const document = markedDocument('CONG-VAN-SO-123', 10_000)

  const arrival = firstArrival(b.relay)
  const submitted = await a.relay.submit({ from: G01, to: [H29], contentType: 'application/pdf', payload: document })
  t.deepEqual(submitted.recipients, [{ org: H29, effectiveOrg: H29, redirected: false, node: b.peerId }])
  t.deepEqual(submitted.warnings, [])
  const { id } = submitted

  const arrived = await within(arrival, 10_000, 'inbox arrival')
  t.is(arrived.id, id)
  t.deepEqual(arrived.from, { org: G01, node: a.peerId })
  t.deepEqual(arrived.to, [H29])
  t.is(arrived.contentType, 'application/pdf')
  t.is(arrived.length, document.length)
  t.false(arrived.acked)

  // The sender holds the recipient's signed receipt for exactly this envelope.
  const delivered = await until(async () => {
    const view = await a.relay.outboxRecord(id)
    return view?.deliveries[0]?.state === 'delivered' ? view : undefined
  }, 10_000, 'delivered')
  const delivery = delivered.deliveries[0]
  t.is(delivery?.node, b.peerId)
  t.deepEqual(delivery?.orgs, [H29])
  t.is(delivered.payloadLength, document.length)
  t.is(delivered.from, G01)
  const record = await a.outbox.get(id)
  const receipt = decodeReceipt(new Uint8Array(Buffer.from(delivery?.receipt ?? '', 'base64')))
  t.true(verifyReceipt(receipt, { expectedEnvelope: decodeEnvelope(record?.envelopeBytes ?? new Uint8Array()), expectedSigner: b.key.publicKey }).ok)

  const entry = await b.relay.inboxEntry(id, { inlinePayload: true })
  t.is(entry?.payload, Buffer.from(document).toString('base64'))
  const opened = await b.relay.openInboxPayload(id)
  t.is(opened.length, document.length)
  t.is(await digest(opened.stream), await digest([document]))

  t.deepEqual((await b.relay.inboxPage({ limit: 10 })).entries.map(e => e.id), [id])
  t.true(await b.relay.ack(id))
  t.true(await b.relay.ack(id), 'ack is idempotent')
  t.deepEqual((await b.relay.inboxPage({ limit: 10 })).entries, [])
  t.true((await b.relay.inboxEntry(id))?.acked)
  t.false(await b.relay.ack('01ARZ3NDEKTSV4RRFFQ69G5FAV'))

  const status = await b.relay.sendStatus(id, { code: '03', note: 'Đã tiếp nhận, số đến 45' })
  const withStatus = await until(async () => {
    const view = await a.relay.outboxRecord(id)
    return view !== undefined && view.statuses.length > 0 ? view : undefined
  }, 10_000, 'status on the outbox record')
  t.deepEqual(withStatus.statuses, [{ code: '03', note: 'Đã tiếp nhận, số đến 45', from: H29, envelopeId: status.id, at: withStatus.statuses[0]?.at ?? 0 }])
  // The status is not a document: it never shows in the sender's inbox.
  t.deepEqual((await a.relay.inboxPage({ limit: 10 })).entries, [])
  t.is(await a.relay.inboxEntry(status.id), undefined)
  t.is(await codeOf(t, a.relay.sendStatus(status.id, { code: '01' })), 'not-a-document')
  t.is((await a.relay.health()).inbox.unacked, 0)

  t.is(await codeOf(t, b.relay.sendStatus(id, { code: '07' })), 'bad-status-code')
  t.is(await codeOf(t, b.relay.sendStatus('01ARZ3NDEKTSV4RRFFQ69G5FAV', { code: '01' })), 'not-found')
  t.is(await codeOf(t, b.relay.openInboxPayload('not-an-id')), 'not-found')

  t.is(await metricValue(a, METRIC_NAMES.sent), 1)
  t.is(await metricValue(b, METRIC_NAMES.received), 1)
  t.is(await metricValue(a, METRIC_NAMES.received), 1, 'the status')
  await until(async () => (await metricValue(b, METRIC_NAMES.sent)) === 1, 10_000, 'status delivered')
  t.is(await metricValue(a, METRIC_NAMES.deliveries, { state: 'delivered' }), 1)
  t.is(await metricValue(a, METRIC_NAMES.deliveries, { state: 'queued' }), 0)
  const latency = a.metrics.getSingleMetric(METRIC_NAMES.latency)
  t.truthy((await latency?.get())?.values.find(v => (v as { metricName?: string }).metricName === `${METRIC_NAMES.latency}_count` && v.value === 1))
})

test('a closed recipient code is routed to its successor, and the answer says so', async t => {
  const net = await TestNet.create(t, [[G01, 'Văn phòng Chính phủ'], [H29, 'UBND thành phố Hà Nội'], [H30, 'UBND tỉnh Hà Tây']])
  const a = await net.addNode({ orgs: [G01] })
  const b = await net.addNode({ orgs: [H29] })
  await net.append([{ type: 'org.merge', from: [H30], into: H29 }])

  const result = await a.relay.submit({ from: G01, to: [H30, H29], contentType: 'text/plain', payload: markedDocument('SAP-NHAP', 100) })
  t.deepEqual(result.recipients, [
    { org: H30, effectiveOrg: H29, redirected: true, node: b.peerId },
    { org: H29, effectiveOrg: H29, redirected: false, node: b.peerId }
  ])
  t.is(result.warnings.length, 1)
  t.true(result.warnings[0]?.includes(H30) === true && result.warnings[0].includes(H29))

  const view = await until(async () => {
    const v = await a.relay.outboxRecord(result.id)
    return v?.deliveries[0]?.state === 'delivered' ? v : undefined
  }, 10_000, 'delivered')
  t.is(view.deliveries.length, 1, 'two codes on one node: one delivery')
  t.deepEqual(view.to.map(r => [r.org, r.effectiveOrg, r.redirected]), [[H30, H29, true], [H29, H29, false]])
  t.deepEqual((await b.relay.inboxEntry(result.id))?.to, [H29])
})
