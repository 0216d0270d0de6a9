import test from 'ava'
import { METRIC_NAMES, type OutboxView, type Relay } from '@lienthong/relay'
import { digest, markedDocument, until } from './helpers.js'
import { TestNet, metricValue } from './net.js'
import { rawSend } from './wire.js'

const G01 = '000.00.00.G01'
const H29 = '000.00.00.H29'
const H31 = '000.00.00.H31'
const ORGS: Array<[string, string]> = [[G01, 'Văn phòng Chính phủ'], [H29, 'UBND thành phố Hà Nội'], [H31, 'UBND thành phố Hải Phòng']]
const KiB = 1024

async function settled (relay: Relay, id: string, ms = 10_000): Promise<OutboxView> {
  return await until(async () => {
    const view = await relay.outboxRecord(id)
    return view !== undefined && view.deliveries.every(d => d.state !== 'queued') ? view : undefined
  }, ms, `deliveries of ${id} settled`)
}

test('a recipient that is down gets the document once it is back on the same data folder', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01] })
  const b = await net.addNode({ orgs: [H29] })
  await b.stop()

  const { id } = await a.relay.submit({ from: G01, to: [H29], contentType: 'text/plain', payload: markedDocument('CHO-GUI', 500) })
  const failing = await until(async () => {
    const view = await a.relay.outboxRecord(id)
    return (view?.deliveries[0]?.attempts ?? 0) >= 2 ? view : undefined
  }, 10_000, 'failed attempts')
  t.is(failing.deliveries[0]?.state, 'queued')
  t.truthy(failing.deliveries[0]?.error?.code)
  t.true((failing.deliveries[0]?.nextAttemptAt ?? 0) > 0)

  const back = await net.restart(b)
  const view = await settled(a.relay, id)
  t.is(view.deliveries[0]?.state, 'delivered')
  t.true((view.deliveries[0]?.attempts ?? 0) >= 2)
  t.is((await back.relay.inboxEntry(id))?.id, id)
  t.deepEqual(a.outbox.counts(), { queued: 0, delivered: 1, failed: 0 })
})

test('a replayed envelope lands once and gets its original receipt, inline or streamed', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01] })
  const b = await net.addNode({ orgs: [H29] })
  const small = await a.relay.submit({ from: G01, to: [H29], contentType: 'text/plain', payload: markedDocument('NHO', 2 * KiB) })
  const largeDoc = markedDocument('LON', 300 * KiB)
  const large = await a.relay.submit({ from: G01, to: [H29], contentType: 'application/pdf', payload: largeDoc })
  for (const { id } of [small, large]) await settled(a.relay, id)

  for (const { id } of [small, large]) {
    const record = await a.outbox.get(id)
    const original = record?.deliveries[0]?.receipt
    if (record === undefined || original === undefined) throw new Error('not delivered')
    const item = () => record.payloadHash === undefined
      ? { envelopeBytes: record.envelopeBytes }
      // The sender released its copy once delivered; the recipient's blob has the same bytes.
      : { envelopeBytes: record.envelopeBytes, payload: b.blobs.read(record.payloadHash) }
    const answers = await rawSend(a.host, b, [item(), item()])
    for (const answer of answers) {
      t.is(answer.status, 'receipted')
      t.true(answer.status === 'receipted' && Buffer.from(answer.receipt).equals(original), 'the original receipt')
    }
  }
  const page = await b.inbox.list({ limit: 100 })
  t.deepEqual(page.entries.map(e => e.id), [small.id, large.id])
  t.is(await metricValue(b, METRIC_NAMES.received), 2)
  const entry = await b.inbox.get(large.id)
  t.deepEqual(await b.blobs.owners(entry?.payloadHash ?? ''), [`inbox/${large.id}`])
  t.is(await digest((await b.relay.openInboxPayload(large.id)).stream), await digest([largeDoc]))
  // The sender's sealed copy is gone once every delivery settled.
  t.false(await a.blobs.has((await a.outbox.get(large.id))?.payloadHash ?? ''))
})

test('a delivery refused for good is marked failed with the reason, an undeliverable one fails at expiry', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01] })
  const b = await net.addNode({ orgs: [H29] })
  // B stops hosting H29, and only B knows it yet: A still routes H29 to B.
  net.writer.appendOps([{ type: 'node.update-orgs', peerId: b.peerId, orgs: [H31] }], { actor: 'test' })
  await b.replica.apply(net.writer.registry.entriesAfter(b.replica.seq))
  const refused = await a.relay.submit({ from: G01, to: [H29], contentType: 'text/plain', payload: markedDocument('SAI-NOI', 100) })
  const view = await settled(a.relay, refused.id)
  t.is(view.deliveries[0]?.state, 'failed')
  t.is(view.deliveries[0]?.error?.code, 'not-a-recipient')
  t.is(view.deliveries[0]?.attempts, 0)

  await net.sync()
  await b.stop()
  const expiring = await a.relay.submit({ from: G01, to: [H31], contentType: 'text/plain', payload: markedDocument('HET-HAN', 100), ttlMs: 400 })
  const expired = await settled(a.relay, expiring.id)
  t.is(expired.deliveries[0]?.state, 'failed')
  t.is(expired.deliveries[0]?.error?.code, 'delivery-expired')
  t.is(await metricValue(a, METRIC_NAMES.deliveries, { state: 'failed' }), 2)
})

test('a node delivers to an organisation it hosts itself, without the wire', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01, H29] })
  const documents = [markedDocument('NOI-BO', 1 * KiB), markedDocument('NOI-BO-LON', 200 * KiB)]
  for (const document of documents) {
    const { id } = await a.relay.submit({ from: G01, to: [H29], contentType: 'text/plain', payload: document })
    const view = await settled(a.relay, id)
    t.is(view.deliveries[0]?.state, 'delivered')
    t.is(view.deliveries[0]?.node, a.peerId)
    t.is(await digest((await a.relay.openInboxPayload(id)).stream), await digest([document]))
  }
  t.is((await a.relay.inboxPage({ limit: 10 })).entries.length, 2)
})
