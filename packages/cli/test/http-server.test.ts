import test from 'ava'
import { createServer } from 'node:net'
import { serveHttp, splitHostPort } from '@lienthong/cli'
import { isLienthongError } from '@lienthong/errors'

const hello = (): Response => new Response('hello')

test('splitHostPort reads IPv4, names and bracketed IPv6; anything else is the given code', t => {
  t.deepEqual(splitHostPort('127.0.0.1:7500', 'config-invalid'), ['127.0.0.1', 7500])
  t.deepEqual(splitHostPort('localhost:0', 'config-invalid'), ['localhost', 0])
  t.deepEqual(splitHostPort('[::1]:8080', 'config-invalid'), ['::1', 8080])
  for (const bad of ['7500', '127.0.0.1', '127.0.0.1:', 'host:99999', 'host:port', '']) {
    const err = t.throws(() => splitHostPort(bad, 'config-invalid'))
    t.true(isLienthongError(err, 'config-invalid'), bad)
  }
})

test('serveHttp binds port 0 to a free port, serves, and closes', async t => {
  const server = await serveHttp(hello, '127.0.0.1:0', 'config-invalid')
  t.true(server.port > 0)
  t.is(server.url, `http://127.0.0.1:${server.port}`)
  t.is(await (await fetch(server.url)).text(), 'hello')
  await server.close()
  await t.throwsAsync(fetch(server.url))
})

test('serveHttp on [::1] gives a bracketed URL; a taken port rejects with EADDRINUSE', async t => {
  const v6 = await serveHttp(hello, '[::1]:0', 'config-invalid').catch(() => undefined)
  if (v6 !== undefined) {
    t.is(v6.url, `http://[::1]:${v6.port}`)
    await v6.close()
  } else {
    t.log('no IPv6 loopback here: the [::1] case was not run')
  }
  const taken = createServer()
  await new Promise<void>((resolve) => { taken.listen(0, '127.0.0.1', resolve) })
  t.teardown(() => { taken.close() })
  const port = (taken.address() as { port: number }).port
  const err = await t.throwsAsync(serveHttp(hello, `127.0.0.1:${port}`, 'config-invalid'))
  t.is((err as NodeJS.ErrnoException).code, 'EADDRINUSE')
})
