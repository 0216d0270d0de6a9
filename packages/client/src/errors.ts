import { ERROR_CODE_PATTERN, LienthongError, type ErrorMeta, type JsonValue } from '@lienthong/errors'

/**
 * Codes the client raises itself. Any other `ClientError.code` is the server's own problem+json
 * code (e.g. `unknown-recipient`, `membership-not-pending`), passed through unchanged.
 */
export const ClientErrorCode = {
  /** The server could not be reached (connection refused, reset, DNS...). */
  NETWORK: 'client-network',
  /** The server answered with an error status but no problem+json body. */
  HTTP_STATUS: 'client-http-status',
  /** The server answered 2xx with a body that is not the JSON expected. */
  BAD_RESPONSE: 'client-bad-response',
  /** The caller's AbortSignal fired. */
  ABORTED: 'client-aborted'
} as const

export type ClientErrorCode = typeof ClientErrorCode[keyof typeof ClientErrorCode]

/** An RFC 9457 problem document as both Lienthong APIs return it. */
export interface Problem {
  type: string
  title: string
  status: number
  code: string
  detail: string
  instance?: string
  meta?: { [key: string]: JsonValue }
}

/**
 * A failed API call. `code` is the server's stable problem code when it sent one, else one of
 * `ClientErrorCode`; `status` is the HTTP status (0 when no answer came); `detail` the server's
 * explanation. Never carries the token or the payload.
 */
export class ClientError extends LienthongError {
  readonly status: number
  readonly detail: string
  /** The problem document's `meta` (e.g. `field` of a 400), when the server sent one. */
  readonly problemMeta: { [key: string]: JsonValue } | undefined

  constructor (code: string, detail: string, init: { status: number, method: string, path: string, problemMeta?: { [key: string]: JsonValue } }, options?: { cause?: unknown }) {
    const meta: ErrorMeta = { status: init.status, method: init.method, path: init.path }
    if (init.problemMeta !== undefined) meta.problem = init.problemMeta
    super(ERROR_CODE_PATTERN.test(code) ? code : ClientErrorCode.HTTP_STATUS, detail, meta, options)
    this.name = 'ClientError'
    this.status = init.status
    this.detail = detail
    this.problemMeta = init.problemMeta
  }
}

function isProblem (value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.code === 'string' && typeof v.status === 'number'
}

/** Turn a non-2xx response into a ClientError (reads the body). */
export async function errorFromResponse (res: Response, method: string, path: string): Promise<ClientError> {
  const text = await res.text().catch(() => '')
  let body: unknown
  try { body = JSON.parse(text) } catch { body = undefined }
  if (isProblem(body)) {
    const detail = typeof body.detail === 'string' ? body.detail : body.title
    return new ClientError(body.code, detail, { status: res.status, method, path, ...(body.meta === undefined ? {} : { problemMeta: body.meta }) })
  }
  return new ClientError(ClientErrorCode.HTTP_STATUS, `${method} ${path} answered HTTP ${res.status}`, { status: res.status, method, path })
}

/** Narrow an unknown thrown value to a ClientError; optionally check its code. */
export function isClientError (err: unknown, code?: string): err is ClientError {
  return err instanceof ClientError && (code === undefined || err.code === code)
}
