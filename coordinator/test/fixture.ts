import type { ExecutionContext } from 'ava'
import { join } from 'node:path'
import { generateNodeKey, peerIdFromPublicKeyBytes, type NodeKey } from '@lienthong/crypto'
import { silentLogger } from '@lienthong/errors'
import { TokenStore } from '@lienthong/http'
import { createJoinRequest, createPauseRequest, encodeRequestWire } from '@lienthong/membership'
import { startCoordinator, type Coordinator } from '../src/app.js'
import { initCoordinator } from '../src/init.js'
import { coordinatorPaths } from '../src/paths.js'
import { ADMIN_ROLES } from '../src/roles.js'
import { tempDir } from './helpers.js'

/** An HTTP answer with its parsed JSON body (null when not JSON). */
export interface Answer { status: number, contentType: string | null, body: Record<string, unknown> | null }

/** A request as the table tests send it: a JSON value, or raw text with its own content type. */
export interface Send { token?: string | undefined, json?: unknown, raw?: string, contentType?: string }

export interface Fixture {
  c: Coordinator
  dir: string
  tokens: Record<'admin' | 'viewer' | 'operator' | 'security', string>
  call: (method: string, path: string, send?: Send) => Promise<Answer>
}

/** Start a real coordinator in a temp folder with one token per role. */
export async function startFixture (t: ExecutionContext, name = 'bad-input'): Promise<Fixture> {
  const dir = join(await tempDir(t), 'coord')
  const { adminToken } = await initCoordinator({ data: dir, name })
  const store = TokenStore.open(coordinatorPaths(dir).tokens, ADMIN_ROLES)
  const tokens = {
    admin: adminToken,
    viewer: store.create('viewer-1', 'viewer').token,
    operator: store.create('operator-1', 'operator').token,
    security: store.create('security-1', 'security').token
  }
  const c = await startCoordinator({ data: dir, listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0', logger: silentLogger })
  t.teardown(() => c.close())
  const call: Fixture['call'] = async (method, path, send = {}) => {
    const headers: Record<string, string> = {}
    if (send.token !== undefined) headers.authorization = `Bearer ${send.token}`
    let body: string | undefined
    if (send.raw !== undefined) body = send.raw
    else if (send.json !== undefined) body = JSON.stringify(send.json)
    if (body !== undefined) headers['content-type'] = send.contentType ?? 'application/json'
    const res = await fetch(c.httpUrl + path, { method, headers, ...(body === undefined ? {} : { body }) })
    const text = await res.text()
    let parsed: Record<string, unknown> | null
    try { parsed = JSON.parse(text) as Record<string, unknown> } catch { parsed = null }
    return { status: res.status, contentType: res.headers.get('content-type'), body: parsed }
  }
  return { c, dir, tokens, call }
}

/** Admit a node by a signed registry entry (as an approval would), hosting `org`. */
export async function admitNode (c: Coordinator, org = '000.00.00.H29'): Promise<{ key: NodeKey, peerId: string }> {
  const key = generateNodeKey()
  const peerId = peerIdFromPublicKeyBytes(key.publicKey)
  await c.replica.append(c.key, [{
    type: 'node.admit', peerId, publicKey: key.publicKey, sealingPublicKey: key.sealingPublicKey,
    addresses: [`/ip4/127.0.0.1/tcp/9/p2p/${peerId}`], orgs: [org], contacts: { email: ['it@example.gov.vn'], phone: [] }
  }], { actor: 'test', reason: 'admitted by the test' })
  return { key, peerId }
}

/** The HTTP body of a signed join request from `key` for `org` (its address refuses connections). */
export function joinWire (key: NodeKey, network: string, org: string): { request: string, signature: string } {
  const peerId = peerIdFromPublicKeyBytes(key.publicKey)
  return encodeRequestWire(createJoinRequest(key, {
    network,
    orgs: [org],
    contacts: { email: ['vanthu@example.gov.vn'], phone: [] },
    addresses: [`/ip4/127.0.0.1/tcp/9/p2p/${peerId}`],
    selfAssessment: { infrastructure: 'two servers', network: 'dedicated line', application: 'edoc v5', security: 'firewall' },
    software: 'lienthong-node/0.1.0'
  }))
}

/** The HTTP body of a signed pause request from `key`. */
export function pauseWire (key: NodeKey, network: string, reason = 'server maintenance'): { request: string, signature: string } {
  return encodeRequestWire(createPauseRequest(key, { network, reason }))
}

/** Resolve once `check` holds, polling the real state; fail after `timeoutMs`. */
export async function until (check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
