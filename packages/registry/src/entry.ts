import { sha256, sign, verify, SIGNATURE_LENGTH, type NodeKey } from '@lienthong/crypto'
import { isLienthongError, LienthongError, type ErrorMeta } from '@lienthong/errors'
import { bytesEqual, decodeCanonicalCbor, encodeCbor, isPlainRecord } from './cbor.js'
import { ENTRY_HASH_LENGTH, MAX_ENTRY_BYTES, REGISTRY_ENTRY_DOMAIN } from './constants.js'
import { RegistryErrorCode } from './errors.js'
import type { RegistryOp } from './ops.js'
import { parseOp } from './parse/index.js'

/**
 * One registry log entry. Encoded as a deterministic CBOR map
 * `{seq, prev, at, actor, reason?, op}` and signed by the coordinator over
 * `signedBytes('lienthong/registry-entry/v1', bytes)`.
 */
export interface Entry {
  /** 0, 1, 2, … without gaps. */
  seq: number
  /** Hash of the previous entry (`entryHash`); 32 zero bytes for seq 0. */
  prev: Uint8Array
  /** Unix ms at the coordinator; never earlier than the previous entry's. */
  at: number
  /** Who decided: an admin token name, or 'system'. */
  actor: string
  reason?: string
  op: RegistryOp
}

/** An entry as it travels and is stored: the exact encoded bytes and the coordinator's signature. */
export interface SignedEntry {
  readonly bytes: Uint8Array
  readonly signature: Uint8Array
}

const ENTRY_KEYS = ['seq', 'prev', 'at', 'actor', 'reason', 'op']

function malformed (message: string, meta: ErrorMeta = {}): LienthongError {
  return new LienthongError(RegistryErrorCode.MALFORMED, message, meta)
}

/** The same error with extra metadata (e.g. the seq it concerns). */
export function withMeta (err: LienthongError, extra: ErrorMeta): LienthongError {
  return new LienthongError(err.code, err.message, { ...err.meta, ...extra }, { cause: err.cause ?? err })
}

/** Encode an entry to its canonical bytes (not validated here: `decodeEntry` and `applyEntry` do that). */
export function encodeEntry (entry: Entry): Uint8Array {
  const { seq, prev, at, actor, reason, op } = entry
  return encodeCbor({ seq, prev, at, actor, reason, op })
}

/**
 * Decode and validate entry bytes: canonical CBOR, exactly the known fields, seq/at non-negative
 * integers, a 32-byte prev, an actor of 1..128 characters, a valid operation (`parseOp`). Throws
 * `registry-malformed` (or the op's own codes), with `meta.seq` once the seq is known.
 */
export function decodeEntry (bytes: Uint8Array): Entry {
  const raw = decodeCanonicalCbor(bytes, 'entry', MAX_ENTRY_BYTES)
  if (!isPlainRecord(raw)) throw malformed('an entry must be a map')
  const { seq, prev, at, actor, reason, op } = raw
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw malformed('entry seq must be a non-negative integer')
  const extra = Object.keys(raw).find(k => !ENTRY_KEYS.includes(k))
  if (extra !== undefined) throw malformed('entry has an unknown field', { seq, field: extra.slice(0, 64) })
  if (!(prev instanceof Uint8Array) || prev.length !== ENTRY_HASH_LENGTH) throw malformed('entry prev must be 32 bytes', { seq })
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) throw malformed('entry at must be a non-negative integer', { seq })
  if (typeof actor !== 'string' || actor.length < 1 || actor.length > 128) throw malformed('entry actor must be 1..128 characters', { seq })
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 2048)) throw malformed('entry reason must be a string of at most 2048 characters', { seq })
  let parsed: RegistryOp
  try {
    parsed = parseOp(op)
  } catch (err) {
    throw isLienthongError(err) ? withMeta(err, { seq }) : err
  }
  const entry: Entry = { seq, prev: Uint8Array.from(prev), at, actor, op: parsed }
  if (reason !== undefined) entry.reason = reason
  return entry
}

/** The seq of entry bytes if they decode at all (for error metadata), else undefined. */
export function peekSeq (bytes: Uint8Array): number | undefined {
  try {
    return decodeEntry(bytes).seq
  } catch (err) {
    return isLienthongError(err) && typeof err.meta.seq === 'number' ? err.meta.seq : undefined
  }
}

/** Encode and sign an entry with the coordinator key. */
export function signEntry (key: NodeKey, entry: Entry): SignedEntry {
  const bytes = encodeEntry(entry)
  return { bytes, signature: sign(key, REGISTRY_ENTRY_DOMAIN, bytes) }
}

/** True when `signature` is `publicKey`'s over these exact bytes (false for a wrong or malformed one). */
export function verifyEntrySignature (signed: SignedEntry, publicKey: Uint8Array): boolean {
  if (signed.signature.length !== SIGNATURE_LENGTH) return false
  return verify(publicKey, REGISTRY_ENTRY_DOMAIN, signed.bytes, signed.signature)
}

/** The hash the next entry's `prev` holds: sha256(bytes || signature). */
export function entryHash (signed: SignedEntry): Uint8Array {
  const all = new Uint8Array(signed.bytes.length + signed.signature.length)
  all.set(signed.bytes, 0)
  all.set(signed.signature, signed.bytes.length)
  return sha256(all)
}

/** Wire form of a signed entry: the CBOR array `[bytes, signature]`. */
export function encodeSignedEntry (signed: SignedEntry): Uint8Array {
  return encodeCbor([signed.bytes, signed.signature])
}

/**
 * Decode the wire form strictly: canonical CBOR, an array of exactly two byte strings, a 64-byte
 * signature and entry bytes that `decodeEntry` accepts. Throws `registry-malformed` (or the
 * entry's own codes). The signature is not checked here: `Registry.applyEntry` does that.
 */
export function decodeSignedEntry (wire: Uint8Array): SignedEntry {
  const raw = decodeCanonicalCbor(wire, 'signed entry', MAX_ENTRY_BYTES + 2 * SIGNATURE_LENGTH)
  if (!Array.isArray(raw) || raw.length !== 2) throw malformed('a signed entry must be [bytes, signature]')
  const [bytes, signature] = raw as unknown[]
  if (!(bytes instanceof Uint8Array) || !(signature instanceof Uint8Array)) throw malformed('a signed entry must hold two byte strings')
  if (signature.length !== SIGNATURE_LENGTH) throw malformed('the signature must be 64 bytes')
  decodeEntry(bytes)
  return { bytes, signature }
}

/** True when two signed entries are the same bytes and signature. */
export function sameSignedEntry (a: SignedEntry, b: SignedEntry): boolean {
  return bytesEqual(a.bytes, b.bytes) && bytesEqual(a.signature, b.signature)
}
