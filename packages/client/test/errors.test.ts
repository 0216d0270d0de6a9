import test from 'ava'
import { createServer } from 'node:net'
import { ClientError, ClientErrorCode, CoordinatorClient, isClientError, NodeClient } from '@lienthong/client'
import { LienthongError } from '@lienthong/errors'
import { json, localServer } from './local-server.js'

test('a problem+json answer becomes a ClientError with the server code, status, detail and meta', async (t) => {
  const { url, seen } = await localServer(t, (_req, res) => {
    json(res, 422, { type: 'https://lienthong.invalid/problems/unknown-recipient', title: 'unknown recipient', status: 422, code: 'unknown-recipient', detail: 'no organisation 000.00.00.X99', meta: { org: '000.00.00.X99' } }, 'application/problem+json')
  })
  const node = new NodeClient({ baseUrl: url, token: 'secret-token' })
  const err = await t.throwsAsync(node.send({ from: '000.00.00.G22', to: ['000.00.00.X99'], contentType: 'text/plain', payload: 'x' }), { instanceOf: ClientError })
  t.is(err.code, 'unknown-recipient')
  t.is(err.status, 422)
  t.is(err.detail, 'no organisation 000.00.00.X99')
  t.deepEqual(err.problemMeta, { org: '000.00.00.X99' })
  t.true(err instanceof LienthongError)
  t.true(isClientError(err, 'unknown-recipient'))
  t.false(JSON.stringify(err.toJSON()).includes('secret-token'), 'the token is never in the error')
  t.is(seen[0]?.headers.authorization, 'Bearer secret-token')
})

test('an error status without a problem body is client-http-status; a bad code is not trusted', async (t) => {
  let answer: 'text' | 'bad-code' = 'text'
  const { url } = await localServer(t, (_req, res) => {
    if (answer === 'text') { res.writeHead(502); res.end('Bad Gateway') } else json(res, 409, { code: 'Not A Code!', status: 409, detail: 'x' })
  })
  const coordinator = new CoordinatorClient({ baseUrl: url })
  const plain = await t.throwsAsync(coordinator.health(), { instanceOf: ClientError })
  t.is(plain.code, ClientErrorCode.HTTP_STATUS)
  t.is(plain.status, 502)
  answer = 'bad-code'
  const bad = await t.throwsAsync(coordinator.health(), { instanceOf: ClientError })
  t.is(bad.code, ClientErrorCode.HTTP_STATUS)
  t.is(bad.status, 409)
})

test('a 2xx answer that is not JSON is client-bad-response', async (t) => {
  const { url } = await localServer(t, (_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>') })
  const err = await t.throwsAsync(new CoordinatorClient({ baseUrl: url }).orgs(), { instanceOf: ClientError })
  t.is(err.code, ClientErrorCode.BAD_RESPONSE)
})

test('no server listening is client-network with status 0', async (t) => {
  // Bind a port, then close it: nothing listens there any more.
  const probe = createServer()
  await new Promise<void>((resolve) => { probe.listen(0, '127.0.0.1', resolve) })
  const port = (probe.address() as { port: number }).port
  await new Promise<void>((resolve) => { probe.close(() => { resolve() }) })
  const err = await t.throwsAsync(new NodeClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't' }).health(), { instanceOf: ClientError })
  t.is(err.code, ClientErrorCode.NETWORK)
  t.is(err.status, 0)
})

test('the caller\'s abort is client-aborted', async (t) => {
  const { url } = await localServer(t, () => { /* never answers */ })
  const abort = new AbortController()
  const node = new NodeClient({ baseUrl: url, token: 't' })
  const pending = node.send({ from: 'a', to: ['b'], contentType: 'text/plain', payload: 'x', signal: abort.signal })
  abort.abort()
  const err = await t.throwsAsync(pending, { instanceOf: ClientError })
  t.is(err.code, ClientErrorCode.ABORTED)
})

test('programmer mistakes are TypeErrors', (t) => {
  t.throws(() => new NodeClient({ baseUrl: 'ftp://x', token: 't' }), { instanceOf: TypeError })
  t.throws(() => new NodeClient({ baseUrl: 'http://127.0.0.1:1', token: '' }), { instanceOf: TypeError })
})
