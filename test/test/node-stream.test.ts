import test from 'ava'
import { startNetwork, waitFor, type TestNode } from '@lienthong/test'

const HCM = '000.00.00.H29'
const VPCP = '000.00.00.G22'

interface SseEvent { id: string, event: string, data: string }

/** Read server-sent events from the inbox stream until `count` arrived (bounded by the caller's abort). */
async function readEvents (node: TestNode, count: number, lastEventId: string | undefined, signal: AbortSignal): Promise<SseEvent[]> {
  const res = await node.api.raw('/v1/inbox/stream', { signal, headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId } })
  if (res.status !== 200 || res.body === null) throw new Error(`stream answered ${res.status}`)
  const events: SseEvent[] = []
  const decoder = new TextDecoder()
  let buffer = ''
  const reader = res.body.getReader()
  try {
    while (events.length < count) {
      const chunk = await reader.read()
      if (chunk.done) break
      buffer += decoder.decode(chunk.value as Uint8Array, { stream: true })
      let cut: number
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut)
        buffer = buffer.slice(cut + 2)
        const field = (name: string): string => block.split('\n').filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).trimStart()).join('\n')
        if (field('data') !== '') events.push({ id: field('id'), event: field('event'), data: field('data') })
      }
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return events
}

async function send (from: TestNode, text: string): Promise<string> {
  const res = await from.api.post<{ id: string }>('/v1/outbox', { from: HCM, to: [VPCP], contentType: 'text/plain', payload: Buffer.from(text).toString('base64') })
  if (res.status !== 202) throw new Error(JSON.stringify(res.body))
  return res.body.id
}

test('the inbox stream delivers new documents as server-sent events and resumes after Last-Event-ID', async (t) => {
  const net = await startNetwork(t, [{ name: 'hcm', orgs: [HCM] }, { name: 'vpcp', orgs: [VPCP] }])
  const hcm = net.nodes.hcm!
  const vpcp = net.nodes.vpcp!
  const abort = new AbortController()
  t.teardown(() => { abort.abort() })
  const timer = setTimeout(() => { abort.abort() }, 20_000)
  t.teardown(() => { clearTimeout(timer) })

  const live = readEvents(vpcp, 2, undefined, abort.signal)
  const first = await send(hcm, 'một')
  const second = await send(hcm, 'hai')
  const events = await live
  t.deepEqual(events.map((e) => (JSON.parse(e.data) as { id: string }).id), [first, second])
  t.true(events.every((e) => e.event === 'document' && e.id !== ''))

  const third = await send(hcm, 'ba')
  await waitFor('the third document', async () => (await vpcp.api.get<{ entries: unknown[] }>('/v1/inbox')).body.entries.length === 3)
  const resumed = await readEvents(vpcp, 1, events[1]!.id, abort.signal)
  t.deepEqual(resumed.map((e) => (JSON.parse(e.data) as { id: string }).id), [third])
})

test('/metrics counts envelopes and /openapi.json describes the API, both without a token', async (t) => {
  const net = await startNetwork(t, [{ name: 'hcm', orgs: [HCM] }, { name: 'vpcp', orgs: [VPCP] }])
  const hcm = net.nodes.hcm!
  const vpcp = net.nodes.vpcp!
  await send(hcm, 'đo đếm')
  await waitFor('a received envelope in the metrics', async () => /lienthong_envelopes_received_total\S* [1-9]/.test(await (await fetch(`${vpcp.node.httpUrl}/metrics`)).text()))
  const metrics = await (await fetch(`${hcm.node.httpUrl}/metrics`)).text()
  t.regex(metrics, /lienthong_envelopes_sent_total/)
  t.regex(metrics, /lienthong_delivery_latency_seconds_bucket/)
  const openapi = await (await fetch(`${hcm.node.httpUrl}/openapi.json`)).json() as { openapi: string, paths: Record<string, unknown> }
  t.is(openapi.openapi, '3.1.0')
  for (const path of ['/v1/outbox', '/v1/outbox/{id}', '/v1/inbox', '/v1/inbox/stream', '/v1/inbox/{id}/payload', '/v1/inbox/{id}/ack', '/v1/inbox/{id}/status', '/v1/health']) {
    t.truthy(openapi.paths[path], path)
  }
  // Every route the app serves is in the document, with its method (Hono's /:id is OpenAPI's /{id}).
  const documented = openapi.paths as Record<string, Record<string, unknown>>
  const missing = hcm.node.routes
    .filter((r) => r.path !== '/openapi.json')
    .filter((r) => documented[r.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()] === undefined)
    .map((r) => `${r.method} ${r.path}`)
  t.deepEqual(missing, [])
  const health = await hcm.api.get<{ status: string, membership: string, queues: { outbox: { delivered: number } } }>('/v1/health')
  t.is(health.body.status, 'ok')
  t.is(health.body.membership, 'official')
})
