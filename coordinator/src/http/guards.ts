import type { Context, MiddlewareHandler } from 'hono'
import { publicKeyFromPeerId } from '@lienthong/crypto'
import type { z } from 'zod'
import { HttpError, HttpErrorCode, parseWith } from '@lienthong/http'
import { isRequestId } from '@lienthong/membership'
import { isOrgCode } from '@lienthong/registry'
import { CoordinatorErrorCode } from '../errors.js'

/** The largest body any coordinator route reads (admin changes); routes have smaller limits of their own. */
export const MAX_BODY_BYTES = 1 << 20

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i

/**
 * Checks that run before any handler reads a body (architecture §7): a body must be declared
 * `application/json` (415 `unsupported-media-type` otherwise) and a declared length above
 * {@link MAX_BODY_BYTES} is refused with 413 before a byte of it is buffered.
 */
export function jsonBodyGuard (): MiddlewareHandler {
  return async (ctx, next) => {
    const length = ctx.req.header('content-length')
    const chunked = ctx.req.header('transfer-encoding') !== undefined
    const hasBody = chunked || (length !== undefined && length !== '0')
    if (hasBody && ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD') {
      if (length !== undefined && Number(length) > MAX_BODY_BYTES) {
        throw new HttpError(413, HttpErrorCode.TOO_LARGE, `body larger than ${MAX_BODY_BYTES} bytes`, { limit: MAX_BODY_BYTES })
      }
      const type = ctx.req.header('content-type') ?? ''
      if (!JSON_TYPE.test(type)) {
        throw new HttpError(415, CoordinatorErrorCode.UNSUPPORTED_MEDIA_TYPE, 'the body must be JSON sent as content-type: application/json', { field: 'content-type' })
      }
    }
    await next()
  }
}

/** The `:peerId` path parameter, or 400 `bad-request` (field `peerId`) when it is not an ed25519 PeerId. */
export function peerIdParam (ctx: Context): string {
  const peerId = ctx.req.param('peerId') ?? ''
  try {
    publicKeyFromPeerId(peerId)
  } catch {
    throw new HttpError(400, HttpErrorCode.BAD_REQUEST, 'path parameter "peerId" must be an ed25519 PeerId', { field: 'peerId' })
  }
  return peerId
}

/** The `:id` path parameter of a join or pause request, or 400 `bad-request` (field `id`). */
export function requestIdParam (ctx: Context): string {
  const id = ctx.req.param('id') ?? ''
  if (!isRequestId(id)) throw new HttpError(400, HttpErrorCode.BAD_REQUEST, 'path parameter "id" must be a request id (26 characters of Crockford base32)', { field: 'id' })
  return id
}

/** The `:code` path parameter, or 400 `registry-bad-org-code` (field `code`). */
export function orgCodeParam (ctx: Context): string {
  const code = ctx.req.param('code') ?? ''
  if (!isOrgCode(code)) throw new HttpError(400, 'registry-bad-org-code', 'path parameter "code" must be an organisation code such as 000.00.00.H29', { field: 'code' })
  return code
}

/** 404 `membership-not-found` for a request id the store does not hold. */
export function requestNotFound (kind: 'join' | 'pause', id: string): HttpError {
  return new HttpError(404, 'membership-not-found', `no such ${kind} request`, { id })
}

/** An optional query parameter that must be one of `values`, or 400 `bad-query` naming it. */
export function enumQuery<T extends string> (ctx: Context, name: string, values: readonly T[]): T | undefined {
  const raw = ctx.req.query(name)
  if (raw === undefined || raw === '') return undefined
  if (!(values as readonly string[]).includes(raw)) {
    throw new HttpError(400, HttpErrorCode.BAD_QUERY, `query parameter "${name}" must be one of ${values.join(', ')}`, { field: name })
  }
  return raw as T
}

/** An optional query parameter holding a request id (a paging cursor), or 400 `bad-query`. */
export function requestIdQuery (ctx: Context, name: string): string | undefined {
  const raw = ctx.req.query(name)
  if (raw === undefined || raw === '') return undefined
  if (!isRequestId(raw)) throw new HttpError(400, HttpErrorCode.BAD_QUERY, `query parameter "${name}" must be a request id`, { field: name })
  return raw
}

/** An optional query parameter holding a PeerId, or 400 `bad-query`. */
export function peerIdQuery (ctx: Context, name: string): string | undefined {
  const raw = ctx.req.query(name)
  if (raw === undefined || raw === '') return undefined
  try {
    publicKeyFromPeerId(raw)
  } catch {
    throw new HttpError(400, HttpErrorCode.BAD_QUERY, `query parameter "${name}" must be an ed25519 PeerId`, { field: name })
  }
  return raw
}

/**
 * `parseWith` of @lienthong/http, except that an unknown key is named in `meta.field` (zod reports
 * it on the enclosing object, which would name only `(body)`).
 */
export function parseBody<T> (schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  const first = result.error.issues[0]
  if (first?.code === 'unrecognized_keys') {
    const field = [...first.path, first.keys[0] ?? ''].join('.')
    throw new HttpError(400, HttpErrorCode.BAD_REQUEST, `invalid field "${field}": not a known field`, {
      field,
      problems: result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    })
  }
  return parseWith(schema, data)
}
