import test from 'ava'
import { join } from 'node:path'
import { startCoordinator } from '../src/app.js'
import { initCoordinator } from '../src/init.js'
import { silentLogger } from '@lienthong/errors'
import { tempDir } from './helpers.js'

async function started (t: Parameters<typeof tempDir>[0]): Promise<Awaited<ReturnType<typeof startCoordinator>>> {
  const dir = join(await tempDir(t), 'coord')
  await initCoordinator({ data: dir, name: 'app-test' })
  const coordinator = await startCoordinator({ data: dir, listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0', logger: silentLogger })
  t.teardown(() => coordinator.close())
  return coordinator
}

test('public registry endpoints serve the signed national directory', async (t) => {
  const c = await started(t)
  const health = await (await fetch(`${c.httpUrl}/v1/health`)).json() as { status: string, registry: { seq: number, checkpointSeq: number } }
  t.is(health.status, 'ok')
  t.is(health.registry.seq, c.replica.seq)
  t.is(health.registry.checkpointSeq, c.replica.seq)

  const thaiBinh = await (await fetch(`${c.httpUrl}/v1/registry/orgs/000.00.00.H54`)).json() as { org: { status: string }, effective: { code: string, name: string, redirected: boolean } }
  t.is(thaiBinh.org.status, 'retired')
  t.deepEqual([thaiBinh.effective.code, thaiBinh.effective.name, thaiBinh.effective.redirected], ['000.00.00.H31', 'Hưng Yên', true])

  const active = await (await fetch(`${c.httpUrl}/v1/registry/orgs?status=active`)).json() as { orgs: Array<{ kind: string }> }
  t.is(active.orgs.filter((o) => o.kind === 'province').length, 34)

  const log = await (await fetch(`${c.httpUrl}/v1/registry/log?since=-1&limit=5`)).json() as { head: number, entries: Array<{ seq: number }>, next: string | null }
  t.deepEqual(log.entries.map((e) => e.seq), [0, 1, 2, 3, 4])
  t.is(log.next, '?since=4')
  const checkpoint = await (await fetch(`${c.httpUrl}/v1/registry/checkpoint`)).json() as { seq: number }
  t.is(checkpoint.seq, c.replica.seq)
})

test('bad input to the public endpoints gets problem+json with a stable code', async (t) => {
  const c = await started(t)
  const cases: Array<[string, number, string]> = [
    ['/v1/registry/orgs/999.99.99.Z99', 404, 'unknown-org'],
    ['/v1/registry/orgs?status=maybe', 400, 'bad-query'],
    ['/v1/registry/nodes?state=sleeping', 400, 'bad-query'],
    ['/v1/registry/log?since=abc', 400, 'bad-query'],
    ['/v1/registry/log?limit=0', 400, 'bad-query'],
    ['/v1/nothing-here', 404, 'not-found']
  ]
  for (const [path, status, code] of cases) {
    const res = await fetch(c.httpUrl + path)
    t.is(res.status, status, path)
    t.is(res.headers.get('content-type'), 'application/problem+json', path)
    t.is((await res.json() as { code: string }).code, code, path)
  }
})

test('/openapi.json lists exactly the routes the app serves, with the JSON body schema of each POST and PATCH', async (t) => {
  const c = await started(t)
  const doc = await (await fetch(`${c.httpUrl}/openapi.json`)).json() as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { type: string, properties?: Record<string, unknown> } }> } }>> }
  const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`)).sort()
  t.deepEqual(documented, [...c.routes])
  t.true(c.routes.includes('GET /v1/nodes/{peerId}/conformance'))
  const reinstate = doc.paths['/v1/nodes/{peerId}/reinstate']?.post?.requestBody?.content['application/json']?.schema
  t.is(reinstate?.type, 'object')
  t.deepEqual(Object.keys(reinstate?.properties ?? {}).sort(), ['reason', 'remediation', 'to'])
  const bodiless = ['/v1/pause-requests/{id}/approve']
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if ((method === 'post' || method === 'patch') && !bodiless.includes(path)) t.truthy(op.requestBody, `${method} ${path} documents its body`)
    }
  }
})
