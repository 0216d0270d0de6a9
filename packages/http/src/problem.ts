import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { LienthongError, type ErrorMeta, type Logger } from '@lienthong/errors'
import { HttpErrorCode } from './errors.js'

/** RFC 9457 problem details, with the stable `code` every Lienthong error carries. */
export interface Problem {
  type: string
  title: string
  status: number
  code: string
  detail: string
  instance?: string
  meta?: ErrorMeta
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'
const TYPE_BASE = 'https://lienthong.invalid/problems/'

/** An error that already knows its HTTP status. */
export class HttpError extends LienthongError {
  readonly status: ContentfulStatusCode
  constructor (status: ContentfulStatusCode, code: string, message: string, meta: ErrorMeta = {}) {
    super(code, message, meta)
    this.status = status
  }
}

/** Maps an error code to an HTTP status (undefined: not this map's business). */
export type StatusOf = (code: string) => ContentfulStatusCode | undefined

export function toProblem (err: LienthongError, status: number, instance?: string): Problem {
  const problem: Problem = {
    type: TYPE_BASE + err.code,
    title: err.code.replace(/-/g, ' '),
    status,
    code: err.code,
    detail: err.message
  }
  if (instance !== undefined) problem.instance = instance
  if (Object.keys(err.meta).length > 0) problem.meta = err.meta
  return problem
}

export function problemResponse (c: Context, err: LienthongError, status: ContentfulStatusCode): Response {
  return c.newResponse(JSON.stringify(toProblem(err, status, c.req.path)), status, { 'content-type': PROBLEM_CONTENT_TYPE })
}

/**
 * The one error funnel of an app (`app.onError(errorFunnel(...))`): handlers throw, this turns
 * the error into problem+json. Typed errors keep their code; anything else is a 500 whose details
 * go to the log only.
 */
export function errorFunnel (init: { statusOf?: StatusOf, logger: Logger }): (err: Error, c: Context) => Response {
  return (err, c) => {
    if (err instanceof HttpError) return problemResponse(c, err, err.status)
    if (err instanceof LienthongError) {
      const status = init.statusOf?.(err.code) ?? 422
      return problemResponse(c, err, status)
    }
    init.logger.error({ err: { name: err.name, message: err.message, stack: err.stack }, path: c.req.path }, 'unhandled error in HTTP handler')
    return problemResponse(c, new LienthongError(HttpErrorCode.INTERNAL, 'internal error; see the server log'), 500)
  }
}

/** 404 for unknown routes, as problem+json. */
export function notFound (c: Context): Response {
  return problemResponse(c, new LienthongError(HttpErrorCode.NOT_FOUND, `no route for ${c.req.method} ${c.req.path}`), 404)
}
