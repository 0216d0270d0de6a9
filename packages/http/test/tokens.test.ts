import test from 'ava'
import { mkdtemp, rm, stat, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { silentLogger } from '@lienthong/errors'
import { bearerAuth, errorFunnel, TokenStore } from '@lienthong/http'

const ROLES = ['viewer', 'operator', 'security', 'admin'] as const

async function tokenFile (t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-tokens-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'tokens.json')
}

test('tokens are stored hashed at 0600, verified, revoked and reloaded', async (t) => {
  const path = await tokenFile(t)
  const store = TokenStore.open(path, ROLES)
  const { token, record } = store.create('alice', 'operator')
  t.is(record.role, 'operator')
  t.is((await stat(path)).mode & 0o777, 0o600)
  t.false((await readFile(path, 'utf8')).includes(token))
  t.is(store.verify(token)?.name, 'alice')
  t.is(store.verify(token + 'x'), undefined)
  t.is(TokenStore.open(path, ROLES).verify(token)?.name, 'alice')
  t.throws(() => store.create('alice', 'viewer'), { code: 'token-exists' } as never)
  t.throws(() => store.create('bob', 'root'), { code: 'token-bad-role' } as never)
  t.throws(() => store.create('bad name', 'viewer'), { code: 'token-bad-name' } as never)
  t.true(store.revoke('alice'))
  t.false(store.revoke('alice'))
  t.is(store.verify(token), undefined)
  t.is(TokenStore.open(path, ROLES).verify(token), undefined)
})

test('bearerAuth: 401 without or with a bad token, 403 below the role, 200 at or above it', async (t) => {
  const store = TokenStore.open(await tokenFile(t), ROLES)
  const viewer = store.create('v', 'viewer').token
  const security = store.create('s', 'security').token
  const app = new Hono<{ Variables: { tokenName: string, tokenRole: string } }>()
  app.onError(errorFunnel({ logger: silentLogger }))
  app.post('/revoke', bearerAuth(store, 'security'), (c) => c.json({ by: c.get('tokenName') }))
  const call = (auth?: string): Promise<Response> => Promise.resolve(app.request('/revoke', { method: 'POST', headers: auth === undefined ? {} : { authorization: auth } }))
  const none = await call()
  t.is(none.status, 401)
  t.is((await none.json() as { code: string }).code, 'unauthorized')
  t.is((await call('Bearer lt_notavalidtoken')).status, 401)
  t.is((await call('Basic abc')).status, 401)
  const low = await call(`Bearer ${viewer}`)
  t.is(low.status, 403)
  t.is((await low.json() as { code: string }).code, 'forbidden')
  const ok = await call(`Bearer ${security}`)
  t.is(ok.status, 200)
  t.deepEqual(await ok.json(), { by: 's' })
})

test('a token created by another process (another TokenStore on the same file) is seen at once', async (t) => {
  const path = await tokenFile(t)
  const running = TokenStore.open(path, ROLES)
  running.create('first', 'viewer')
  const { token } = TokenStore.open(path, ROLES).create('second', 'admin')
  t.is(running.verify(token)?.name, 'second')
})
