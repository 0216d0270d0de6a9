import test from 'ava'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { coordinatorPaths, initCoordinator, startCoordinator, type Coordinator } from '@lienthong/coordinator'
import { generateNodeKey, peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { silentLogger } from '@lienthong/errors'
import { initNode, startNode, type RelayNode } from '@lienthong/node'
import { TEST_SERVICE_ORG } from '@lienthong/registry'
import { apiClient, startNetwork, waitFor, type ApiClient } from '@lienthong/test'

const HCM = '000.00.00.H29'
const VPCP = '000.00.00.G22'
const HUNG_YEN = '000.00.00.H31'

interface Conformance { peerId: string, state: string | null, passed: boolean, at: number | null, documentId: string | null, org: string | null, statuses: string[] }
interface OutboxRecord { statuses: Array<{ code: string, from: string }>, deliveries: Array<{ state: string }> }

const doc = (from: string, to: string): { from: string, to: string[], contentType: string, payload: string } =>
  ({ from, to: [to], contentType: 'text/plain', payload: Buffer.from('Công văn thử').toString('base64') })

async function conformanceOf (admin: ApiClient, peerId: string): Promise<Conformance> {
  return (await admin.get<Conformance>(`/v1/nodes/${peerId}/conformance`)).body
}

/** Wait until a sent document carries statuses 01 and 06. */
async function waitForStatuses (api: ApiClient, id: string): Promise<OutboxRecord> {
  let record: OutboxRecord | undefined
  await waitFor(`statuses 01 and 06 on ${id}`, async () => {
    record = (await api.get<OutboxRecord>(`/v1/outbox/${id}`)).body
    const codes = record.statuses.map((s) => s.code)
    return codes.includes('01') && codes.includes('06')
  })
  return record as OutboxRecord
}

test('a trial node passes the conformance exchange by itself; promote then needs no force', async (t) => {
  const net = await startNetwork(t, [{ name: 'vpcp', orgs: [VPCP], state: 'trial' }])
  const vpcp = net.nodes.vpcp!
  const peerId = vpcp.node.host.peerId
  t.is(net.coordinator.replica.state.nodes.get(net.coordinator.host.peerId)?.orgs.join(), TEST_SERVICE_ORG, 'the coordinator\'s own node hosts the test service')

  await waitFor('the coordinator records the pass', async () => (await conformanceOf(net.admin, peerId)).passed, 30_000)
  const pass = await conformanceOf(net.admin, peerId)
  t.like(pass, { peerId, state: 'trial', passed: true, org: VPCP, statuses: ['01', '06'] })
  t.is(typeof pass.at, 'number')

  // The node's side: the statuses on its test document, its health, its file.
  const record = await waitForStatuses(vpcp.api, pass.documentId!)
  t.deepEqual(record.statuses.map((s) => `${s.code} from ${s.from}`).sort(), [`01 from ${TEST_SERVICE_ORG}`, `06 from ${TEST_SERVICE_ORG}`])
  await waitFor('the node\'s health shows the pass', async () => (await vpcp.api.get<{ conformance: { passed: boolean } }>('/v1/health')).body.conformance.passed)
  const saved = JSON.parse(await readFile(join(vpcp.data, 'conformance.json'), 'utf8')) as { passed: boolean, documentId: string, peerId: string }
  t.like(saved, { passed: true, documentId: pass.documentId!, peerId })

  // Promote without force: the pass is enough; the audit log shows both.
  const promoted = await net.admin.post(`/v1/nodes/${peerId}/promote`)
  t.is(promoted.status, 200, JSON.stringify(promoted.body))
  await waitFor('the node sees itself official', () => vpcp.node.replica.state.nodes.get(peerId)?.state === 'official')
  const audit = await net.admin.get<{ entries: Array<{ actor: string, action: string, target: string }> }>('/v1/audit')
  t.true(audit.body.entries.some((e) => e.actor === 'system' && e.action === 'conformance.pass' && e.target === peerId))
  t.true(audit.body.entries.some((e) => e.action === 'node.promote' && e.target === peerId))
})

test('trial nodes exchange with trial nodes and the test service, never with official nodes', async (t) => {
  const net = await startNetwork(t, [
    { name: 'vpcp', orgs: [VPCP], state: 'trial' }, { name: 'hungyen', orgs: [HUNG_YEN], state: 'trial' }, { name: 'hcm', orgs: [HCM] }
  ])
  const { vpcp, hungyen, hcm } = net.nodes as Record<'vpcp' | 'hungyen' | 'hcm', typeof net.nodes[string]>
  for (const [api, from, to] of [[vpcp.api, VPCP, HCM], [hcm.api, HCM, VPCP]] as const) {
    const refused = await api.post('/v1/outbox', doc(from, to))
    t.is(refused.status, 422, `${from} → ${to}`)
    t.is(refused.body.code, 'recipient-not-allowed', `${from} → ${to}`)
  }
  const toTrial = await vpcp.api.post<{ id: string }>('/v1/outbox', doc(VPCP, HUNG_YEN))
  t.is(toTrial.status, 202)
  await waitFor('trial to trial', async () => (await hungyen.api.get<{ entries: unknown[] }>('/v1/inbox')).body.entries.length === 1)

  // The test service answers trial and official senders alike.
  for (const [api, from] of [[vpcp.api, VPCP], [hcm.api, HCM]] as const) {
    const sent = await api.post<{ id: string }>('/v1/outbox', doc(from, TEST_SERVICE_ORG))
    t.is(sent.status, 202, from)
    const record = await waitForStatuses(api, sent.body.id)
    t.true(record.deliveries.every((d) => d.state === 'delivered'), from)
  }
})

test('promote needs a pass or {force, reason}; the conformance route knows only admitted nodes', async (t) => {
  const net = await startNetwork(t, [])
  const key = generateNodeKey()
  const peerId = peerIdFromPublicKeyBytes(key.publicKey)
  // Admitted to trial but never started: it cannot pass.
  await net.coordinator.replica.append(net.coordinator.key, [{
    type: 'node.admit', peerId, publicKey: key.publicKey, sealingPublicKey: key.sealingPublicKey,
    addresses: ['/ip4/127.0.0.1/tcp/9'], orgs: [HUNG_YEN], contacts: { email: ['it@hungyen.example'], phone: [] }
  }], { actor: 'test-harness', reason: 'admitted by the test harness' })
  t.like(await conformanceOf(net.admin, peerId), { state: 'trial', passed: false, at: null, documentId: null, statuses: [] })
  const refused = await net.admin.post(`/v1/nodes/${peerId}/promote`)
  t.is(refused.status, 409)
  t.is(refused.body.code, 'conformance-required')
  t.is((await net.admin.post(`/v1/nodes/${peerId}/promote`, { force: true, reason: 'conformance run by hand' })).status, 200)

  const unknown = await net.admin.get(`/v1/nodes/${peerIdFromPublicKeyBytes(generateNodeKey().publicKey)}/conformance`)
  t.is(unknown.status, 404)
  t.is(unknown.body.code, 'registry-unknown-node')
  t.is((await apiClient(net.coordinator.httpUrl).get(`/v1/nodes/${peerId}/conformance`)).status, 401)
})

test('a conformance pass survives a coordinator restart', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-conf-'))
  const running: { coordinator?: Coordinator, node?: RelayNode } = {}
  t.teardown(async () => {
    await running.node?.close()
    await running.coordinator?.close()
    await rm(dir, { recursive: true, force: true })
  })
  const coordDir = join(dir, 'coordinator')
  const { adminToken } = await initCoordinator({ data: coordDir, name: 'itest', listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0' })
  let coordinator = running.coordinator = await startCoordinator({ data: coordDir, logger: silentLogger })
  const data = join(dir, 'vpcp')
  await initNode({ data, network: coordinatorPaths(coordDir).network, orgs: [VPCP], email: ['it@vpcp.example'], phone: [], listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0' })
  const node = running.node = await startNode({ data, logger: silentLogger, linkIntervalMs: 300 })
  await coordinator.replica.append(coordinator.key, [{
    type: 'node.admit', peerId: node.host.peerId, publicKey: node.key.publicKey, sealingPublicKey: node.key.sealingPublicKey,
    addresses: node.host.multiaddrs, orgs: [VPCP], contacts: { email: ['it@vpcp.example'], phone: [] }
  }], { actor: 'test-harness', reason: 'admitted by the test harness' })
  const admin = (): ApiClient => apiClient(coordinator.httpUrl, adminToken)
  await waitFor('the pass', async () => (await conformanceOf(admin(), node.host.peerId)).passed, 30_000)
  const before = await conformanceOf(admin(), node.host.peerId)

  await coordinator.close()
  running.coordinator = undefined
  coordinator = running.coordinator = await startCoordinator({ data: coordDir, logger: silentLogger })
  t.deepEqual(await conformanceOf(admin(), node.host.peerId), before)
  t.is((await admin().post(`/v1/nodes/${node.host.peerId}/promote`)).status, 200)
})
