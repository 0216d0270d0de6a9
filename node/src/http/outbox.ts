import { Hono } from 'hono'
import { z } from 'zod'
import { HttpError, HttpErrorCode, parseWith, readJson } from '@lienthong/http'
import type { Relay } from '@lienthong/relay'

export const submitJsonSchema = z.object({
  from: z.string().min(1).max(35),
  to: z.array(z.string().min(1).max(35)).min(1).max(500),
  contentType: z.string().min(1).max(255),
  /** The document, base64. For large documents use the raw upload instead. */
  payload: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
  ttlMs: z.number().int().positive().optional()
}).strict()

/** Largest JSON body: base64 grows 4/3; larger documents go as a raw streamed upload. */
export const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024


async function * bodyChunks (body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

/** `POST /` (JSON or raw streamed body) and `GET /:id`. Mount under `/v1/outbox`. */
export function outboxRoutes (relay: Relay, limits: { maxPayloadBytes: number }): Hono {
  const app = new Hono()
  app.post('/', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    const declared = Number(c.req.header('content-length') ?? NaN)
    if (type === 'application/json') {
      if (declared > MAX_JSON_BODY_BYTES) {
        throw new HttpError(413, HttpErrorCode.TOO_LARGE, `a JSON submission is limited to ${MAX_JSON_BODY_BYTES} bytes; send large documents as a raw application/octet-stream body`, { limit: MAX_JSON_BODY_BYTES })
      }
      const { payload, ttlMs, ...rest } = parseWith(submitJsonSchema, await readJson(c, MAX_JSON_BODY_BYTES))
      const bytes = new Uint8Array(Buffer.from(payload, 'base64'))
      const result = await relay.submit({ ...rest, payload: bytes, ...(ttlMs === undefined ? {} : { ttlMs }) })
      return c.json(result, 202)
    }
    if (type === 'application/octet-stream') {
      const from = c.req.query('from')
      const to = c.req.queries('to')?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '') ?? []
      const contentType = c.req.query('contentType')
      const ttlRaw = c.req.query('ttlMs')
      const fields = parseWith(submitJsonSchema.omit({ payload: true }), { from, to, contentType, ...(ttlRaw === undefined ? {} : { ttlMs: Number(ttlRaw) }) })
      if (declared > limits.maxPayloadBytes) {
        throw new HttpError(413, HttpErrorCode.TOO_LARGE, `the document is larger than this node accepts (${limits.maxPayloadBytes} bytes)`, { limit: limits.maxPayloadBytes, size: declared })
      }
      const body = c.req.raw.body
      if (body === null) throw new HttpError(400, HttpErrorCode.BAD_REQUEST, 'the request has no body', { field: '(body)' })
      const { ttlMs, ...rest } = fields
      const result = await relay.submit({ ...rest, payload: bodyChunks(body), ...(ttlMs === undefined ? {} : { ttlMs }) })
      return c.json(result, 202)
    }
    throw new HttpError(415, 'unsupported-media-type', 'send application/json ({from, to[], contentType, payload}) or application/octet-stream (from, to, contentType in the query)', { contentType: type })
  })
  app.get('/:id', async (c) => {
    const record = await relay.outboxRecord(c.req.param('id'))
    if (record === undefined) throw new HttpError(404, 'not-found', `no document ${c.req.param('id')} in the outbox`, { id: c.req.param('id') })
    return c.json(record)
  })
  return app
}
