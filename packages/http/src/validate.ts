import type { z } from 'zod'
import { HttpErrorCode } from './errors.js'
import { HttpError } from './problem.js'

/**
 * Validate a parsed body (or query) against a zod schema; on failure a 400 `bad-request` whose
 * message and `meta.field` name the first bad field, with every problem in `meta.problems`.
 */
export function parseWith<T> (schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  const issues = result.error.issues
  const first = issues[0]
  const field = first === undefined ? '(body)' : first.path.join('.') || '(body)'
  throw new HttpError(400, HttpErrorCode.BAD_REQUEST, `invalid field "${field}": ${first?.message ?? 'invalid'}`, {
    field,
    problems: issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
  })
}
