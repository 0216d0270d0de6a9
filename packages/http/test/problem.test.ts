import test from 'ava'
import { Hono } from 'hono'
import { LienthongError, silentLogger } from '@lienthong/errors'
import { errorFunnel, HttpError, intQuery, notFound, readJson, PROBLEM_CONTENT_TYPE, type Problem } from '@lienthong/http'

function app (): Hono {
  const a = new Hono()
  a.onError(errorFunnel({ logger: silentLogger, statusOf: (code) => code === 'thing-missing' ? 404 : undefined }))
  a.notFound(notFound)
  a.get('/typed', () => { throw new LienthongError('thing-missing', 'no such thing', { id: 'x' }) })
  a.get('/other-typed', () => { throw new LienthongError('thing-bad', 'bad thing') })
  a.get('/crash', () => { throw new Error('secret internals') })
  a.get('/http', () => { throw new HttpError(403, 'forbidden', 'needs operator') })
  a.post('/json', async (c) => c.json({ got: await readJson(c, 64) }))
  a.get('/page', (c) => c.json({ limit: intQuery(c, 'limit', 10, 1000) }))
  return a
}

async function problemOf (res: Response): Promise<Problem> {
  return await res.json() as Problem
}

test('typed errors become problem+json with their code and mapped status', async (t) => {
  const res = await app().request('/typed')
  t.is(res.status, 404)
  t.is(res.headers.get('content-type'), PROBLEM_CONTENT_TYPE)
  const p = await problemOf(res)
  t.is(p.code, 'thing-missing')
  t.is(p.status, 404)
  t.deepEqual(p.meta, { id: 'x' })
  t.is(p.instance, '/typed')
  t.is((await app().request('/other-typed')).status, 422)
  t.is((await app().request('/http')).status, 403)
})

test('an unexpected error is a 500 that leaks no internals', async (t) => {
  const res = await app().request('/crash')
  t.is(res.status, 500)
  const p = await problemOf(res)
  t.is(p.code, 'internal-error')
  t.false(JSON.stringify(p).includes('secret internals'))
})

test('unknown routes, bad JSON, oversized JSON and bad query parameters', async (t) => {
  t.is((await problemOf(await app().request('/nope'))).code, 'not-found')
  const bad = await app().request('/json', { method: 'POST', body: '{"a":' })
  t.is(bad.status, 400)
  t.is((await problemOf(bad)).code, 'bad-json')
  const big = await app().request('/json', { method: 'POST', body: JSON.stringify({ a: 'x'.repeat(100) }) })
  t.is(big.status, 413)
  const ok = await app().request('/json', { method: 'POST', body: '{"a":1}' })
  t.deepEqual(await ok.json(), { got: { a: 1 } })
  const q = await app().request('/page?limit=abc')
  t.is(q.status, 400)
  t.deepEqual((await problemOf(q)).meta, { field: 'limit' })
  t.is((await app().request('/page?limit=5000')).status, 400)
  t.deepEqual(await (await app().request('/page?limit=7')).json(), { limit: 7 })
})
