import { randomBytes } from 'node:crypto'

// Crockford base32, as in ULIDs: sortable as ASCII, no I L O U.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const TIME_CHARS = 10
const RANDOM_CHARS = 16

/** A request id: 26 characters of Crockford base32, like a ULID. */
export const REQUEST_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/

/** True for a string shaped like a request id. */
export function isRequestId (value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value)
}

function encodeTime (ms: number): string {
  let out = ''
  let rest = Math.max(0, Math.floor(ms))
  for (let i = 0; i < TIME_CHARS; i++) {
    out = (ALPHABET[rest % 32] ?? '0') + out
    rest = Math.floor(rest / 32)
  }
  return out
}

function randomDigits (): number[] {
  return [...randomBytes(RANDOM_CHARS)].map(b => b % 32)
}

/**
 * A generator of time-prefixed ids (48-bit ms time, then 80 random bits), strictly increasing
 * within one generator: ids made in the same millisecond (or when the clock steps back)
 * increment the random part of the previous one, so byte order is creation order.
 */
export function createIdGenerator (now: () => number): () => string {
  let lastTime = -1
  let last: number[] = []
  return () => {
    const t = now()
    if (t > lastTime) {
      lastTime = t
      last = randomDigits()
    } else {
      let i = RANDOM_CHARS - 1
      while (i >= 0 && last[i] === 31) last[i--] = 0
      // 80 random bits overflowing within one millisecond does not happen; start afresh if it did.
      if (i < 0) last = randomDigits()
      else last[i] = (last[i] ?? 0) + 1
    }
    return encodeTime(lastTime) + last.map(d => ALPHABET[d]).join('')
  }
}
