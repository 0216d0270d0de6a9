/**
 * @lienthong/client against a real network (coordinator and nodes in-process, libp2p and HTTP on
 * 127.0.0.1): every NodeClient and CoordinatorClient call a document system or operator makes.
 */
import test from 'ava'
import { join } from 'node:path'
import { ClientError, CoordinatorClient, NodeClient, isClientError, type InboxEntry } from '@lienthong/client'
import { coordinatorPaths } from '@lienthong/coordinator'
import { silentLogger } from '@lienthong/errors'
import { initNode, startNode, submitJoinRequest } from '@lienthong/node'
import { startNetwork, waitFor, type TestNode } from '@lienthong/test'

const HCM = '000.00.00.H29'
const VPCP = '000.00.00.G22'

const clientOf = (n: TestNode): NodeClient => new NodeClient({ baseUrl: n.node.httpUrl, token: n.apiToken })

test('NodeClient: send (JSON and streamed), outbox, inbox, payload, ack, status, stream, health, registry', async (t) => {
  const net = await startNetwork(t, [{ name: 'vpcp', orgs: [VPCP] }, { name: 'hcm', orgs: [HCM] }])
  const vpcp = clientOf(net.nodes.vpcp!)
  const hcm = clientOf(net.nodes.hcm!)
  const abort = new AbortController()
  const timer = setTimeout(() => { abort.abort() }, 30_000)
  t.teardown(() => { clearTimeout(timer); abort.abort() })

  // Follow hcm's inbox before anything is sent.
  const live: InboxEntry[] = []
  const following = (async () => {
    for await (const doc of hcm.stream({ signal: abort.signal })) {
      live.push(doc)
      if (live.length === 2) return
    }
  })()

  const small = await vpcp.send({ from: VPCP, to: [HCM], contentType: 'text/plain; charset=utf-8', payload: 'Công văn số 1/VPCP' })
  t.deepEqual(small.recipients.map((r) => r.effectiveOrg), [HCM])
  // 2 MiB streamed in 64 KiB chunks: a raw upload, never held whole by the client.
  const big = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 31) % 251)
  async function * chunks (): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < big.length; i += 65536) {
      await Promise.resolve()
      yield big.subarray(i, i + 65536)
    }
  }
  const large = await vpcp.send({ from: VPCP, to: [HCM], contentType: 'application/pdf', payload: chunks() })
  await following
  t.deepEqual(live.map((d) => d.id), [small.id, large.id])

  await waitFor('both delivered', async () => (await Promise.all([small.id, large.id].map(async (id) => await vpcp.outbox(id)))).every((o) => o.deliveries.every((d) => d.state === 'delivered')))
  const page = await hcm.inbox({ limit: 10 })
  t.deepEqual(page.entries.map((e) => e.id), [small.id, large.id])
  t.is(Buffer.from(page.entries[0]!.payload!, 'base64').toString('utf8'), 'Công văn số 1/VPCP')
  t.is((await hcm.inboxEntry(large.id, { inline: false })).payload, null)
  const payload = await hcm.payload(large.id)
  t.is(payload.contentType, 'application/pdf')
  t.is(payload.length, big.length)
  t.true(Buffer.from(await payload.bytes()).equals(Buffer.from(big)))

  // Resume after the first entry's cursor: only the second comes.
  const resumed: string[] = []
  for await (const doc of hcm.stream({ after: live[0]!.cursor, signal: abort.signal })) {
    resumed.push(doc.id)
    break
  }
  t.deepEqual(resumed, [large.id])

  t.deepEqual(await hcm.ack(small.id), { id: small.id, acked: true })
  t.deepEqual((await hcm.inbox()).entries.map((e) => e.id), [large.id])
  await hcm.status(small.id, '01', 'Đã đến')
  await hcm.status(small.id, '06')
  await waitFor('the statuses at the sender', async () => (await vpcp.outbox(small.id)).statuses.length === 2)
  t.deepEqual((await vpcp.outbox(small.id)).statuses.map((s) => [s.from, s.code]), [[HCM, '01'], [HCM, '06']])

  const health = await vpcp.health()
  t.is(health.membership, 'official')
  t.is(health.status, 'ok')
  t.is((await vpcp.registryOrg(HCM)).org.code, HCM)
  t.true((await vpcp.registryOrgs({ q: 'Hồ Chí Minh' })).orgs.some((o) => o.code === HCM))
  const official = (await vpcp.registryNodes({ state: 'official' })).nodes.map((n) => n.peerId)
  t.true([net.nodes.vpcp!, net.nodes.hcm!].every((n) => official.includes(n.node.host.peerId)))

  // Errors carry the server's code, status and detail.
  const unknown = await t.throwsAsync(vpcp.send({ from: VPCP, to: ['000.00.00.X99'], contentType: 'text/plain', payload: 'x' }), { instanceOf: ClientError })
  t.is(unknown.code, 'unknown-recipient')
  t.is(unknown.status, 422)
  t.not(unknown.detail, '')
  const badStatus = await t.throwsAsync(hcm.status(small.id, '99'), { instanceOf: ClientError })
  t.is(badStatus.code, 'bad-status-code')
  t.is(badStatus.status, 422)
  t.is((await t.throwsAsync(hcm.status(small.id, 'one'), { instanceOf: ClientError })).problemMeta?.field, 'code')
  t.is((await t.throwsAsync(hcm.outbox('01NOSUCHDOCUMENT0000000000'), { instanceOf: ClientError })).status, 404)
  const badToken = new NodeClient({ baseUrl: net.nodes.hcm!.node.httpUrl, token: 'lt_not-a-token' })
  t.is((await t.throwsAsync(badToken.health(), { instanceOf: ClientError })).status, 401)
})

test('CoordinatorClient: public registry, join request reviewed and rejected, node admin, monitoring, audit', async (t) => {
  const net = await startNetwork(t, [{ name: 'hcm', orgs: [HCM] }])
  const hcmPeer = net.nodes.hcm!.node.host.peerId
  const publicApi = new CoordinatorClient({ baseUrl: net.coordinator.httpUrl })
  const admin = new CoordinatorClient({ baseUrl: net.coordinator.httpUrl, token: net.adminToken })

  t.is((await publicApi.health()).role, 'coordinator')
  t.is((await publicApi.orgs({ status: 'active', q: 'Văn phòng Chính phủ' })).orgs[0]?.code, VPCP)
  t.is((await publicApi.org(HCM)).effective?.code, HCM)
  const listed = (await publicApi.nodes()).nodes
  t.true(listed.some((n) => n.peerId === hcmPeer))
  t.true(listed.every((n) => n.contacts === undefined), 'public lists hide contacts')
  t.true(Array.isArray((await publicApi.services()).services))
  const log = await publicApi.log({ since: -1, limit: 5 })
  t.is(log.entries[0]?.seq, 0)
  t.is((await publicApi.checkpoint()).seq >= 0, true)
  t.is((await t.throwsAsync(publicApi.joinRequests(), { instanceOf: ClientError })).status, 401)

  // A unit asks to join; the operator reads the assessment, marks the checklist and rejects it.
  const data = join(net.dir, 'vpcp')
  await initNode({ data, network: coordinatorPaths(join(net.dir, 'coordinator')).network, orgs: [VPCP], email: ['it@vpcp.example'], phone: [], listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0' })
  const vpcp = await startNode({ data, logger: silentLogger, linkIntervalMs: 300 })
  t.teardown(() => vpcp.close())
  const { id } = await submitJoinRequest({ data })
  await waitFor('the automated assessment', async () => (await admin.joinRequest(id)).assessment !== undefined)
  const record = await admin.joinRequest(id)
  t.is(record.peerId, vpcp.host.peerId)
  t.true(record.assessment?.ok)
  t.deepEqual(record.request.orgs, [VPCP])
  const marked = await admin.assessment(id, { checklist: { security: { ok: false, note: 'no audit report' } } })
  t.is(marked.checklist.security?.ok, false)
  t.deepEqual((await admin.joinRequests({ status: 'pending' })).requests.map((r) => r.id), [id])
  const rejected = await admin.reject(id, 'security checklist not met')
  t.is(rejected.status, 'rejected')
  t.is((await publicApi.joinRequestStatus(id)).reason, 'security checklist not met')
  const again = await t.throwsAsync(admin.approve(id, 'changed my mind'), { instanceOf: ClientError })
  t.true(isClientError(again, 'membership-not-pending'))
  t.is(again.status, 409)

  // Node admin on the official node: suspend, resume, revoke, reinstate; promote of an official node is refused.
  t.is((await admin.suspend(hcmPeer, 'bảo trì')).node.state, 'suspended')
  t.is((await admin.resume(hcmPeer)).node.state, 'official')
  t.is((await admin.revoke(hcmPeer, 'INC-1')).node.state, 'revoked')
  const noRemedy = await t.throwsAsync(admin.reinstate(hcmPeer, { to: 'official', remediation: { summary: '' } }), { instanceOf: ClientError })
  t.is(noRemedy.status, 400)
  t.is((await admin.reinstate(hcmPeer, { to: 'official', remediation: { summary: 'key rotated', ref: 'RM-1' } })).node.state, 'official')
  t.is((await t.throwsAsync(admin.promote(hcmPeer, { force: true, reason: 'again' }), { instanceOf: ClientError })).status, 409)
  // The codes it hosts: one added, then a code another node hosts refused.
  t.deepEqual((await admin.updateNodeOrgs(hcmPeer, [HCM, '000.00.00.H26'], 'decision: the city node also serves H26')).node.orgs, [HCM, '000.00.00.H26'])
  t.is((await t.throwsAsync(admin.updateNodeOrgs(hcmPeer, [HCM, '000.00.00.T01'], 'mistake: the test service hosts it'), { instanceOf: ClientError })).code, 'registry-org-hosted')
  t.deepEqual((await admin.updateNodeContacts(hcmPeer, { email: ['ops@hcm.example'], phone: [] }, 'new IT contact')).node.contacts?.email, ['ops@hcm.example'])

  // Admitted by the harness straight to official: it never ran the conformance exchange.
  const conformance = await admin.conformance(hcmPeer)
  t.is(conformance.state, 'official')
  t.false(conformance.passed)
  t.is((await t.throwsAsync(admin.conformance(vpcp.host.peerId), { instanceOf: ClientError })).code, 'registry-unknown-node')
  t.true((await admin.connections()).connections.some((c) => c.peerId === hcmPeer))
  t.true(Array.isArray((await admin.alerts({ limit: 10 })).alerts))
  t.true(Array.isArray((await admin.pauseRequests()).requests))
  const actions = (await admin.audit({ limit: 1000 })).entries.map((e) => e.action)
  for (const action of ['join.reject', 'node.update-orgs', 'node.suspend', 'node.resume', 'node.revoke', 'node.reinstate']) t.true(actions.includes(action), action)
})
