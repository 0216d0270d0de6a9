import { assertBytes, assertToken, assertUint, assertUlid } from './record-codec.js'
import type { OutboxRecordHead } from './outbox-codec.js'

/** Options of the outbox state transitions. */
export interface TransitionOptions {
  /** When it happened (ms). Default `Date.now()`. */
  at?: number
  /** A human-readable detail kept with a failure reason (no payloads, no secrets). */
  message?: string
}

/** Longest failure message kept, in characters. */
const MAX_MESSAGE_LENGTH = 1024

/** TypeError unless `s` is a well-formed submission. */
export function checkSubmission (s: OutboxRecordHead & { firstAttemptAt?: number }): void {
  if (typeof s !== 'object' || s === null) throw new TypeError('submission must be an object')
  assertUlid(s.id)
  assertBytes(s.envelopeBytes, 'envelopeBytes')
  if (s.payloadHash !== undefined) assertBytes(s.payloadHash, 'payloadHash', 32)
  assertUint(s.createdAt, 'createdAt')
  assertUint(s.expiresAt, 'expiresAt')
  if (s.firstAttemptAt !== undefined) assertUint(s.firstAttemptAt, 'firstAttemptAt')
  if (!Array.isArray(s.recipients) || s.recipients.length === 0) throw new TypeError('recipients must be a non-empty array')
  s.recipients.forEach((r, i) => {
    if (typeof r !== 'object' || r === null) throw new TypeError(`recipient ${i} must be an object`)
    assertToken(r.org, `recipient ${i} org`)
    assertToken(r.nodePeerId, `recipient ${i} nodePeerId`)
    if (r.redirectedFrom !== undefined) assertToken(r.redirectedFrom, `recipient ${i} redirectedFrom`)
  })
}

/** TypeError unless the arguments of a transition are well-formed. */
export function checkTransition (id: string, peerId: string, options: TransitionOptions, code?: string): void {
  assertUlid(id)
  assertToken(peerId, 'peerId')
  if (code !== undefined) assertToken(code, 'code')
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  if (options.at !== undefined) assertUint(options.at, 'at')
  if (options.message !== undefined && (typeof options.message !== 'string' || options.message.length > MAX_MESSAGE_LENGTH)) {
    throw new TypeError(`message must be a string of at most ${MAX_MESSAGE_LENGTH} characters`)
  }
}
