import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { z } from 'zod'
import { HttpError, HttpErrorCode, intQuery, parseWith, readJson } from '@lienthong/http'
import type { Relay } from '@lienthong/relay'

export const statusSchema = z.object({
  code: z.string().regex(/^[0-9]{2}$/, 'a two-digit national status code, e.g. "01"'),
  note: z.string().max(2000).optional()
}).strict()

const INLINE_QUERY = (v: string | undefined): boolean => v !== 'false' && v !== '0'

/**
 * `GET /?after&limit`, `GET /stream` (server-sent events, resumable with Last-Event-ID),
 * `GET /:id`, `GET /:id/payload`, `POST /:id/ack`, `POST /:id/status`. Mount under `/v1/inbox`.
 */
export function inboxRoutes (relay: Relay): Hono {
  const app = new Hono()
  app.get('/', async (c) => {
    const limit = intQuery(c, 'limit', 50, 1000)
    if (limit < 1) throw new HttpError(400, HttpErrorCode.BAD_QUERY, 'query parameter "limit" must be from 1 to 1000', { field: 'limit' })
    const after = c.req.query('after')
    return c.json(await relay.inboxPage({ limit, inlinePayloads: INLINE_QUERY(c.req.query('inline')), ...(after === undefined || after === '' ? {} : { after }) }))
  })
  app.get('/stream', (c) => {
    const after = c.req.header('last-event-id') ?? c.req.query('after')
    return streamSSE(c, async (stream) => {
      const abort = new AbortController()
      stream.onAbort(() => { abort.abort() })
      for await (const entry of relay.followInbox(after === '' ? undefined : after, abort.signal)) {
        await stream.writeSSE({ id: entry.cursor, event: 'document', data: JSON.stringify(entry) })
      }
    })
  })
  app.get('/:id', async (c) => {
    const entry = await relay.inboxEntry(c.req.param('id'), { inlinePayload: INLINE_QUERY(c.req.query('inline')) })
    if (entry === undefined) throw new HttpError(404, 'not-found', `no document ${c.req.param('id')} in the inbox`, { id: c.req.param('id') })
    return c.json(entry)
  })
  app.get('/:id/payload', async (c) => {
    const { contentType, length, stream } = await relay.openInboxPayload(c.req.param('id'))
    const iterator = stream[Symbol.asyncIterator]()
    const body = new ReadableStream<Uint8Array>({
      async pull (controller) {
        const next = await iterator.next()
        if (next.done === true) controller.close()
        else controller.enqueue(next.value)
      },
      async cancel () { await iterator.return?.() }
    })
    return new Response(body, { status: 200, headers: { 'content-type': contentType, 'content-length': String(length) } })
  })
  app.post('/:id/ack', async (c) => {
    const acked = await relay.ack(c.req.param('id'))
    if (!acked) throw new HttpError(404, 'not-found', `no document ${c.req.param('id')} in the inbox`, { id: c.req.param('id') })
    return c.json({ id: c.req.param('id'), acked: true })
  })
  app.post('/:id/status', async (c) => {
    const { code, note } = parseWith(statusSchema, await readJson(c, 64 * 1024))
    const result = await relay.sendStatus(c.req.param('id'), { code, ...(note === undefined ? {} : { note }) })
    return c.json(result, 202)
  })
  return app
}
