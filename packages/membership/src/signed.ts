import { decodeCanonicalCbor } from '@lienthong/codec'
import { assertValidPublicKey, SIGNATURE_LENGTH, verify } from '@lienthong/crypto'
import { LienthongError } from '@lienthong/errors'
import { isNetworkName } from '@lienthong/registry'
import { DEFAULT_MAX_REQUEST_SKEW_MS, MAX_REQUEST_BYTES } from './constants.js'
import { MembershipErrorCode } from './errors.js'
import { badField, isPlainMap, type Raw } from './fields.js'

/** A request with the exact bytes that were signed and the node's signature over them. */
export interface SignedRequest<T> {
  /** The decoded request. */
  request: T
  /** Its deterministic CBOR encoding, as signed. */
  bytes: Uint8Array
  /** ed25519 signature by the node key over `signedBytes(domain, bytes)`. */
  signature: Uint8Array
}

/** The HTTP (JSON) form of a signed request: both byte strings in standard, padded base64. */
export interface SignedRequestWire {
  request: string
  signature: string
}

/** Options of `verifyJoinRequest` / `verifyPauseRequest`. */
export interface VerifyRequestOptions {
  /** The network this coordinator runs (from network.json); other networks are refused. */
  network: string
  /** The coordinator's clock, Unix ms (default `Date.now()`). */
  now?: number
  /** Freshness window around `now` (default 5 minutes). */
  maxSkewMs?: number
}

export { encodeCbor } from '@lienthong/codec'

/** Strict canonical decoding of a stored or signed map; `error(reason)` (e.g. "is not valid CBOR") for anything else. */
export function decodeCborMap (bytes: Uint8Array, error: (reason: string, cause?: unknown) => LienthongError): Raw {
  const value = decodeCanonicalCbor(bytes, '', Number.MAX_SAFE_INTEGER, (reason, _meta, cause) => { throw error(reason.trimStart(), cause) })
  if (!isPlainMap(value)) throw error('is not a CBOR map')
  return value
}

/** Decode signed request bytes: strict, canonical CBOR map of at most MAX_REQUEST_BYTES. */
export function decodeRequestMap (bytes: Uint8Array): Raw {
  if (bytes.length > MAX_REQUEST_BYTES) throw badField('request', 'is too large', { size: bytes.length, limit: MAX_REQUEST_BYTES })
  const raw = decodeCanonicalCbor(bytes, 'request', MAX_REQUEST_BYTES, (reason, _meta, cause) => {
    throw new LienthongError(MembershipErrorCode.BAD_REQUEST, reason, { field: 'request' }, { cause })
  })
  if (!isPlainMap(raw)) throw badField('request', 'is not a CBOR map')
  return raw
}

function base64Field (value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || value.length > MAX_REQUEST_BYTES * 2) throw badField(field, 'must be a base64 string')
  const out = Buffer.from(value, 'base64')
  // Buffer.from ignores junk: accept only the canonical padded encoding.
  if (out.toString('base64') !== value) throw badField(field, 'must be standard padded base64')
  return new Uint8Array(out)
}

/** Split the JSON wire form into its bytes; `membership-bad-request` (field `request`/`signature`) if malformed. */
export function decodeRequestWire (wire: unknown): { bytes: Uint8Array, signature: Uint8Array } {
  if (!isPlainMap(wire)) throw badField('body', 'must be an object {request, signature}')
  const extra = Object.keys(wire).find(k => k !== 'request' && k !== 'signature')
  if (extra !== undefined) throw badField(extra.slice(0, 64), 'is not a known field')
  const bytes = base64Field(wire.request, 'request')
  const signature = base64Field(wire.signature, 'signature')
  if (signature.length !== SIGNATURE_LENGTH) throw badField('signature', `must be ${SIGNATURE_LENGTH} bytes`)
  return { bytes, signature }
}

/** The JSON wire form of a signed request. */
export function encodeRequestWire (signed: { bytes: Uint8Array, signature: Uint8Array }): SignedRequestWire {
  return {
    request: Buffer.from(signed.bytes).toString('base64'),
    signature: Buffer.from(signed.signature).toString('base64')
  }
}


/** `membership-bad-request` (field publicKey) unless the key is a valid ed25519 point. */
export function checkPublicKey (publicKey: Uint8Array): void {
  try {
    assertValidPublicKey(publicKey)
  } catch (err) {
    throw new LienthongError(MembershipErrorCode.BAD_REQUEST, 'publicKey is not a valid ed25519 public key', { field: 'publicKey' }, { cause: err })
  }
}

/** The checks common to both kinds, in order: signature, network, freshness. */
export function checkSignedRequest (domain: string, publicKey: Uint8Array, bytes: Uint8Array, signature: Uint8Array,
  fields: { network: string, createdAt: number }, options: VerifyRequestOptions): void {
  if (!verify(publicKey, domain, bytes, signature)) {
    throw new LienthongError(MembershipErrorCode.BAD_SIGNATURE, 'the signature is not the node key\'s over this request', {})
  }
  if (fields.network !== options.network) {
    throw new LienthongError(MembershipErrorCode.WRONG_NETWORK, 'the request is for another network',
      { expected: options.network, got: fields.network })
  }
  const now = options.now ?? Date.now()
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_REQUEST_SKEW_MS
  if (Math.abs(now - fields.createdAt) > maxSkewMs) {
    throw new LienthongError(MembershipErrorCode.STALE, 'createdAt is outside the freshness window',
      { createdAt: fields.createdAt, now, maxSkewMs })
  }
}

/** Validate the options of a verify call (programmer mistakes are TypeError/RangeError). */
export function checkVerifyOptions (options: VerifyRequestOptions): void {
  if (options == null || typeof options !== 'object') throw new TypeError('options must be an object')
  if (!isNetworkName(options.network)) throw new TypeError('options.network must be a network name')
  if (options.now != null && !Number.isFinite(options.now)) throw new TypeError('options.now must be a number')
  if (options.maxSkewMs != null && (!Number.isFinite(options.maxSkewMs) || options.maxSkewMs < 0)) {
    throw new RangeError('options.maxSkewMs must be a non-negative number')
  }
}
