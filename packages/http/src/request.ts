import type { Context } from 'hono'
import { HttpErrorCode } from './errors.js'
import { HttpError } from './problem.js'

/** Parse a JSON body or throw a 400 `bad-json` that says why (`optional`: an empty body reads as `{}`). */
export async function readJson (c: Context, maxBytes = 1 << 20, options: { optional?: boolean } = {}): Promise<unknown> {
  const text = await c.req.text()
  if (options.optional === true && text.trim() === '') return {}
  if (Buffer.byteLength(text) > maxBytes) throw new HttpError(413, HttpErrorCode.TOO_LARGE, `JSON body larger than ${maxBytes} bytes`, { limit: maxBytes })
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new HttpError(400, HttpErrorCode.BAD_JSON, `request body is not valid JSON: ${(err as Error).message}`)
  }
}

/** A non-negative integer query parameter, or the default; 400 `bad-query` naming the field otherwise. */
export function intQuery (c: Context, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = c.req.query(name)
  if (raw === undefined || raw === '') return fallback
  if (!/^[0-9]{1,16}$/.test(raw) || Number(raw) > max) {
    throw new HttpError(400, HttpErrorCode.BAD_QUERY, `query parameter "${name}" must be an integer from 0 to ${max}`, { field: name })
  }
  return Number(raw)
}
