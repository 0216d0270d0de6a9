import test from 'ava'
import { join } from 'node:path'
import { coordinatorPaths, ADMIN_ROLES } from '@lienthong/coordinator'
import { silentLogger } from '@lienthong/errors'
import { TokenStore } from '@lienthong/http'
import { initNode, startNode, submitJoinRequest, submitPauseRequest, type RelayNode } from '@lienthong/node'
import { apiClient, startNetwork, waitFor } from '@lienthong/test'

const HCM = '000.00.00.H29'
const VPCP = '000.00.00.G22'

interface JoinRecord { id: string, status: string, assessment?: { ok: boolean, checks: Array<{ name: string, ok: boolean }> } }

test('membership lifecycle: join → assessment → approve → promote → exchange → pause → resume → revoke → reinstate', async (t) => {
  const net = await startNetwork(t, [{ name: 'hcm', orgs: [HCM] }])
  const hcm = net.nodes.hcm!
  const coordDir = join(net.dir, 'coordinator')
  const tokens = TokenStore.open(coordinatorPaths(coordDir).tokens, ADMIN_ROLES)
  const operator = apiClient(net.coordinator.httpUrl, tokens.create('op-lan', 'operator').token)
  const security = apiClient(net.coordinator.httpUrl, tokens.create('sec-minh', 'security').token)

  // A new unit: init, start, join.
  const data = join(net.dir, 'vpcp')
  await initNode({ data, network: coordinatorPaths(coordDir).network, orgs: [VPCP], email: ['it@vpcp.example'], phone: ['+84911111111'], listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0' })
  const vpcp: RelayNode = await startNode({ data, logger: silentLogger, linkIntervalMs: 300 })
  t.teardown(() => vpcp.close())
  const submitted = await submitJoinRequest({ data, selfAssessment: { security: 'ISO 27001 audit 2026' } })
  t.is(submitted.status, 'pending')
  const publicStatus = await (await fetch(`${net.coordinator.httpUrl}${submitted.statusUrl}`)).json() as Record<string, unknown>
  t.is(publicStatus.status, 'pending')
  t.false(JSON.stringify(publicStatus).includes('it@vpcp.example'), 'the public status hides contacts')
  t.is((await apiClient(net.coordinator.httpUrl).get(`/v1/join-requests/${submitted.id}`)).status, 401)

  // The automated assessment runs at once.
  await waitFor('the automated assessment', async () => (await operator.get<JoinRecord>(`/v1/join-requests/${submitted.id}`)).body.assessment !== undefined)
  const assessed = (await operator.get<JoinRecord>(`/v1/join-requests/${submitted.id}`)).body
  t.true(assessed.assessment?.ok, JSON.stringify(assessed.assessment))
  t.deepEqual(assessed.assessment?.checks.map((c) => c.name), ['reachable', 'peer-id', 'protocols', 'clock-skew'])
  const checklist = await operator.post<JoinRecord>(`/v1/join-requests/${submitted.id}/assessment`, { checklist: { infrastructure: { ok: true }, network: { ok: true }, application: { ok: true }, security: { ok: true, note: 'audit report seen' } } })
  t.is(checklist.status, 200)

  // Approve → trial, synced by the node by itself.
  const approved = await operator.post<JoinRecord>(`/v1/join-requests/${submitted.id}/approve`, { reason: 'all checks passed' })
  t.is(approved.status, 200, JSON.stringify(approved.body))
  await waitFor('the node sees itself admitted', () => vpcp.replica.state.nodes.get(vpcp.host.peerId)?.state === 'trial')
  t.is((await operator.post(`/v1/join-requests/${submitted.id}/approve`)).body.code, 'membership-not-pending')

  // The trial node runs the conformance exchange with the test service by itself; then promote.
  await waitFor('the conformance pass', async () => (await operator.get<{ passed: boolean }>(`/v1/nodes/${vpcp.host.peerId}/conformance`)).body.passed, 30_000)
  const promoted = await operator.post(`/v1/nodes/${vpcp.host.peerId}/promote`, { reason: 'conformance exchange passed' })
  t.is(promoted.status, 200, JSON.stringify(promoted.body))
  await waitFor('both nodes see the promotion', () => vpcp.replica.state.nodes.get(vpcp.host.peerId)?.state === 'official' && hcm.node.replica.state.nodes.get(vpcp.host.peerId)?.state === 'official')

  // Exchange.
  const doc = { from: HCM, to: [VPCP], contentType: 'text/plain', payload: Buffer.from('Tờ trình').toString('base64') }
  const vpcpApi = apiClient(vpcp.httpUrl, (await import('node:fs')).readFileSync(join(data, 'api-token'), 'utf8').trim())
  t.is((await hcm.api.post('/v1/outbox', doc)).status, 202)
  await waitFor('the first document', async () => (await vpcpApi.get<{ entries: unknown[] }>('/v1/inbox')).body.entries.length === 1)

  // Pause on the unit's own signed request, approved by an operator.
  const pause = await submitPauseRequest({ data, reason: 'bảo trì hệ thống quản lý văn bản' })
  const pauseApproved = await operator.post(`/v1/pause-requests/${pause.id}/approve`)
  t.is(pauseApproved.status, 200, JSON.stringify(pauseApproved.body))
  await waitFor('hcm sees vpcp suspended', () => hcm.node.replica.state.nodes.get(vpcp.host.peerId)?.state === 'suspended')
  const refused = await hcm.api.post('/v1/outbox', doc)
  t.is(refused.status, 422)
  t.is(refused.body.code, 'recipient-suspended')
  t.is(vpcp.replica.state.nodes.get(vpcp.host.peerId)?.history.at(-1)?.pauseReason, 'bảo trì hệ thống quản lý văn bản')

  // Resume.
  t.is((await operator.post(`/v1/nodes/${vpcp.host.peerId}/resume`, { reason: 'maintenance finished' })).status, 200)
  await waitFor('hcm sees vpcp official again', () => hcm.node.replica.state.nodes.get(vpcp.host.peerId)?.state === 'official')
  t.is((await hcm.api.post('/v1/outbox', doc)).status, 202)
  await waitFor('the second document', async () => (await vpcpApi.get<{ entries: unknown[] }>('/v1/inbox')).body.entries.length === 2)

  // Revoke (security role): the peer is cut off within seconds.
  await waitFor('hcm connected to vpcp', () => hcm.node.host.connectedPeers().includes(vpcp.host.peerId))
  t.is((await operator.post(`/v1/nodes/${vpcp.host.peerId}/revoke`, { incident: 'INC-7' })).status, 403)
  const revokedAt = Date.now()
  t.is((await security.post(`/v1/nodes/${vpcp.host.peerId}/revoke`, { incident: 'INC-2026-11-27-01' })).status, 200)
  await waitFor('hcm cuts vpcp off', () => !hcm.node.host.connectedPeers().includes(vpcp.host.peerId) && !hcm.node.host.isAllowed(vpcp.host.peerId), 10_000)
  t.log(`revocation: peer cut off ${Date.now() - revokedAt} ms after the revoke call`)
  t.is((await hcm.api.post('/v1/outbox', doc)).body.code, 'recipient-revoked')

  // Reinstate only with a remediation record.
  t.is((await security.post(`/v1/nodes/${vpcp.host.peerId}/reinstate`, { to: 'official' })).status, 400)
  t.is((await security.post(`/v1/nodes/${vpcp.host.peerId}/reinstate`, { to: 'official', remediation: { summary: 'server reinstalled, key rotated', ref: 'RM-12' } })).status, 200)
  await waitFor('hcm sees vpcp reinstated', () => hcm.node.replica.state.nodes.get(vpcp.host.peerId)?.state === 'official')

  // Every decision is in the audit log with who and why.
  const audit = await operator.get<{ entries: Array<{ actor: string, action: string }> }>('/v1/audit')
  const actions = audit.body.entries.map((e) => `${e.actor}:${e.action}`)
  for (const expected of ['op-lan:join.approve', 'op-lan:node.promote', 'op-lan:pause.approve', 'op-lan:node.resume', 'sec-minh:node.revoke', 'sec-minh:node.reinstate']) {
    t.true(actions.includes(expected), `${expected} in ${actions.join(', ')}`)
  }
  const history = net.coordinator.replica.state.nodes.get(vpcp.host.peerId)?.history.map((h) => `${h.event}:${h.actor}`)
  t.deepEqual(history, ['admitted:op-lan', 'promoted:op-lan', 'suspended:op-lan', 'resumed:op-lan', 'revoked:sec-minh', 'reinstated:sec-minh'])
})
