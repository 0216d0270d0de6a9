/**
 * The one base error of Lienthong: a stable machine-readable `code` plus JSON-safe metadata.
 *
 * Every package declares its codes in its own `errors.ts` and throws `LienthongError`
 * (or a subclass). Codes never change once released: tests, HTTP problem documents and
 * wire refusals all carry them.
 *
 * @example
 * ```ts
 * import { LienthongError, isLienthongError } from '@lienthong/errors'
 * throw new LienthongError('envelope-too-large', 'envelope header exceeds the limit', { size: 70000, limit: 65536 })
 * ```
 */

/** A value that survives JSON.stringify / JSON.parse unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** Metadata attached to an error: plain JSON data, never keys or payloads. */
export type ErrorMeta = Record<string, JsonValue>

/** Stable codes are lower-case words joined by dashes, e.g. `envelope-bad-signature`. */
export const ERROR_CODE_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

export class LienthongError extends Error {
  /** Stable, never renamed once released. */
  readonly code: string
  /** JSON-safe details: sizes, limits, field names, identifiers. */
  readonly meta: ErrorMeta

  constructor (code: string, message: string, meta: ErrorMeta = {}, options?: { cause?: unknown }) {
    super(message, options)
    if (!ERROR_CODE_PATTERN.test(code)) throw new TypeError(`invalid error code: ${code}`)
    this.name = 'LienthongError'
    this.code = code
    this.meta = meta
  }

  /** The shape used in logs and in problem+json bodies. */
  toJSON (): { code: string, message: string, meta: ErrorMeta } {
    return { code: this.code, message: this.message, meta: this.meta }
  }
}

/** Narrow an unknown thrown value; optionally check its code. */
export function isLienthongError (err: unknown, code?: string): err is LienthongError {
  return err instanceof LienthongError && (code === undefined || err.code === code)
}

export { type Logger, silentLogger } from './logger.js'
export { Emitter, type Listener } from './emitter.js'
