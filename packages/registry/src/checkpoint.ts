import { sign, verify, SIGNATURE_LENGTH, type NodeKey } from '@lienthong/crypto'
import { LienthongError } from '@lienthong/errors'
import { decodeCanonicalCbor, encodeCbor, isPlainRecord } from './cbor.js'
import { ENTRY_HASH_LENGTH, MAX_CHECKPOINT_BYTES, REGISTRY_CHECKPOINT_DOMAIN } from './constants.js'
import { RegistryErrorCode } from './errors.js'

/** The coordinator's statement "the log has `seq` entries + 1, ending in `head`, as of `at`". */
export interface Checkpoint {
  seq: number
  /** Hash of entry `seq`. */
  head: Uint8Array
  /** Unix ms when the coordinator signed it (nodes judge staleness by it). */
  at: number
}

/** A checkpoint as it travels: the canonical CBOR bytes of `{seq, head, at}` and the signature. */
export interface SignedCheckpoint {
  readonly bytes: Uint8Array
  readonly signature: Uint8Array
}

function malformed (message: string): LienthongError {
  return new LienthongError(RegistryErrorCode.MALFORMED, message, { what: 'checkpoint' })
}

/** Canonical bytes of a checkpoint. */
export function encodeCheckpoint (checkpoint: Checkpoint): Uint8Array {
  return encodeCbor({ seq: checkpoint.seq, head: checkpoint.head, at: checkpoint.at })
}

/** Decode checkpoint bytes strictly; `registry-malformed` otherwise. */
export function decodeCheckpoint (bytes: Uint8Array): Checkpoint {
  const raw = decodeCanonicalCbor(bytes, 'checkpoint', MAX_CHECKPOINT_BYTES)
  if (!isPlainRecord(raw) || Object.keys(raw).length !== 3) throw malformed('a checkpoint must be the map {seq, head, at}')
  const { seq, head, at } = raw
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw malformed('checkpoint seq must be a non-negative integer')
  if (!(head instanceof Uint8Array) || head.length !== ENTRY_HASH_LENGTH) throw malformed('checkpoint head must be 32 bytes')
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) throw malformed('checkpoint at must be a non-negative integer')
  return { seq, head: Uint8Array.from(head), at }
}

/** Sign a checkpoint with the coordinator key. */
export function signCheckpoint (key: NodeKey, checkpoint: Checkpoint): SignedCheckpoint {
  const bytes = encodeCheckpoint(checkpoint)
  return { bytes, signature: sign(key, REGISTRY_CHECKPOINT_DOMAIN, bytes) }
}

/** True when the signature is `publicKey`'s over the checkpoint bytes. */
export function verifyCheckpointSignature (signed: SignedCheckpoint, publicKey: Uint8Array): boolean {
  if (!(signed.signature instanceof Uint8Array) || signed.signature.length !== SIGNATURE_LENGTH) return false
  return verify(publicKey, REGISTRY_CHECKPOINT_DOMAIN, signed.bytes, signed.signature)
}

/** Wire form: the CBOR array `[bytes, signature]`. */
export function encodeSignedCheckpoint (signed: SignedCheckpoint): Uint8Array {
  return encodeCbor([signed.bytes, signed.signature])
}

/** Decode the wire form strictly (the inner bytes must decode too); `registry-malformed` otherwise. */
export function decodeSignedCheckpoint (wire: Uint8Array): SignedCheckpoint {
  const raw = decodeCanonicalCbor(wire, 'signed checkpoint', MAX_CHECKPOINT_BYTES + 2 * SIGNATURE_LENGTH)
  if (!Array.isArray(raw) || raw.length !== 2) throw malformed('a signed checkpoint must be [bytes, signature]')
  const [bytes, signature] = raw as unknown[]
  if (!(bytes instanceof Uint8Array) || !(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) {
    throw malformed('a signed checkpoint must hold the bytes and a 64-byte signature')
  }
  decodeCheckpoint(bytes)
  return { bytes, signature }
}

/** Result of checking a checkpoint against a registry. */
export type CheckpointCheck =
  | {
    readonly valid: true
    readonly checkpoint: Checkpoint
    /** checkpoint.seq − our seq: > 0 means we are behind and should sync. */
    readonly lag: number
  }
  | {
    readonly valid: false
    /** `registry-malformed`, `registry-bad-signature` or `registry-checkpoint-fork`. */
    readonly code: RegistryErrorCode
    readonly checkpoint?: Checkpoint
  }
