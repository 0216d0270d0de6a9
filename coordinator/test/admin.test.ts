import test, { type ExecutionContext } from 'ava'
import { join } from 'node:path'
import { generateNodeKey, peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { silentLogger } from '@lienthong/errors'
import { TokenStore } from '@lienthong/http'
import { startCoordinator, type Coordinator } from '../src/app.js'
import { initCoordinator } from '../src/init.js'
import { coordinatorPaths } from '../src/paths.js'
import { ADMIN_ROLES } from '../src/roles.js'
import { admitNode } from './fixture.js'
import { tempDir } from './helpers.js'

interface Setup { c: Coordinator, tokens: Record<string, string>, call: (method: string, path: string, token?: string, body?: unknown) => Promise<{ status: number, body: Record<string, unknown> }> }

async function setup (t: ExecutionContext): Promise<Setup> {
  const dir = join(await tempDir(t), 'coord')
  const { adminToken } = await initCoordinator({ data: dir, name: 'admin-test' })
  const store = TokenStore.open(coordinatorPaths(dir).tokens, ADMIN_ROLES)
  const tokens: Record<string, string> = { admin: adminToken }
  for (const role of ['viewer', 'operator', 'security']) tokens[role] = store.create(`${role}-1`, role).token
  const c = await startCoordinator({ data: dir, listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0', logger: silentLogger })
  t.teardown(() => c.close())
  const call: Setup['call'] = async (method, path, token, body) => {
    const res = await fetch(c.httpUrl + path, {
      method,
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
    })
    return { status: res.status, body: await res.json() as Record<string, unknown> }
  }
  return { c, tokens, call }
}


const ENDPOINTS: Array<[string, string, string]> = [
  ['POST', '/v1/orgs', 'operator'],
  ['PATCH', '/v1/orgs/000.00.00.H29', 'operator'],
  ['POST', '/v1/orgs/000.00.00.H29/merge', 'operator'],
  ['PATCH', '/v1/nodes/PEER', 'operator'],
  ['POST', '/v1/nodes/PEER/promote', 'operator'],
  ['POST', '/v1/nodes/PEER/suspend', 'operator'],
  ['POST', '/v1/nodes/PEER/resume', 'operator'],
  ['POST', '/v1/nodes/PEER/revoke', 'security'],
  ['POST', '/v1/nodes/PEER/reinstate', 'security'],
  ['POST', '/v1/services', 'operator'],
  ['DELETE', '/v1/services/some-service', 'operator']
]

test('every admin endpoint refuses a missing token (401) and a token below its role (403)', async (t) => {
  const { tokens, call } = await setup(t)
  for (const [method, path, role] of ENDPOINTS) {
    const missing = await call(method, path)
    t.is(missing.status, 401, `${method} ${path} without token`)
    t.is(missing.body.code, 'unauthorized')
    t.is((await call(method, path, 'lt_not-a-real-token-at-all')).status, 401, `${method} ${path} bad token`)
    const below = ADMIN_ROLES[ADMIN_ROLES.indexOf(role as typeof ADMIN_ROLES[number]) - 1]
    if (below !== undefined) {
      const weak = await call(method, path, tokens[below], {})
      t.is(weak.status, 403, `${method} ${path} with ${below}`)
      t.is(weak.body.code, 'forbidden')
    }
  }
})

test('organisations: create, rename, merge and refusals, each signed with the token name and reason', async (t) => {
  const { c, tokens, call } = await setup(t)
  const created = await call('POST', '/v1/orgs', tokens.operator, { code: '000.00.01.H29', name: 'Sở Nội vụ', parent: '000.00.00.H29', level: 2, kind: 'agency', reason: 'decision 12/QĐ-UBND' })
  t.is(created.status, 201)
  const entry = c.replica.entry(created.body.seq as number)
  t.is(entry?.entry.actor, 'operator-1')
  t.is(entry?.entry.reason, 'decision 12/QĐ-UBND')

  t.is((await call('POST', '/v1/orgs', tokens.operator, { code: '000.00.01.H29', name: 'again' })).body.code, 'registry-org-exists')
  const badCode = await call('POST', '/v1/orgs', tokens.operator, { code: 'not a code!', name: 'x' })
  t.is(badCode.status, 400)
  t.is(badCode.body.code, 'registry-bad-org-code')
  const badField = await call('POST', '/v1/orgs', tokens.operator, { code: '000.00.02.H29', name: 7 })
  t.is(badField.status, 400)
  t.deepEqual((badField.body.meta as { field: string }).field, 'name')
  t.is((await call('POST', '/v1/orgs', tokens.operator, '{"code":')).body.code, 'bad-json')

  const renamed = await call('PATCH', '/v1/orgs/000.00.01.H29', tokens.operator, { name: 'Sở Nội vụ TP.HCM' })
  t.is(renamed.status, 200)
  t.is((renamed.body.org as { name: string }).name, 'Sở Nội vụ TP.HCM')
  t.is((await call('PATCH', '/v1/orgs/000.00.01.H29', tokens.operator, {})).status, 400)

  t.is((await call('POST', '/v1/orgs', tokens.operator, { code: '000.00.02.H29', name: 'Sở Tư pháp', parent: '000.00.00.H29', level: 2, kind: 'agency' })).status, 201)
  const merged = await call('POST', '/v1/orgs/000.00.01.H29/merge', tokens.operator, { from: ['000.00.02.H29'], reason: 'merger decision' })
  t.is(merged.status, 200)
  t.is(c.replica.state.orgs.get('000.00.02.H29')?.successor, '000.00.01.H29')
  const reuse = await call('POST', '/v1/orgs', tokens.operator, { code: '000.00.02.H29', name: 'reissued?' })
  t.is(reuse.status, 409)
  t.is(reuse.body.code, 'registry-code-closed')
  const unknown = await call('PATCH', '/v1/orgs/999.99.99.H99', tokens.operator, { name: 'x' })
  t.is(unknown.status, 404)
})

test('the codes a node hosts change through PATCH /v1/nodes/:peerId, signed with the reason and audited; another node\'s code is refused', async (t) => {
  const { c, tokens, call } = await setup(t)
  const { peerId } = await admitNode(c)
  const changed = await call('PATCH', `/v1/nodes/${peerId}`, tokens.operator, { orgs: ['000.00.00.H29', '000.00.00.G22'], reason: 'decision 12/QĐ: the node also serves G22' })
  t.is(changed.status, 200, JSON.stringify(changed.body))
  t.deepEqual([...(c.replica.state.nodes.get(peerId)?.orgs ?? [])], ['000.00.00.H29', '000.00.00.G22'])
  const audit = await call('GET', '/v1/audit?order=desc&limit=1', tokens.viewer)
  const last = (audit.body as { entries: Array<{ action: string, target: string, actor: string, reason: string }> }).entries[0]
  t.like(last, { action: 'node.update-orgs', target: peerId, reason: 'decision 12/QĐ: the node also serves G22' })
  const { peerId: other } = await admitNode(c, '000.00.00.H26')
  const taken = await call('PATCH', `/v1/nodes/${other}`, tokens.operator, { orgs: ['000.00.00.G22'], reason: 'a mistake' })
  t.is(taken.status, 409, JSON.stringify(taken.body))
  t.is(taken.body.code, 'registry-org-hosted')
  // Its contacts (who gets the offline alerts): replaced, audited without the personal data.
  const contacts = { email: ['ttcntt@hcm.example'], phone: ['+84 28 3829 6052'] }
  const updated = await call('PATCH', `/v1/nodes/${peerId}`, tokens.operator, { contacts, reason: 'new IT contact' })
  t.is(updated.status, 200, JSON.stringify(updated.body))
  const stored = c.replica.state.nodes.get(peerId)?.contacts
  t.deepEqual({ email: [...(stored?.email ?? [])], phone: [...(stored?.phone ?? [])] }, contacts)
  t.deepEqual([...(c.replica.state.nodes.get(peerId)?.orgs ?? [])], ['000.00.00.H29', '000.00.00.G22'])
  const contactAudit = (await call('GET', '/v1/audit?order=desc&limit=1', tokens.viewer)).body as { entries: Array<{ action: string, detail: unknown }> }
  t.is(contactAudit.entries[0]?.action, 'node.update-contacts')
  t.false(JSON.stringify(contactAudit.entries[0]?.detail).includes('ttcntt'))
  t.deepEqual([...(c.replica.state.nodes.get(other)?.orgs ?? [])], ['000.00.00.H26'])
})

test('node states through the admin API: promote needs conformance or force, suspend needs a reason, revoke needs security, reinstate needs remediation', async (t) => {
  const { c, tokens, call } = await setup(t)
  const { peerId } = await admitNode(c)
  const noForce = await call('POST', `/v1/nodes/${peerId}/promote`, tokens.operator)
  t.is(noForce.status, 409)
  t.is(noForce.body.code, 'conformance-required')
  t.is((await call('POST', `/v1/nodes/${peerId}/promote`, tokens.operator, { force: true })).status, 409)
  const forced = await call('POST', `/v1/nodes/${peerId}/promote`, tokens.operator, { force: true, reason: 'conformance run by hand on 2026-11-27' })
  t.is(forced.status, 200)
  t.is(c.replica.state.nodes.get(peerId)?.state, 'official')
  t.false(JSON.stringify(forced.body).length === 0)

  t.is((await call('POST', `/v1/nodes/${peerId}/suspend`, tokens.operator, {})).status, 400)
  t.is((await call('POST', `/v1/nodes/${peerId}/suspend`, tokens.operator, { reason: 'maintenance of the document system' })).status, 200)
  t.is(c.replica.state.nodes.get(peerId)?.state, 'suspended')
  t.is((await call('POST', `/v1/nodes/${peerId}/resume`, tokens.operator)).status, 200)
  t.is(c.replica.state.nodes.get(peerId)?.state, 'official')

  t.is((await call('POST', `/v1/nodes/${peerId}/revoke`, tokens.operator, { incident: 'INC-1' })).status, 403)
  t.is((await call('POST', `/v1/nodes/${peerId}/revoke`, tokens.security, { incident: 'INC-2026-001' })).status, 200)
  t.is(c.replica.state.nodes.get(peerId)?.state, 'revoked')
  const promoteRevoked = await call('POST', `/v1/nodes/${peerId}/promote`, tokens.operator, { force: true, reason: 'try' })
  t.is(promoteRevoked.status, 409)
  t.is(promoteRevoked.body.code, 'registry-bad-transition')
  t.is((await call('POST', `/v1/nodes/${peerId}/reinstate`, tokens.security, { to: 'official' })).status, 400)
  const back = await call('POST', `/v1/nodes/${peerId}/reinstate`, tokens.security, { to: 'trial', remediation: { summary: 'host rebuilt, keys rotated', ref: 'RM-7' } })
  t.is(back.status, 200)
  t.is(c.replica.state.nodes.get(peerId)?.state, 'trial')
  const history = c.replica.state.nodes.get(peerId)?.history.map((h) => h.event)
  t.deepEqual(history, ['admitted', 'promoted', 'suspended', 'resumed', 'revoked', 'reinstated'])
  t.is((await call('POST', '/v1/nodes/12D3KooWnotanode/suspend', tokens.operator, { reason: 'x' })).body.code, 'bad-request')
  const stranger = peerIdFromPublicKeyBytes(generateNodeKey().publicKey)
  t.is((await call('POST', `/v1/nodes/${stranger}/suspend`, tokens.operator, { reason: 'x' })).body.code, 'registry-unknown-node')
})
