import test from 'ava'
import { generateNodeKey, peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { admitNode, joinWire, pauseWire, startFixture, until, type Fixture, type Send } from './fixture.js'

/**
 * Architecture §7 for the coordinator's HTTP API: every admin route (and the public POSTs) × the
 * bad inputs that apply. Each row is refused with problem+json and its stable code, and nothing
 * changes: the registry seq, the audit log and the join/pause request lists stay as they were.
 */

interface Row {
  name: string
  method: string
  path: string
  send?: Send
  status: number
  code: string
  /** meta.field of the problem, when the row is about one field. */
  field?: string
}

interface World {
  f: Fixture
  /** A trial node (admitted, hosts H29). */
  peer: string
  /** A valid PeerId the registry does not list. */
  stranger: string
  pendingJoin: string
  decidedJoin: string
  pendingPause: string
  decidedPause: string
  /** A join request body already submitted (a replay). */
  replayedJoin: { request: string, signature: string }
  /** A join request body from an admitted node. */
  admittedJoin: { request: string, signature: string }
  /** A pause request body from a node the registry does not list. */
  strangerPause: { request: string, signature: string }
}

async function world (t: Parameters<typeof startFixture>[0]): Promise<World> {
  const f = await startFixture(t)
  const network = f.c.network.name
  const op = f.tokens.operator
  const node = await admitNode(f.c)
  const strangerKey = generateNodeKey()

  const applicant = generateNodeKey()
  const replayedJoin = joinWire(applicant, network, '000.00.00.H31')
  const pending = await f.call('POST', '/v1/join-requests', { json: replayedJoin })
  t.is(pending.status, 202, JSON.stringify(pending.body))
  const pendingJoin = String(pending.body?.id)
  const decided = await f.call('POST', '/v1/join-requests', { json: joinWire(generateNodeKey(), network, '000.00.00.H30') })
  const decidedJoin = String(decided.body?.id)
  // The automated assessments run in the background (and write to the store): wait for both.
  for (const id of [pendingJoin, decidedJoin]) {
    await until(async () => (await f.call('GET', `/v1/join-requests/${id}`, { token: f.tokens.viewer })).body?.assessment !== undefined, `assessment of ${id}`)
  }
  t.is((await f.call('POST', `/v1/join-requests/${decidedJoin}/reject`, { token: op, json: { reason: 'incomplete self-assessment' } })).status, 200)

  t.is((await f.call('POST', '/v1/services', { token: op, json: { id: 'h29.vanban', org: '000.00.00.H29', name: 'Văn bản', protocol: '/lienthong/deliver/1.0.0' } })).status, 201)
  const first = await f.call('POST', '/v1/pause-requests', { json: pauseWire(node.key, network, 'first') })
  const decidedPause = String(first.body?.id)
  t.is((await f.call('POST', `/v1/pause-requests/${decidedPause}/reject`, { token: op, json: { reason: 'not now' } })).status, 200)
  const second = await f.call('POST', '/v1/pause-requests', { json: pauseWire(node.key, network, 'second') })
  t.is(second.status, 202)
  return {
    f,
    peer: node.peerId,
    stranger: peerIdFromPublicKeyBytes(strangerKey.publicKey),
    pendingJoin,
    decidedJoin,
    pendingPause: String(second.body?.id),
    decidedPause,
    replayedJoin,
    admittedJoin: joinWire(node.key, network, '000.00.00.H29'),
    strangerPause: pauseWire(strangerKey, network)
  }
}

const UNKNOWN_ID = '01ARZ3NDEKTSV4RRFFQ69G5FAV'
const NOT_A_PEER = 'not-a-peer-id'
const BAD_CODE = 'not%20a%20code'

/** Malformed JSON, a non-object, a body above `limit`, and a valid body with the wrong content type. */
function bodyRows (name: string, method: string, path: string, token: string | undefined, valid: unknown, limit: number, notObject: { code: string, field?: string } = { code: 'bad-request', field: '(body)' }): Row[] {
  return [
    { name: `${name}: malformed JSON`, method, path, send: { token, raw: '{"reason": ' }, status: 400, code: 'bad-json' },
    { name: `${name}: JSON that is not an object`, method, path, send: { token, raw: '[1, 2]' }, status: 400, ...notObject },
    { name: `${name}: body above ${limit} bytes`, method, path, send: { token, raw: JSON.stringify({ reason: 'x'.repeat(limit) }) }, status: 413, code: 'payload-too-large' },
    { name: `${name}: text/plain body`, method, path, send: { token, raw: JSON.stringify(valid), contentType: 'text/plain' }, status: 415, code: 'unsupported-media-type' }
  ]
}

function rows (w: World): Row[] {
  const { viewer, operator: op, security: sec } = w.f.tokens
  const KiB = 1024
  const reason = { reason: 'because' }
  const signedNotObject = { code: 'membership-bad-request', field: 'body' }
  return [
    // Public submissions, signed by the node key.
    ...bodyRows('POST /v1/join-requests', 'POST', '/v1/join-requests', undefined, w.replayedJoin, 128 * KiB, signedNotObject),
    { name: 'join request without signature', method: 'POST', path: '/v1/join-requests', send: { json: { request: w.replayedJoin.request } }, status: 400, code: 'membership-bad-request', field: 'signature' },
    { name: 'join request with a number for request', method: 'POST', path: '/v1/join-requests', send: { json: { request: 7, signature: w.replayedJoin.signature } }, status: 400, code: 'membership-bad-request', field: 'request' },
    { name: 'join request with a signature over other bytes', method: 'POST', path: '/v1/join-requests', send: { json: { request: w.admittedJoin.request, signature: w.replayedJoin.signature } }, status: 401, code: 'membership-bad-signature' },
    { name: 'join request replayed', method: 'POST', path: '/v1/join-requests', send: { json: w.replayedJoin }, status: 409, code: 'membership-duplicate' },
    { name: 'join request from an admitted node', method: 'POST', path: '/v1/join-requests', send: { json: w.admittedJoin }, status: 409, code: 'membership-already-admitted' },
    ...bodyRows('POST /v1/pause-requests', 'POST', '/v1/pause-requests', undefined, w.strangerPause, 64 * KiB, signedNotObject),
    { name: 'pause request without signature', method: 'POST', path: '/v1/pause-requests', send: { json: { request: w.strangerPause.request } }, status: 400, code: 'membership-bad-request', field: 'signature' },
    { name: 'pause request from a node not in the registry', method: 'POST', path: '/v1/pause-requests', send: { json: w.strangerPause }, status: 409, code: 'membership-not-active' },

    // Join requests (operator).
    { name: 'list join requests: limit=-1', method: 'GET', path: '/v1/join-requests?limit=-1', send: { token: viewer }, status: 400, code: 'bad-query', field: 'limit' },
    { name: 'list join requests: limit=abc', method: 'GET', path: '/v1/join-requests?limit=abc', send: { token: viewer }, status: 400, code: 'bad-query', field: 'limit' },
    { name: 'list join requests: status=maybe', method: 'GET', path: '/v1/join-requests?status=maybe', send: { token: viewer }, status: 400, code: 'bad-query', field: 'status' },
    { name: 'list join requests: after=not-an-id', method: 'GET', path: '/v1/join-requests?after=x', send: { token: viewer }, status: 400, code: 'bad-query', field: 'after' },
    { name: 'get join request: malformed id', method: 'GET', path: '/v1/join-requests/nope', send: { token: viewer }, status: 400, code: 'bad-request', field: 'id' },
    { name: 'get join request: unknown id', method: 'GET', path: `/v1/join-requests/${UNKNOWN_ID}`, send: { token: viewer }, status: 404, code: 'membership-not-found' },
    { name: 'join status: malformed id', method: 'GET', path: '/v1/join-requests/nope/status', status: 400, code: 'bad-request', field: 'id' },
    { name: 'join status: unknown id', method: 'GET', path: `/v1/join-requests/${UNKNOWN_ID}/status`, status: 404, code: 'membership-not-found' },
    ...bodyRows('assessment', 'POST', `/v1/join-requests/${w.pendingJoin}/assessment`, op, { rerun: true }, 64 * KiB),
    { name: 'assessment: rerun is a string', method: 'POST', path: `/v1/join-requests/${w.pendingJoin}/assessment`, send: { token: op, json: { rerun: 'yes' } }, status: 400, code: 'bad-request', field: 'rerun' },
    { name: 'assessment: unknown checklist item', method: 'POST', path: `/v1/join-requests/${w.pendingJoin}/assessment`, send: { token: op, json: { checklist: { karma: { ok: true } } } }, status: 400, code: 'bad-request', field: 'checklist.karma' },
    { name: 'assessment: mark without ok', method: 'POST', path: `/v1/join-requests/${w.pendingJoin}/assessment`, send: { token: op, json: { checklist: { network: { note: 'x' } } } }, status: 400, code: 'bad-request', field: 'checklist.network.ok' },
    { name: 'assessment: malformed id', method: 'POST', path: '/v1/join-requests/nope/assessment', send: { token: op, json: { rerun: true } }, status: 400, code: 'bad-request', field: 'id' },
    { name: 'assessment: unknown id', method: 'POST', path: `/v1/join-requests/${UNKNOWN_ID}/assessment`, send: { token: op, json: { rerun: true } }, status: 404, code: 'membership-not-found' },
    { name: 'assessment: unknown id with a checklist', method: 'POST', path: `/v1/join-requests/${UNKNOWN_ID}/assessment`, send: { token: op, json: { checklist: { network: { ok: true } } } }, status: 404, code: 'membership-not-found' },
    { name: 'assessment: rerun of a decided request', method: 'POST', path: `/v1/join-requests/${w.decidedJoin}/assessment`, send: { token: op, json: { rerun: true } }, status: 409, code: 'membership-not-pending' },
    { name: 'assessment: checklist of a decided request', method: 'POST', path: `/v1/join-requests/${w.decidedJoin}/assessment`, send: { token: op, json: { checklist: { network: { ok: true } } } }, status: 409, code: 'membership-not-pending' },
    ...bodyRows('approve join', 'POST', `/v1/join-requests/${w.pendingJoin}/approve`, op, reason, 64 * KiB),
    { name: 'approve join: reason is a number', method: 'POST', path: `/v1/join-requests/${w.pendingJoin}/approve`, send: { token: op, json: { reason: 5 } }, status: 400, code: 'bad-request', field: 'reason' },
    { name: 'approve join: malformed id', method: 'POST', path: '/v1/join-requests/nope/approve', send: { token: op }, status: 400, code: 'bad-request', field: 'id' },
    { name: 'approve join: unknown id', method: 'POST', path: `/v1/join-requests/${UNKNOWN_ID}/approve`, send: { token: op }, status: 404, code: 'membership-not-found' },
    { name: 'approve join: decided', method: 'POST', path: `/v1/join-requests/${w.decidedJoin}/approve`, send: { token: op }, status: 409, code: 'membership-not-pending' },
    ...bodyRows('reject join', 'POST', `/v1/join-requests/${w.pendingJoin}/reject`, op, reason, 64 * KiB),
    { name: 'reject join: no reason', method: 'POST', path: `/v1/join-requests/${w.pendingJoin}/reject`, send: { token: op, json: {} }, status: 400, code: 'bad-request', field: 'reason' },
    { name: 'reject join: blank reason', method: 'POST', path: `/v1/join-requests/${w.pendingJoin}/reject`, send: { token: op, json: { reason: '  ' } }, status: 400, code: 'bad-request', field: 'reason' },
    { name: 'reject join: unknown id', method: 'POST', path: `/v1/join-requests/${UNKNOWN_ID}/reject`, send: { token: op, json: reason }, status: 404, code: 'membership-not-found' },
    { name: 'reject join: decided', method: 'POST', path: `/v1/join-requests/${w.decidedJoin}/reject`, send: { token: op, json: reason }, status: 409, code: 'membership-not-pending' },

    // Pause requests (operator).
    { name: 'list pause requests: limit=-1', method: 'GET', path: '/v1/pause-requests?limit=-1', send: { token: viewer }, status: 400, code: 'bad-query', field: 'limit' },
    { name: 'list pause requests: status=maybe', method: 'GET', path: '/v1/pause-requests?status=maybe', send: { token: viewer }, status: 400, code: 'bad-query', field: 'status' },
    { name: 'pause status: malformed id', method: 'GET', path: '/v1/pause-requests/nope/status', status: 400, code: 'bad-request', field: 'id' },
    { name: 'pause status: unknown id', method: 'GET', path: `/v1/pause-requests/${UNKNOWN_ID}/status`, status: 404, code: 'membership-not-found' },
    { name: 'approve pause: malformed id', method: 'POST', path: '/v1/pause-requests/nope/approve', send: { token: op }, status: 400, code: 'bad-request', field: 'id' },
    { name: 'approve pause: unknown id', method: 'POST', path: `/v1/pause-requests/${UNKNOWN_ID}/approve`, send: { token: op }, status: 404, code: 'membership-not-found' },
    { name: 'approve pause: decided', method: 'POST', path: `/v1/pause-requests/${w.decidedPause}/approve`, send: { token: op }, status: 409, code: 'membership-not-pending' },
    { name: 'approve pause: text/plain body', method: 'POST', path: `/v1/pause-requests/${w.pendingPause}/approve`, send: { token: op, raw: '{}', contentType: 'text/plain' }, status: 415, code: 'unsupported-media-type' },
    ...bodyRows('reject pause', 'POST', `/v1/pause-requests/${w.pendingPause}/reject`, op, reason, 64 * KiB),
    { name: 'reject pause: no reason', method: 'POST', path: `/v1/pause-requests/${w.pendingPause}/reject`, send: { token: op, json: {} }, status: 400, code: 'bad-request', field: 'reason' },
    { name: 'reject pause: unknown id', method: 'POST', path: `/v1/pause-requests/${UNKNOWN_ID}/reject`, send: { token: op, json: reason }, status: 404, code: 'membership-not-found' },
    { name: 'reject pause: decided', method: 'POST', path: `/v1/pause-requests/${w.decidedPause}/reject`, send: { token: op, json: reason }, status: 409, code: 'membership-not-pending' },

    // Node states.
    ...nodeRows(w, op, sec),

    // Organisations and services.
    ...bodyRows('POST /v1/orgs', 'POST', '/v1/orgs', op, { code: '000.00.01.H29', name: 'x' }, 1024 * KiB),
    { name: 'create org: no code', method: 'POST', path: '/v1/orgs', send: { token: op, json: { name: 'Sở X' } }, status: 400, code: 'bad-request', field: 'code' },
    { name: 'create org: name is a number', method: 'POST', path: '/v1/orgs', send: { token: op, json: { code: '000.00.01.H29', name: 7 } }, status: 400, code: 'bad-request', field: 'name' },
    { name: 'create org: unknown field', method: 'POST', path: '/v1/orgs', send: { token: op, json: { code: '000.00.01.H29', name: 'x', colour: 'red' } }, status: 400, code: 'bad-request', field: 'colour' },
    { name: 'create org: code of the wrong format', method: 'POST', path: '/v1/orgs', send: { token: op, json: { code: 'h29 lower case', name: 'x' } }, status: 400, code: 'registry-bad-org-code' },
    { name: 'create org: code exists', method: 'POST', path: '/v1/orgs', send: { token: op, json: { code: '000.00.00.H29', name: 'x' } }, status: 409, code: 'registry-org-exists' },
    { name: 'create org: unknown parent', method: 'POST', path: '/v1/orgs', send: { token: op, json: { code: '000.00.01.H29', name: 'x', parent: '999.99.99.H99' } }, status: 404, code: 'registry-unknown-org' },
    ...bodyRows('PATCH /v1/orgs/:code', 'PATCH', '/v1/orgs/000.00.00.H29', op, { name: 'x' }, 1024 * KiB),
    { name: 'update org: nothing to change', method: 'PATCH', path: '/v1/orgs/000.00.00.H29', send: { token: op, json: {} }, status: 400, code: 'bad-request', field: '(body)' },
    { name: 'update org: level is a string', method: 'PATCH', path: '/v1/orgs/000.00.00.H29', send: { token: op, json: { level: 'one' } }, status: 400, code: 'bad-request', field: 'level' },
    { name: 'update org: code of the wrong format', method: 'PATCH', path: `/v1/orgs/${BAD_CODE}`, send: { token: op, json: { name: 'x' } }, status: 400, code: 'registry-bad-org-code', field: 'code' },
    { name: 'update org: unknown code', method: 'PATCH', path: '/v1/orgs/999.99.99.H99', send: { token: op, json: { name: 'x' } }, status: 404, code: 'registry-unknown-org' },
    { name: 'update org: rename a closed code', method: 'PATCH', path: '/v1/orgs/000.00.00.H54', send: { token: op, json: { name: 'Thái Bình' } }, status: 409, code: 'registry-code-closed' },
    ...bodyRows('merge', 'POST', '/v1/orgs/000.00.00.H29/merge', op, { from: ['000.00.00.H30'] }, 1024 * KiB),
    { name: 'merge: empty from', method: 'POST', path: '/v1/orgs/000.00.00.H29/merge', send: { token: op, json: { from: [] } }, status: 400, code: 'bad-request', field: 'from' },
    { name: 'merge: target code of the wrong format', method: 'POST', path: `/v1/orgs/${BAD_CODE}/merge`, send: { token: op, json: { from: ['000.00.00.H30'] } }, status: 400, code: 'registry-bad-org-code', field: 'code' },
    { name: 'merge: unknown target', method: 'POST', path: '/v1/orgs/999.99.99.H99/merge', send: { token: op, json: { from: ['000.00.00.H30'] } }, status: 404, code: 'registry-unknown-org' },
    { name: 'merge: into a closed code', method: 'POST', path: '/v1/orgs/000.00.00.H54/merge', send: { token: op, json: { from: ['000.00.00.H30'] } }, status: 409, code: 'registry-merge-target-retired' },
    ...bodyRows('POST /v1/services', 'POST', '/v1/services', op, { id: 's', org: '000.00.00.H29', name: 's', protocol: 'p' }, 1024 * KiB),
    { name: 'service: id of 300 characters', method: 'POST', path: '/v1/services', send: { token: op, json: { id: 'h29.' + 'x'.repeat(296), org: '000.00.00.H29', name: 'x', protocol: '/x' } }, status: 400, code: 'bad-request', field: 'id' },
    { name: 'service: no protocol', method: 'POST', path: '/v1/services', send: { token: op, json: { id: 'h29.x', org: '000.00.00.H29', name: 'x' } }, status: 400, code: 'bad-request', field: 'protocol' },
    { name: 'service: unknown org', method: 'POST', path: '/v1/services', send: { token: op, json: { id: 'h99.x', org: '999.99.99.H99', name: 'x', protocol: '/x' } }, status: 404, code: 'registry-unknown-org' },
    { name: 'remove service: unknown id', method: 'DELETE', path: '/v1/services/no-such-service', send: { token: op }, status: 404, code: 'registry-unknown-service' },
    { name: 'remove service: reason above 2000 characters', method: 'DELETE', path: `/v1/services/h29.vanban?reason=${'x'.repeat(2001)}`, send: { token: op }, status: 400, code: 'bad-query', field: 'reason' },

    // Monitoring, audit and reports (viewer).
    { name: 'alerts: limit=-1', method: 'GET', path: '/v1/alerts?limit=-1', send: { token: viewer }, status: 400, code: 'bad-query', field: 'limit' },
    { name: 'alerts: limit above 1000', method: 'GET', path: '/v1/alerts?limit=1001', send: { token: viewer }, status: 400, code: 'bad-query', field: 'limit' },
    { name: 'alerts: since=x', method: 'GET', path: '/v1/alerts?since=x', send: { token: viewer }, status: 400, code: 'bad-query', field: 'since' },
    { name: 'alerts: after=x', method: 'GET', path: '/v1/alerts?after=x', send: { token: viewer }, status: 400, code: 'bad-query', field: 'after' },
    { name: 'alerts: peerId not a PeerId', method: 'GET', path: `/v1/alerts?peerId=${NOT_A_PEER}`, send: { token: viewer }, status: 400, code: 'bad-query', field: 'peerId' },
    { name: 'audit: since=x', method: 'GET', path: '/v1/audit?since=x', send: { token: viewer }, status: 400, code: 'bad-query', field: 'since' },
    { name: 'audit: limit=-1', method: 'GET', path: '/v1/audit?limit=-1', send: { token: viewer }, status: 400, code: 'bad-query', field: 'limit' },
    { name: 'audit: order=sideways', method: 'GET', path: '/v1/audit?order=sideways', send: { token: viewer }, status: 400, code: 'bad-query', field: 'order' },
    { name: 'evaluation: year=abc', method: 'GET', path: '/v1/reports/evaluation?year=abc', send: { token: viewer }, status: 400, code: 'bad-query', field: 'year' },
    { name: 'evaluation: year=20261', method: 'GET', path: '/v1/reports/evaluation?year=20261', send: { token: viewer }, status: 400, code: 'bad-query', field: 'year' },
    { name: 'registry changes: since=x', method: 'GET', path: '/v1/registry/changes?since=x', status: 400, code: 'bad-query', field: 'since' },
    { name: 'registry log: since=x', method: 'GET', path: '/v1/registry/log?since=x', status: 400, code: 'bad-query', field: 'since' }
  ]
}

function nodeRows (w: World, op: string, sec: string): Row[] {
  const KiB = 1024
  const out: Row[] = []
  const routes: Array<[string, string, unknown]> = [
    ['promote', op, { force: true, reason: 'checked by hand' }],
    ['suspend', op, { reason: 'maintenance' }],
    ['resume', op, {}],
    ['revoke', sec, { incident: 'INC-1' }],
    ['reinstate', sec, { to: 'trial', remediation: { summary: 'rebuilt' } }]
  ]
  for (const [action, token, valid] of routes) {
    const path = `/v1/nodes/${w.peer}/${action}`
    out.push(
      ...bodyRows(action, 'POST', path, token, valid, 1024 * KiB),
      { name: `${action}: not a PeerId`, method: 'POST', path: `/v1/nodes/${NOT_A_PEER}/${action}`, send: { token, json: valid }, status: 400, code: 'bad-request', field: 'peerId' },
      { name: `${action}: unknown node`, method: 'POST', path: `/v1/nodes/${w.stranger}/${action}`, send: { token, json: valid }, status: 404, code: 'registry-unknown-node' }
    )
  }
  const patch = `/v1/nodes/${w.peer}`
  out.push(
    ...bodyRows('PATCH node', 'PATCH', patch, op, { orgs: ['000.00.00.H29'], reason: 'x' }, 1024 * KiB),
    { name: 'PATCH node: not a PeerId', method: 'PATCH', path: `/v1/nodes/${NOT_A_PEER}`, send: { token: op, json: { orgs: ['000.00.00.H29'], reason: 'x' } }, status: 400, code: 'bad-request', field: 'peerId' },
    { name: 'PATCH node: unknown node', method: 'PATCH', path: `/v1/nodes/${w.stranger}`, send: { token: op, json: { orgs: ['000.00.00.H29'], reason: 'x' } }, status: 404, code: 'registry-unknown-node' },
    { name: 'PATCH node: nothing to change', method: 'PATCH', path: patch, send: { token: op, json: { reason: 'x' } }, status: 400, code: 'bad-request', field: '(body)' },
    { name: 'PATCH node: contacts without phone', method: 'PATCH', path: patch, send: { token: op, json: { contacts: { email: ['a@b.vn'] }, reason: 'x' } }, status: 400, code: 'bad-request', field: 'contacts.phone' },
    { name: 'PATCH node: an email that is not one', method: 'PATCH', path: patch, send: { token: op, json: { contacts: { email: ['not an address'], phone: [] }, reason: 'x' } }, status: 400, code: 'registry-bad-op', field: 'contacts.email[0]' },
    { name: 'PATCH node: no reason', method: 'PATCH', path: patch, send: { token: op, json: { orgs: ['000.00.00.H29'] } }, status: 400, code: 'bad-request', field: 'reason' },
    { name: 'PATCH node: empty orgs', method: 'PATCH', path: patch, send: { token: op, json: { orgs: [], reason: 'x' } }, status: 400, code: 'bad-request', field: 'orgs' },
    { name: 'PATCH node: orgs is a string', method: 'PATCH', path: patch, send: { token: op, json: { orgs: '000.00.00.H29', reason: 'x' } }, status: 400, code: 'bad-request', field: 'orgs' },
    { name: 'PATCH node: a malformed code', method: 'PATCH', path: patch, send: { token: op, json: { orgs: ['h29 bad'], reason: 'x' } }, status: 400, code: 'registry-bad-org-code' },
    { name: 'PATCH node: an unknown code', method: 'PATCH', path: patch, send: { token: op, json: { orgs: ['999.99.99.H99'], reason: 'x' } }, status: 404, code: 'registry-unknown-org' },
    { name: 'promote: force without reason', method: 'POST', path: `/v1/nodes/${w.peer}/promote`, send: { token: op, json: { force: true } }, status: 409, code: 'conformance-required' },
    { name: 'promote: force is a string', method: 'POST', path: `/v1/nodes/${w.peer}/promote`, send: { token: op, json: { force: 'yes', reason: 'x' } }, status: 400, code: 'bad-request', field: 'force' },
    { name: 'suspend: reason with a control character', method: 'POST', path: `/v1/nodes/${w.peer}/suspend`, send: { token: op, json: { reason: 'maintenance\u0007' } }, status: 400, code: 'bad-request', field: 'reason' },
    { name: 'revoke: incident with a line break', method: 'POST', path: `/v1/nodes/${w.peer}/revoke`, send: { token: sec, json: { incident: 'INC-1\nINC-2' } }, status: 400, code: 'bad-request', field: 'incident' },
    { name: 'suspend: no reason', method: 'POST', path: `/v1/nodes/${w.peer}/suspend`, send: { token: op, json: {} }, status: 400, code: 'bad-request', field: 'reason' },
    { name: 'resume: a node that is not suspended', method: 'POST', path: `/v1/nodes/${w.peer}/resume`, send: { token: op }, status: 409, code: 'registry-bad-transition' },
    { name: 'resume: reason is a number', method: 'POST', path: `/v1/nodes/${w.peer}/resume`, send: { token: op, json: { reason: 5 } }, status: 400, code: 'bad-request', field: 'reason' },
    { name: 'revoke: no incident', method: 'POST', path: `/v1/nodes/${w.peer}/revoke`, send: { token: sec, json: { reason: 'x' } }, status: 400, code: 'bad-request', field: 'incident' },
    { name: 'reinstate: no remediation', method: 'POST', path: `/v1/nodes/${w.peer}/reinstate`, send: { token: sec, json: { to: 'trial' } }, status: 400, code: 'bad-request', field: 'remediation' },
    { name: 'reinstate: to=revoked', method: 'POST', path: `/v1/nodes/${w.peer}/reinstate`, send: { token: sec, json: { to: 'revoked', remediation: { summary: 'x' } } }, status: 400, code: 'bad-request', field: 'to' },
    { name: 'reinstate: a node that is not revoked', method: 'POST', path: `/v1/nodes/${w.peer}/reinstate`, send: { token: sec, json: { to: 'trial', remediation: { summary: 'x' } } }, status: 409, code: 'registry-bad-transition' },
    { name: 'conformance: not a PeerId', method: 'GET', path: `/v1/nodes/${NOT_A_PEER}/conformance`, send: { token: w.f.tokens.viewer }, status: 400, code: 'bad-request', field: 'peerId' },
    { name: 'conformance: unknown node', method: 'GET', path: `/v1/nodes/${w.stranger}/conformance`, send: { token: w.f.tokens.viewer }, status: 404, code: 'registry-unknown-node' }
  )
  return out
}

async function snapshot (f: Fixture): Promise<string> {
  const { viewer } = f.tokens
  const audit = await f.call('GET', '/v1/audit?order=desc&limit=1000', { token: viewer })
  const joins = await f.call('GET', '/v1/join-requests?limit=1000', { token: viewer })
  const pauses = await f.call('GET', '/v1/pause-requests?limit=1000', { token: viewer })
  return JSON.stringify({ seq: f.c.replica.seq, head: Buffer.from(f.c.replica.state.head).toString('hex'), audit: audit.body, joins: joins.body, pauses: pauses.body })
}

test('§7: every admin route and public POST refuses bad input with problem+json, its code, and changes nothing', async (t) => {
  const w = await world(t)
  const table = rows(w)
  t.true(table.length > 150, `${table.length} rows`)
  t.log(`${table.length} rows`)
  const before = await snapshot(w.f)
  const failures: string[] = []
  for (const row of table) {
    const res = await w.f.call(row.method, row.path, row.send)
    const got = `${res.status} ${res.contentType ?? '-'} ${String(res.body?.code)}${row.field === undefined ? '' : ` field=${String((res.body?.meta as { field?: unknown } | undefined)?.field)}`}`
    const want = `${row.status} application/problem+json ${row.code}${row.field === undefined ? '' : ` field=${row.field}`}`
    if (got !== want) failures.push(`${row.name} (${row.method} ${row.path}): got ${got}, want ${want}`)
  }
  t.deepEqual(failures, [])
  t.is(await snapshot(w.f), before, 'a refused request changed the registry, the audit log or the request lists')
})
