import { createServer, type Server, type Socket } from 'node:net'
import test, { type ExecutionContext } from 'ava'
import { generateNodeKey, peerIdFromPublicKeyBytes, type NodeKey } from '@lienthong/crypto'
import { createHost, DELIVER_PROTOCOL, REGISTRY_PROTOCOL, serveInfo, type Host } from '@lienthong/protocol'
import { assessJoinRequest, createJoinRequest, TemporaryAllowList, type Assessment } from '@lienthong/membership'
import { joinInit } from './helpers.js'

const LISTEN = ['/ip4/127.0.0.1/tcp/0']

async function start (t: ExecutionContext, key: NodeKey, isAllowed?: (id: string) => boolean): Promise<Host> {
  const host = await createHost({ key, listen: LISTEN, ...(isAllowed == null ? {} : { gate: { isAllowed } }) })
  t.teardown(async () => { await host.stop() })
  return host
}

/** The coordinator: a gate that knows no node, plus the temporary allow-list the assessment uses. */
async function coordinator (t: ExecutionContext): Promise<{ host: Host, temporary: TemporaryAllowList }> {
  const temporary = new TemporaryAllowList()
  const host = await start(t, generateNodeKey(), id => temporary.has(id))
  return { host, temporary }
}

/** A node serving info and stub deliver/registry handlers (unless left out); it allows `coordinatorId`. */
async function node (t: ExecutionContext, coordinatorId: string, opts: { skip?: string, now?: () => number } = {}): Promise<{ host: Host, key: NodeKey }> {
  const key = generateNodeKey()
  const host = await start(t, key, id => id === coordinatorId)
  for (const protocol of [DELIVER_PROTOCOL, REGISTRY_PROTOCOL]) {
    if (protocol !== opts.skip) await host.handle(protocol, (stream) => { stream.abort(new Error('stub')) })
  }
  await serveInfo(host, { software: 'lienthong-node/0.1.0', ...(opts.now == null ? {} : { now: opts.now }) })
  return { host, key }
}

function check (assessment: Assessment, name: string): { ok: boolean, detail: string } {
  const found = assessment.checks.find(c => c.name === name)
  if (found == null) throw new Error(`no check ${name}`)
  return found
}

function oks (assessment: Assessment): Record<string, boolean> {
  return Object.fromEntries(assessment.checks.map(c => [c.name, c.ok]))
}

test('a live node serving every protocol passes all checks; the temporary allowance ends with it', async t => {
  const { host, temporary } = await coordinator(t)
  const { host: nodeHost, key } = await node(t, host.peerId)
  const request = createJoinRequest(key, joinInit(key, { addresses: nodeHost.multiaddrs })).request
  // The first reading is `ranAt`; the later ones time the info exchange.
  const readings = [1000]
  const assessment = await assessJoinRequest(request, { host, allowance: temporary, now: () => readings.shift() ?? Date.now() })
  t.deepEqual(oks(assessment), { reachable: true, 'peer-id': true, protocols: true, 'clock-skew': true })
  t.true(assessment.ok)
  t.is(assessment.ranAt, 1000)
  t.deepEqual(assessment.checks.map(c => c.name), ['reachable', 'peer-id', 'protocols', 'clock-skew'])
  t.is(assessment.software, 'lienthong-node/0.1.0')
  t.true(assessment.protocols?.includes(DELIVER_PROTOCOL))
  t.is(typeof assessment.skewMs, 'number')
  t.deepEqual(temporary.peers(), [])
  t.false(host.connectedPeers().includes(nodeHost.peerId))
})

test('a request claiming another key\'s PeerId at this host\'s addresses fails peer-id', async t => {
  const { host, temporary } = await coordinator(t)
  const { host: nodeHost } = await node(t, host.peerId)
  const claimer = generateNodeKey()
  const claimed = peerIdFromPublicKeyBytes(claimer.publicKey)
  const addresses = nodeHost.multiaddrs.map(a => a.replace(nodeHost.peerId, claimed))
  const request = createJoinRequest(claimer, joinInit(claimer, { addresses })).request
  const assessment = await assessJoinRequest(request, { host, allowance: temporary })
  t.false(assessment.ok)
  t.like(oks(assessment), { reachable: true, 'peer-id': false, protocols: false, 'clock-skew': false })
  t.regex(check(assessment, 'peer-id').detail, /another PeerId answers/)
  t.false(host.connectedPeers().includes(nodeHost.peerId))
})

test('unreachable addresses fail reachable within the dial bound', async t => {
  const { host, temporary } = await coordinator(t)
  // A port nobody listens on, and a server that accepts TCP but never speaks (a dial would hang without the bound).
  const closed = await listen(t)
  const closedPort = port(closed)
  await new Promise<void>(resolve => { closed.close(() => { resolve() }) })
  const silent = await listen(t)
  const key = generateNodeKey()
  const peerId = peerIdFromPublicKeyBytes(key.publicKey)
  const addresses = [`/ip4/127.0.0.1/tcp/${closedPort}/p2p/${peerId}`, `/ip4/127.0.0.1/tcp/${port(silent)}/p2p/${peerId}`]
  const request = createJoinRequest(key, joinInit(key, { addresses })).request
  const assessment = await assessJoinRequest(request, { host, allowance: temporary, dialTimeoutMs: 500 })
  t.false(assessment.ok)
  t.deepEqual(oks(assessment), { reachable: false, 'peer-id': false, protocols: false, 'clock-skew': false })
  t.regex(check(assessment, 'reachable').detail, /^0 of 2 address\(es\) answered; no answer from /)
  t.regex(check(assessment, 'reachable').detail, /protocol-timeout/)
})

test('a node missing a required protocol fails protocols', async t => {
  const { host, temporary } = await coordinator(t)
  const { host: nodeHost, key } = await node(t, host.peerId, { skip: REGISTRY_PROTOCOL })
  const request = createJoinRequest(key, joinInit(key, { addresses: nodeHost.multiaddrs })).request
  const assessment = await assessJoinRequest(request, { host, allowance: temporary })
  t.deepEqual(oks(assessment), { reachable: true, 'peer-id': true, protocols: false, 'clock-skew': true })
  t.is(check(assessment, 'protocols').detail, `missing ${REGISTRY_PROTOCOL}`)
})

test('a node whose clock is a minute ahead fails clock-skew', async t => {
  const { host, temporary } = await coordinator(t)
  const { host: nodeHost, key } = await node(t, host.peerId, { now: () => Date.now() + 60_000 })
  const request = createJoinRequest(key, joinInit(key, { addresses: nodeHost.multiaddrs })).request
  const assessment = await assessJoinRequest(request, { host, allowance: temporary })
  t.deepEqual(oks(assessment), { reachable: true, 'peer-id': true, protocols: true, 'clock-skew': false })
  t.true((assessment.skewMs ?? 0) > 50_000)
})

test('without an allowance a gate that refuses the applicant fails every check at once', async t => {
  const { host } = await coordinator(t)
  const { host: nodeHost, key } = await node(t, host.peerId)
  const request = createJoinRequest(key, joinInit(key, { addresses: nodeHost.multiaddrs })).request
  const assessment = await assessJoinRequest(request, { host })
  t.false(assessment.ok)
  t.true(assessment.checks.every(c => !c.ok && c.detail.includes('gate refuses')))
})

test('the allow-list counts overlapping allowances', t => {
  const list = new TemporaryAllowList()
  list.allow('a')
  list.allow('a')
  list.disallow('a')
  t.true(list.has('a'))
  list.disallow('a')
  t.false(list.has('a'))
  list.disallow('a')
  t.false(list.has('a'))
})

async function listen (t: ExecutionContext): Promise<Server> {
  const sockets = new Set<Socket>()
  const server = createServer(socket => { sockets.add(socket) })
  t.teardown(async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  })
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  return server
}

function port (server: Server): number {
  const address = server.address()
  if (address == null || typeof address === 'string') throw new Error('no port')
  return address.port
}
