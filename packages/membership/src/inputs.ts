import { MAX_TEXT_LENGTH } from './constants.js'
import { badField, hasControl, text } from './fields.js'

/**
 * A reason typed by an operator or a unit: up to 2000 characters, line breaks allowed; when
 * `required`, not blank. `membership-bad-request` (meta.field) otherwise.
 */
export function checkReason (value: unknown, field: string, required: boolean): string {
  const reason = text(value, field, { min: 0, max: MAX_TEXT_LENGTH, multiline: true })
  if (required && reason.trim() === '') throw badField(field, 'is required')
  return reason
}

/** An operator's token name (actor); TypeError when missing (the route always knows it). */
export function checkActor (actor: unknown): string {
  if (typeof actor !== 'string' || actor.length < 1 || actor.length > 128 || hasControl(actor)) {
    throw new TypeError('actor must be a token name of 1..128 printable characters')
  }
  return actor
}

/** A page size (often from a query string): an integer in 1..max; `membership-bad-request` (field `limit`) otherwise. */
export function pageLimit (limit: unknown, max: number): number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > max) {
    throw badField('limit', `must be an integer in 1..${max}`)
  }
  return limit
}
