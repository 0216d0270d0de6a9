import { monotonicFactory } from 'ulidx'
import { LienthongError, isLienthongError } from '@lienthong/errors'
import { SIGNATURE_LENGTH, sha256, sign, type NodeKey } from '@lienthong/crypto'
import { decodeCanonicalMap, encodeMap, fieldsToMap, mapToFields } from './cbor.js'
import { DEFAULT_TTL_MS, ENVELOPE_DOMAIN, ENVELOPE_VERSION, EnvelopeKey } from './constants.js'
import { EnvelopeErrorCode } from './errors.js'
import { isTimestamp } from './fields.js'
import { FrameError, readFrame, writeFrame } from './frame.js'
import { checkEnvelopeHeader, resolveLimits, type EnvelopeHeader, type EnvelopeKind, type EnvelopeLimits } from './header.js'

/** What the caller chooses when building an envelope; the rest comes from the key and the payload. */
export interface EnvelopeInit {
  kind: EnvelopeKind
  /** Organisation code of the sender (hosted by the signing node). */
  senderOrg: string
  /** Recipient organisation codes (1..MAX_RECIPIENTS, no duplicates). */
  recipients: readonly string[]
  /** MIME type of the document, e.g. `application/pdf`. */
  contentType: string
  /** Id of the envelope answered (required for `status`). */
  reference?: string
  /** Absolute expiry (ms since epoch); wins over `ttlMs`. */
  expiresAt?: number
  /** Lifetime from creation (default DEFAULT_TTL_MS, at most MAX_TTL_MS). */
  ttlMs?: number
}

/** A payload that travels separately: only its SHA-256 and length go into the header. */
export interface DetachedPayload {
  hash: Uint8Array
  length: number
}

/** Options of {@link createEnvelope}. */
export interface CreateEnvelopeOptions {
  /** Creation time (ms since epoch); default `Date.now()`. */
  now?: number
  /** Envelope id (a ULID); default a fresh monotonic ULID for `now`. */
  id?: string
  /** Limits to build under (defaults: DEFAULT_ENVELOPE_LIMITS). */
  limits?: Partial<EnvelopeLimits>
}

/**
 * A signed envelope: the typed header, the exact header bytes the signature covers, the 64-byte
 * signature and the sealed payload when it travels inline (`null` when detached).
 */
export interface SignedEnvelope {
  readonly header: EnvelopeHeader
  readonly headerBytes: Uint8Array
  readonly signature: Uint8Array
  readonly payload: Uint8Array | null
}

/**
 * An envelope read from the wire. `headerBytes` and `signature` are copies of the received bytes;
 * `payload` is a view into the decoded buffer (not copied: it may be 100 MiB).
 */
export type DecodedEnvelope = SignedEnvelope

/** Options of {@link encodeEnvelope}. */
export interface EncodeEnvelopeOptions {
  /** Leave the payload out (`null`) even if the envelope holds it: it will stream separately. */
  detachPayload?: boolean
}

const nextId = monotonicFactory()

/**
 * Build, check and sign an envelope with the node's key (ed25519 through node:crypto).
 * Given bytes, the payload travels inline and its hash and length are computed; given
 * `{ hash, length }`, it is detached. Invalid input throws typed `envelope-*` errors.
 */
export function createEnvelope (init: EnvelopeInit, key: NodeKey, payload: Uint8Array | DetachedPayload, opts: CreateEnvelopeOptions = {}): SignedEnvelope {
  const { header, headerBytes, payload: inline } = buildEnvelope(init, key, payload, opts)
  return { header, headerBytes, signature: sign(key, ENVELOPE_DOMAIN, headerBytes), payload: inline }
}


/** Everything of an envelope but its signature: checked header, its exact bytes, inline payload. */
function buildEnvelope (init: EnvelopeInit, key: NodeKey, payload: Uint8Array | DetachedPayload, opts: CreateEnvelopeOptions): Omit<SignedEnvelope, 'signature'> {
  if (typeof init !== 'object' || init === null) throw new TypeError('init must be an object')
  if (!(key?.publicKey instanceof Uint8Array) || !(key.seed instanceof Uint8Array)) throw new TypeError('key must be a NodeKey')
  const limits = resolveLimits(opts.limits)
  let inline: Uint8Array | null
  let payloadHash: unknown
  let payloadLength: unknown
  if (payload instanceof Uint8Array) {
    inline = payload
    payloadHash = sha256(payload)
    payloadLength = payload.length
  } else if (typeof payload === 'object' && payload !== null) {
    inline = null
    payloadHash = payload.hash instanceof Uint8Array ? Uint8Array.from(payload.hash) : payload.hash
    payloadLength = payload.length
  } else {
    throw new TypeError('payload must be bytes or { hash, length }')
  }
  const createdAt = opts.now ?? Date.now()
  if (!isTimestamp(createdAt)) {
    // Checked here first: the default id is derived from it.
    const code = typeof createdAt === 'number' ? EnvelopeErrorCode.BAD_TIME : EnvelopeErrorCode.BAD_FIELD
    throw new LienthongError(code, 'createdAt out of bounds', { field: 'createdAt' })
  }
  const expiresAt = init.expiresAt ?? createdAt + (init.ttlMs ?? DEFAULT_TTL_MS)
  const header = checkEnvelopeHeader({
    version: ENVELOPE_VERSION,
    id: opts.id ?? nextId(createdAt),
    kind: init.kind,
    senderOrg: init.senderOrg,
    senderNode: Uint8Array.from(key.publicKey),
    recipients: init.recipients,
    createdAt,
    expiresAt,
    reference: init.reference,
    contentType: init.contentType,
    payloadHash,
    payloadLength
  }, limits)
  const headerBytes = encodeMap(fieldsToMap(header as unknown as Record<string, unknown>, EnvelopeKey))
  if (headerBytes.length > limits.maxHeaderBytes) {
    throw new LienthongError(EnvelopeErrorCode.TOO_LARGE, 'envelope header too large', { what: 'header', size: headerBytes.length, limit: limits.maxHeaderBytes })
  }
  return { header, headerBytes, payload: inline }
}

/** The wire bytes: `[headerBytes, signature, payload | null]` (canonical CBOR). */
export function encodeEnvelope (env: SignedEnvelope, opts: EncodeEnvelopeOptions = {}): Uint8Array {
  const payload = opts.detachPayload === true ? null : env.payload
  return writeFrame([env.headerBytes, env.signature, payload])
}

function malformed (reason: string, meta: Record<string, string | number> = {}): LienthongError {
  return new LienthongError(EnvelopeErrorCode.MALFORMED, `malformed envelope: ${reason}`, { reason, ...meta })
}

function readEnvelopeFrame (bytes: Uint8Array, limits: EnvelopeLimits): Array<Uint8Array | null> {
  return readFrame(bytes, 3, true, (index, length) => {
    if (index === 0 && length > limits.maxHeaderBytes) {
      throw new LienthongError(EnvelopeErrorCode.TOO_LARGE, 'envelope header too large', { what: 'header', size: length, limit: limits.maxHeaderBytes })
    }
    if (index === 1 && length !== SIGNATURE_LENGTH) throw malformed('signature length', { length })
    if (index === 2 && length > limits.maxPayloadBytes) {
      throw new LienthongError(EnvelopeErrorCode.TOO_LARGE, 'payload too large', { what: 'payload', size: length, limit: limits.maxPayloadBytes })
    }
  })
}

function decodeHeader (headerBytes: Uint8Array, limits: EnvelopeLimits): EnvelopeHeader {
  let map: Map<unknown, unknown>
  try {
    map = decodeCanonicalMap(headerBytes)
  } catch (err) {
    throw malformed(`header: ${err instanceof Error ? err.message : 'not CBOR'}`.slice(0, 200))
  }
  const { fields, unknownKey } = mapToFields(map, EnvelopeKey)
  if (unknownKey !== undefined) throw malformed('unknown header key', { key: unknownKey })
  return checkEnvelopeHeader(fields, limits)
}

/** A plain Uint8Array over the same bytes (`view` may be a Buffer). */
function plainView (view: Uint8Array): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.length)
}

/** Options of {@link decodeEnvelope}. */
export interface DecodeEnvelopeOptions {
  /**
   * Return `headerBytes` and `signature` as views into `bytes` (as `payload` always is) instead of
   * copies: for a caller that keeps `bytes` anyway, such as the delivery receiver. A copy costs a
   * malloc, and a copied signature is moved off V8's heap again when it is verified.
   */
  views?: boolean
}

/**
 * Decode wire bytes strictly: exactly `[bstr, bstr(64), bstr | null]`, a canonical header map with
 * known keys only, every field within its rules and `limits`, an inline payload of the header's
 * length. Only typed `envelope-*` errors escape, whatever the input. Does not verify the signature.
 */
export function decodeEnvelope (bytes: Uint8Array, limits?: Partial<EnvelopeLimits>, options: DecodeEnvelopeOptions = {}): DecodedEnvelope {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
  const resolved = resolveLimits(limits)
  try {
    const [headerView, signatureView, payload] = readEnvelopeFrame(bytes, resolved)
    if (headerView == null || signatureView == null || payload === undefined) throw malformed('frame')
    const header = decodeHeader(headerView, resolved)
    if (payload !== null && payload.length !== header.payloadLength) {
      throw new LienthongError(EnvelopeErrorCode.PAYLOAD_MISMATCH, 'inline payload length differs from the header', { size: payload.length, expected: header.payloadLength })
    }
    if (options.views === true) return { header, headerBytes: plainView(headerView), signature: plainView(signatureView), payload }
    // Copied with the typed-array constructor: a plain Uint8Array whatever `bytes` is, at half the cost of `from`.
    return { header, headerBytes: new Uint8Array(headerView), signature: new Uint8Array(signatureView), payload }
  } catch (err) {
    if (isLienthongError(err)) throw err
    if (err instanceof FrameError) throw malformed(err.message)
    throw malformed('unexpected structure')
  }
}
