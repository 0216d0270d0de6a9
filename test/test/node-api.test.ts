import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { Readable } from 'node:stream'
import test from 'ava'
import { decodeReceipt, verifyReceipt } from '@lienthong/envelope'
import { nodePaths } from '@lienthong/node'
import { BlobStore, openDatabase } from '@lienthong/store'
import { startNetwork, waitFor, apiClient } from '@lienthong/test'

const HCM = '000.00.00.H29'
const VPCP = '000.00.00.G22'

interface Submitted { id: string, recipients: Array<{ org: string, effectiveOrg: string, redirected: boolean, node: string }>, warnings: string[] }
interface Outbox { deliveries: Array<{ state: string, receipt: string | null }>, statuses: Array<{ code: string, note?: string }> }
interface InboxPage { entries: Array<{ id: string, cursor: string, payload: string | null, from: { org: string }, contentType: string }>, next?: string }

test('send → receive → ack → status round trip between two nodes through the HTTP API', async (t) => {
  const net = await startNetwork(t, [{ name: 'hcm', orgs: [HCM] }, { name: 'vpcp', orgs: [VPCP] }])
  const hcm = net.nodes.hcm!
  const vpcp = net.nodes.vpcp!
  const text = 'Công văn số 123/UBND-VP: báo cáo tình hình thực hiện nhiệm vụ.'
  const sent = await hcm.api.post<Submitted>('/v1/outbox', { from: HCM, to: [VPCP], contentType: 'text/plain; charset=utf-8', payload: Buffer.from(text).toString('base64') })
  t.is(sent.status, 202, JSON.stringify(sent.body))
  t.is(sent.body.recipients[0]?.node, vpcp.node.host.peerId)

  await waitFor('the document in the recipient inbox', async () => (await vpcp.api.get<InboxPage>('/v1/inbox')).body.entries.length === 1)
  const page = await vpcp.api.get<InboxPage>('/v1/inbox')
  const entry = page.body.entries[0]!
  t.is(entry.id, sent.body.id)
  t.is(entry.from.org, HCM)
  t.is(Buffer.from(entry.payload ?? '', 'base64').toString(), text)
  const download = await vpcp.api.raw(`/v1/inbox/${entry.id}/payload`)
  t.is(download.status, 200)
  t.is(await download.text(), text)

  await waitFor('the delivery receipted at the sender', async () => (await hcm.api.get<Outbox>(`/v1/outbox/${sent.body.id}`)).body.deliveries[0]?.state === 'delivered')
  const out = await hcm.api.get<Outbox>(`/v1/outbox/${sent.body.id}`)
  const receipt = decodeReceipt(new Uint8Array(Buffer.from(out.body.deliveries[0]!.receipt!, 'base64')))
  t.true(verifyReceipt(receipt, { expectedSigner: vpcp.node.key.publicKey }).ok)

  t.is((await vpcp.api.post(`/v1/inbox/${entry.id}/ack`)).status, 200)
  t.is((await vpcp.api.get<InboxPage>('/v1/inbox')).body.entries.length, 0)
  t.is((await vpcp.api.get(`/v1/inbox/${entry.id}`)).status, 200)

  const status = await vpcp.api.post(`/v1/inbox/${entry.id}/status`, { code: '01', note: 'Đã nhận' })
  t.is(status.status, 202)
  await waitFor('the status at the sender', async () => (await hcm.api.get<Outbox>(`/v1/outbox/${sent.body.id}`)).body.statuses.length === 1)
  const withStatus = await hcm.api.get<Outbox>(`/v1/outbox/${sent.body.id}`)
  t.is(withStatus.body.statuses[0]?.code, '01')
  t.is(withStatus.body.statuses[0]?.note, 'Đã nhận')
  t.is((await hcm.api.get<InboxPage>('/v1/inbox')).body.entries.length, 0, 'status envelopes do not show as documents')
})

test('every §7 error path of the node API answers problem+json with its code', async (t) => {
  const net = await startNetwork(t, [{ name: 'hcm', orgs: [HCM] }, { name: 'vpcp', orgs: [VPCP] }])
  const api = net.nodes.hcm!.api
  const problem = async (p: Promise<{ status: number, body: Record<string, unknown>, headers: Headers }>, status: number, code: string, label: string): Promise<Record<string, unknown>> => {
    const res = await p
    t.is(res.status, status, `${label}: ${JSON.stringify(res.body)}`)
    t.is(res.body.code, code, label)
    t.is(res.headers.get('content-type'), 'application/problem+json', label)
    return res.body
  }
  await problem(apiClient(net.nodes.hcm!.node.httpUrl).get('/v1/inbox'), 401, 'unauthorized', 'missing token')
  await problem(apiClient(net.nodes.hcm!.node.httpUrl, 'lt_wrong-token-value').get('/v1/inbox'), 401, 'unauthorized', 'wrong token')
  await problem(api.post('/v1/outbox', '{"from": '), 400, 'bad-json', 'malformed JSON')
  const field = await problem(api.post('/v1/outbox', { from: HCM, to: [], contentType: 'text/plain', payload: '' }), 400, 'bad-request', 'empty recipients')
  t.is((field.meta as { field: string }).field, 'to')
  await problem(api.post('/v1/outbox', { from: HCM, to: [VPCP], contentType: 'text/plain', payload: 'not base64!' }), 400, 'bad-request', 'bad base64')
  await problem(api.post('/v1/outbox', { from: HCM, to: ['000.00.00.Z99'], contentType: 'text/plain', payload: '' }), 422, 'unknown-recipient', 'unknown recipient')
  await problem(api.post('/v1/outbox', { from: VPCP, to: [HCM], contentType: 'text/plain', payload: '' }), 422, 'sender-not-hosted', 'sender not hosted here')
  await problem(api.post('/v1/outbox', 'x', { 'content-type': 'text/html' }), 415, 'unsupported-media-type', 'unsupported media type')
  const huge = JSON.stringify({ from: HCM, to: [VPCP], contentType: 'text/plain', payload: 'A'.repeat(17 * 1024 * 1024) })
  await problem(api.post('/v1/outbox', huge), 413, 'payload-too-large', 'JSON body too large')
  await problem(api.get('/v1/outbox/01JZZZZZZZZZZZZZZZZZZZZZZZ'), 404, 'not-found', 'unknown outbox id')
  await problem(api.get('/v1/inbox/01JZZZZZZZZZZZZZZZZZZZZZZZ'), 404, 'not-found', 'unknown inbox id')
  await problem(api.post('/v1/inbox/01JZZZZZZZZZZZZZZZZZZZZZZZ/ack'), 404, 'not-found', 'ack of unknown id')
  await problem(api.get('/v1/inbox?limit=0'), 400, 'bad-query', 'limit 0')
  await problem(api.get('/v1/inbox?after=%%%'), 400, 'inbox-bad-cursor', 'bad cursor')
  await problem(api.post('/v1/inbox/01JZZZZZZZZZZZZZZZZZZZZZZZ/status', { code: 'A1' }), 400, 'bad-request', 'malformed status code')
})

test('a retired recipient code is routed to its successor and the 202 says so', async (t) => {
  // Thái Bình (H54) merged into Hưng Yên (H31) on 2025-07-01.
  const net = await startNetwork(t, [{ name: 'hcm', orgs: [HCM] }, { name: 'hungyen', orgs: ['000.00.00.H31'] }])
  const routed = await net.nodes.hcm!.api.post<Submitted>('/v1/outbox', { from: HCM, to: ['000.00.00.H54'], contentType: 'text/plain', payload: Buffer.from('gửi Thái Bình').toString('base64') })
  t.is(routed.status, 202, JSON.stringify(routed.body))
  t.deepEqual(routed.body.recipients.map((r) => [r.org, r.effectiveOrg, r.redirected]), [['000.00.00.H54', '000.00.00.H31', true]])
  t.true(routed.body.warnings.some((w) => w.includes('000.00.00.H31')))
  const hy = net.nodes.hungyen!
  await waitFor('the document at the successor', async () => (await hy.api.get<InboxPage>('/v1/inbox')).body.entries.length === 1)
  t.pass()
})

test('at start a node removes payloads that never made it into its inbox or outbox, and keeps the others', async (t) => {
  const net = await startNetwork(t, [{ name: 'hcm', orgs: [HCM] }, { name: 'vpcp', orgs: [VPCP] }])
  const hcm = net.nodes.hcm!
  const vpcp = net.nodes.vpcp!
  // A detached payload (above the inline limit) that crosses for real: a blob on both sides.
  const large = randomBytes(2 * 1024 * 1024)
  const sent = await hcm.api.raw(`/v1/outbox?from=${HCM}&to=${VPCP}&contentType=application/octet-stream`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: large })
  t.is(sent.status, 202)
  const { id } = await sent.json() as { id: string }
  await waitFor('the document in the recipient inbox', async () => (await vpcp.api.get<InboxPage>('/v1/inbox?inline=false')).body.entries.some((e) => e.id === id))

  // What a stream cut after the payload leaves: a stored blob owned by an envelope never accepted.
  await vpcp.stop()
  const paths = nodePaths(vpcp.data)
  const db = await openDatabase(paths.db)
  const blobs = await BlobStore.open(paths.blobs, db)
  const orphan = randomBytes(100_000)
  const written = await blobs.write(Readable.from([orphan]), { maxBytes: orphan.length, owner: 'inbox/01JGHN5WYY0000000000000009' })
  await db.close()
  t.true(existsSync(blobs.path(written.hash)))

  await vpcp.restart()
  t.false(existsSync(blobs.path(written.hash)), 'the orphaned payload is gone')
  const download = await vpcp.api.raw(`/v1/inbox/${id}/payload`)
  t.is(download.status, 200)
  t.true(Buffer.from(await download.arrayBuffer()).equals(large), 'the received document is intact')
})
