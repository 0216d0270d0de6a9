import test from 'ava'
import { ClientError, NodeClient, type InboxEntry } from '@lienthong/client'
import { json, localServer } from './local-server.js'

const accepted = { id: '01TEST', recipients: [], warnings: [] }

function entry (id: string): InboxEntry {
  return { id, cursor: `c-${id}`, from: { org: '000.00.00.G22', node: 'peer' }, to: ['000.00.00.H29'], contentType: 'text/plain', createdAt: 1, receivedAt: 2, expiresAt: 3, length: 1, acked: false, payload: null }
}

test('send: text goes as JSON with a base64 payload', async (t) => {
  const { url, seen } = await localServer(t, (_req, res) => { json(res, 202, accepted) })
  const node = new NodeClient({ baseUrl: url + '/', token: 'tok' })
  const result = await node.send({ from: '000.00.00.G22', to: ['000.00.00.H29'], contentType: 'text/plain; charset=utf-8', payload: 'Tờ trình số 1', ttlMs: 60_000 })
  t.deepEqual(result, accepted)
  const req = seen[0]!
  t.is(req.method, 'POST')
  t.is(req.url, '/v1/outbox')
  t.is(req.headers['content-type'], 'application/json')
  const body = JSON.parse(req.body.toString('utf8')) as { payload: string, to: string[], ttlMs: number }
  t.is(Buffer.from(body.payload, 'base64').toString('utf8'), 'Tờ trình số 1')
  t.deepEqual(body.to, ['000.00.00.H29'])
  t.is(body.ttlMs, 60_000)
})

test('send: bytes above jsonMaxBytes and any stream go raw, with the fields in the query', async (t) => {
  const { url, seen } = await localServer(t, (_req, res) => { json(res, 202, accepted) })
  const node = new NodeClient({ baseUrl: url, token: 'tok', jsonMaxBytes: 8 })
  const big = new Uint8Array(100).map((_, i) => i)
  await node.send({ from: '000.00.00.G22', to: ['000.00.00.H29', '000.00.00.H26'], contentType: 'application/pdf', payload: big })
  async function * chunks (): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < 5; i++) {
      await Promise.resolve()
      yield new Uint8Array([i, i, i])
    }
  }
  await node.send({ from: '000.00.00.G22', to: ['000.00.00.H15'], contentType: 'application/pdf', payload: chunks() })
  const [raw, streamed] = seen
  const query = new URL(raw!.url, url).searchParams
  t.is(raw!.headers['content-type'], 'application/octet-stream')
  t.deepEqual(query.getAll('to'), ['000.00.00.H29', '000.00.00.H26'])
  t.is(query.get('contentType'), 'application/pdf')
  t.deepEqual([...raw!.body], [...big])
  t.is(streamed!.headers['transfer-encoding'], 'chunked', 'a stream is uploaded as it is read')
  t.deepEqual([...streamed!.body], [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4])
})

test('payload: streams the bytes with their content type and length', async (t) => {
  const { url } = await localServer(t, (req, res) => {
    t.is(req.url, '/v1/inbox/01A%2FB/payload')
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength('Công văn')) })
    res.end('Công văn')
  })
  const payload = await new NodeClient({ baseUrl: url, token: 'tok' }).payload('01A/B')
  t.is(payload.contentType, 'text/plain')
  t.is(payload.length, 10)
  t.is(await payload.text(), 'Công văn')
})

test('stream: reconnects after the server drops it and resumes with Last-Event-ID', async (t) => {
  let connections = 0
  const { url, seen } = await localServer(t, (_req, res) => {
    connections++
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    if (connections === 1) {
      res.write(': hello\n\n')
      res.write(`event: document\nid: c-a\ndata: ${JSON.stringify(entry('a'))}\n\n`)
      res.end(`event: document\nid: c-b\ndata: ${JSON.stringify(entry('b'))}\n\n`)
    } else {
      res.write(`event: document\nid: c-c\ndata: ${JSON.stringify(entry('c'))}\n\n`)
    }
  })
  const abort = new AbortController()
  const timer = setTimeout(() => { abort.abort() }, 10_000)
  t.teardown(() => { clearTimeout(timer) })
  const disconnects: number[] = []
  const node = new NodeClient({ baseUrl: url, token: 'tok' })
  const ids: string[] = []
  for await (const doc of node.stream({ signal: abort.signal, initialRetryMs: 10, onDisconnect: (d) => { disconnects.push(d.attempt) } })) {
    ids.push(doc.id)
    if (ids.length === 3) break
  }
  t.deepEqual(ids, ['a', 'b', 'c'])
  t.deepEqual(disconnects, [1])
  t.is(seen[0]?.headers['last-event-id'], undefined)
  t.is(seen[1]?.headers['last-event-id'], 'c-b')
  t.is(seen[1]?.headers.authorization, 'Bearer tok')
})

test('stream: starts after the given cursor and ends quietly when the signal aborts', async (t) => {
  const { url, seen } = await localServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write(`event: document\nid: c-z\ndata: ${JSON.stringify(entry('z'))}\n\n`)
  })
  const abort = new AbortController()
  const ids: string[] = []
  for await (const doc of new NodeClient({ baseUrl: url, token: 'tok' }).stream({ after: 'c-y', signal: abort.signal })) {
    ids.push(doc.id)
    abort.abort()
  }
  t.deepEqual(ids, ['z'])
  t.is(seen[0]?.headers['last-event-id'], 'c-y')
})

test('stream: a refused token is thrown at once, not retried', async (t) => {
  const { url, seen } = await localServer(t, (_req, res) => {
    json(res, 401, { type: 'x', title: 'unauthorized', status: 401, code: 'unauthorized', detail: 'missing or unknown token' }, 'application/problem+json')
  })
  const stream = new NodeClient({ baseUrl: url, token: 'wrong' }).stream({ initialRetryMs: 10 })
  const err = await t.throwsAsync(stream.next(), { instanceOf: ClientError })
  t.is(err.code, 'unauthorized')
  t.is(err.status, 401)
  t.is(seen.length, 1)
})
