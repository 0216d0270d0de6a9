import { sha256, verify } from '@lienthong/crypto'
import { DEFAULT_MAX_CLOCK_SKEW_MS, ENVELOPE_DOMAIN } from './constants.js'
import type { SignedEnvelope } from './envelope.js'
import { EnvelopeErrorCode } from './errors.js'
import { bytesEqual } from './fields.js'

/** Outcome of a verification: `ok`, or the stable reason code of the refusal. */
export type VerifyResult = { ok: true } | { ok: false, code: EnvelopeErrorCode, reason: string }

/** Options of {@link verifyEnvelope}. */
export interface VerifyEnvelopeOptions {
  /** The local clock (ms since epoch); default `Date.now()`. */
  now?: number
  /** How far in the future createdAt may be (default 5 minutes). */
  maxClockSkewMs?: number
  /** Refuse unless the sender node key is exactly this one (e.g. the authenticated peer). */
  expectedSender?: Uint8Array
  /** The detached payload to check against the header (default: the inline payload, if any). */
  payload?: Uint8Array
}

const OK: VerifyResult = Object.freeze({ ok: true })

function fail (code: EnvelopeErrorCode, reason: string): VerifyResult {
  return { ok: false, code, reason }
}

/** SHA-256 of the envelope's header bytes, as received: what a receipt commits to. */
export function envelopeDigest (env: SignedEnvelope): Uint8Array {
  return sha256(env.headerBytes)
}

/**
 * Check that a payload matches the header's length and SHA-256 (for a payload that travelled
 * separately). Returns `envelope-payload-mismatch` otherwise.
 */
export function verifyPayload (env: SignedEnvelope, payload: Uint8Array): VerifyResult {
  if (payload.length !== env.header.payloadLength) return fail(EnvelopeErrorCode.PAYLOAD_MISMATCH, 'payload length differs from the header')
  if (!bytesEqual(sha256(payload), env.header.payloadHash)) return fail(EnvelopeErrorCode.PAYLOAD_MISMATCH, 'payload hash differs from the header')
  return OK
}

/**
 * Verify a decoded envelope: expected sender, clock (not from the future beyond the skew, not
 * expired), the ed25519 signature over the exact received header bytes, then the payload (given
 * or inline) against the signed hash and length. Cheap checks run first. A detached payload that
 * is not given is not checked here: check it with {@link verifyPayload} when it arrives.
 */
export function verifyEnvelope (env: SignedEnvelope, opts: VerifyEnvelopeOptions = {}): VerifyResult {
  const { header } = env
  if (opts.expectedSender !== undefined && !bytesEqual(opts.expectedSender, header.senderNode)) {
    return fail(EnvelopeErrorCode.WRONG_SENDER, 'sender node is not the expected one')
  }
  const now = opts.now ?? Date.now()
  const skew = opts.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS
  if (header.createdAt > now + skew) return fail(EnvelopeErrorCode.FROM_FUTURE, 'createdAt is later than now plus the tolerated skew')
  if (now >= header.expiresAt) return fail(EnvelopeErrorCode.EXPIRED, 'envelope expired')
  let signed: boolean
  try {
    signed = verify(header.senderNode, ENVELOPE_DOMAIN, env.headerBytes, env.signature)
  } catch {
    signed = false // wrong key or signature length: not a valid signature
  }
  if (!signed) return fail(EnvelopeErrorCode.BAD_SIGNATURE, 'signature does not verify')
  const payload = opts.payload ?? env.payload
  return payload === null ? OK : verifyPayload(env, payload)
}
