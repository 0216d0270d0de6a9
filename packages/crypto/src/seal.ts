/*
 * Sealed payload, format version 2 (what `seal` writes). All integers are big-endian.
 *
 *   header = "LTS2"                              magic (4 bytes)
 *          | ephPub                              the sender's ephemeral X25519 public key (32)
 *          | salt                                16 random bytes, fresh per payload (16)
 *          | n                                   recipient count, u16, 1..1000 (2)
 *          | n × stanza                          80 bytes each, no two with the same recipientPub:
 *                recipientPub                    the recipient's X25519 public key (32)
 *                wrapped                         AES-256-GCM(KEK, nonce = salt[0..12], DEK) = ct(32) | tag(16)
 *          | chunkSize                           u32, plaintext bytes per chunk, 1 KiB..4 MiB (4)
 *   body   = chunk_0 | chunk_1 | … | chunk_m     m + 1 = max(1, ceil(payloadLength / chunkSize))
 *                chunk_i = AES-256-GCM(DEK, nonce_i, AAD = SHA-256(header), plaintext_i) = ct | tag(16)
 *                nonce_i = 3 zero bytes | u64 i | 1 byte last flag (1 on chunk_m only, else 0)
 *
 *   DEK = 32 random bytes per payload.
 *   KEK = HKDF-SHA256(ikm = X25519(ephPriv, recipientPub), salt = ephPub | recipientPub,
 *                     info = "lienthong/seal/v2/kek", 32 bytes)
 *
 * Every chunk but the last holds exactly chunkSize plaintext bytes (chunkSize + 16 sealed); the
 * last holds 1..chunkSize (an empty payload is a single empty final chunk, 16 bytes). The chunk
 * index and last flag in the nonce, with the header's hash (salt included) as AAD, make any
 * modification, truncation, reordering, extension or header change fail authentication.
 *
 * Format version 1 ("LTS1", still opened, no longer written) has no salt: the header is
 * "LTS1" | ephPub | n | stanzas | chunkSize, the wrap's nonce is 12 zero bytes, and KEK is
 * derived as above with info = "lienthong/seal/v1/kek". Its zero-nonce
 * key wrap needed a fresh ephemeral key per payload: an X25519 key generation, and an agreement
 * per recipient, for every payload (about 40% of a sender's CPU for a 1 KiB document).
 *
 * The ephemeral key of v2 is reused: a sender keeps one in memory (never on disk) for at most
 * SEAL_EPHEMERAL_MAX_USES payloads or SEAL_EPHEMERAL_TTL_MS, whichever comes first, with the KEK
 * it shares with each recipient (the X25519 secret is wiped once the KEK is derived); those KEKs
 * are wiped when it is replaced. A payload then costs a random DEK and salt, one AES-GCM wrap per
 * recipient, the header's hash and its chunks: no agreement, no key derivation. The trade-off:
 *   - no (KEK, nonce) pair is ever used twice. A KEK belongs to one (ephemeral key, recipient):
 *     ephemeral keys are 32 random bytes, and within one payload the recipients differ. It wraps
 *     one DEK per payload sealed under its ephemeral key, at most SEAL_EPHEMERAL_MAX_USES = 4096,
 *     each under a fresh random 96-bit nonce: the chance that two of them collide is below
 *     4096² / 2^97 = 2^-73 per KEK, far inside the 2^32 random nonces per key that NIST SP 800-38D
 *     (§8.3) allows. The key's use count, not the clock, is what bounds this;
 *   - the chunks' AAD stays SHA-256(header), one hash per payload: the header itself would save
 *     that hash but make every chunk pay GHASH over 80 bytes per recipient (+40% for a large
 *     document to 1000 recipients);
 *   - someone who reads the sender's memory while a key is in use can unwrap the payloads sealed
 *     under it in that window (at most its uses or its lifetime), but could as well read their
 *     plaintext then, which passes through the same memory; the key never leaves the process.
 *     The same holds of the DEKs and salts drawn ahead (a few KiB, wiped as they are handed out);
 *   - compromise of a recipient's key is unchanged from v1: it opens what was sealed for it,
 *     whatever the ephemeral keys, and nothing else;
 *   - payloads sealed in a row by one sender show the same ephPub: an observer of sealed bytes
 *     (who sees sender and recipients in the envelope anyway) can tell they share a sender.
 * Openers keep the KEK of (own key, ephPub) for the last ephemeral keys seen
 * (SEAL_OPENER_CACHE_SIZE), since consecutive payloads from one sender share it.
 *
 * Openers refuse with `seal-malformed` what cannot be parsed (magic, counts, chunk size out of
 * range, duplicate stanzas, short header, small-order ephemeral key), `seal-not-recipient` when
 * no stanza names their key, and `seal-tampered` for any authentication failure, the wrapped key
 * and the salt included.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { concatBytes } from '@noble/hashes/utils.js'
import { SEAL_DEFAULT_CHUNK_SIZE, SEAL_MAX_RECIPIENTS, SEAL_SALT_LENGTH, SEAL_TAG_LENGTH, X25519_KEY_LENGTH } from './constants.js'
import { checkLength } from './ed25519.js'
import { sha256 } from './hash.js'
import type { NodeKey } from './keys.js'
import { ChunkOpener, ChunkSealer } from './seal-chunks.js'
import {
  DATA_KEY_LENGTH, HeaderReader, checkBytes, checkChunkSize, checkRecipients, chunkNonce, headerLength,
  readWholeHeader, sealTampered, type SealHeader
} from './seal-format.js'
import { SealingKey, payloadSecrets, sealHeader, sealingKey, unwrapFor } from './seal-keys.js'

/** Options of `seal`, `sealStream` and `createSealer`. */
export interface SealOptions {
  /** Plaintext bytes per chunk, 1 KiB..4 MiB (default 64 KiB): what a streaming opener buffers. */
  chunkSize?: number
}

/** Incremental sealing: write `header`, then what every `push` returns, then what `finish` returns. */
export interface Sealer {
  readonly header: Uint8Array
  /** Plaintext in; sealed chunks out (possibly none). */
  push: (plaintext: Uint8Array) => Uint8Array[]
  /** End of plaintext; the final sealed chunk. */
  finish: () => Uint8Array
  /** Give up without finishing: wipes the data key. */
  abort: () => void
}

/**
 * Incremental opening. Plaintext comes out chunk by chunk, each chunk authenticated, but the
 * payload as a whole is only known complete and untruncated when `finish` returns: treat earlier
 * output as provisional (write it to a temporary place and keep it only after `finish`).
 */
export interface Opener {
  /** Sealed bytes in, cut anywhere; plaintext out (possibly none). */
  push: (sealed: Uint8Array) => Uint8Array[]
  /** End of sealed bytes; the last plaintext. Throws if the input was truncated. */
  finish: () => Uint8Array
  /** Give up without finishing: wipes the data key. */
  abort: () => void
}

/** Start sealing for `recipients` (their X25519 public keys, `sealingPublicKey` in the registry). */
export function createSealer (recipients: Uint8Array[], options: SealOptions = {}): Sealer {
  const chunkSize = options.chunkSize ?? SEAL_DEFAULT_CHUNK_SIZE
  checkChunkSize(chunkSize)
  checkRecipients(recipients)
  const { dataKey, salt } = payloadSecrets()
  return startSealer(recipients, chunkSize, sealingKey(), dataKey, salt)
}

function startSealer (recipients: Uint8Array[], chunkSize: number, ephemeral: SealingKey, dataKey: Uint8Array, salt: Uint8Array): Sealer {
  const header = sealHeader(recipients, chunkSize, ephemeral, dataKey, salt)
  const body = new ChunkSealer(dataKey, sha256(header), chunkSize)
  return {
    header,
    push: (plaintext) => {
      checkBytes('plaintext', plaintext)
      return body.push(plaintext)
    },
    finish: () => body.finish(),
    abort: () => { body.abort() }
  }
}

/**
 * `seal` of a payload at hand: header and chunks written straight into one buffer of the final
 * size, with no chunk buffered or copied on the way (the bytes of `createSealer`, cheaper).
 */
function sealWhole (payload: Uint8Array, recipients: Uint8Array[], chunkSize: number, ephemeral: SealingKey, dataKey: Uint8Array, salt: Uint8Array): Uint8Array {
  const chunks = Math.max(1, Math.ceil(payload.length / chunkSize))
  const out = new Uint8Array(headerLength(recipients.length) + payload.length + chunks * SEAL_TAG_LENGTH)
  const header = sealHeader(recipients, chunkSize, ephemeral, dataKey, salt, out)
  const aad = sha256(header)
  let at = header.length
  try {
    for (let i = 0; i < chunks; i++) {
      const plain = payload.subarray(i * chunkSize, (i + 1) * chunkSize)
      const cipher = createCipheriv('aes-256-gcm', dataKey, chunkNonce(i, i === chunks - 1), { authTagLength: SEAL_TAG_LENGTH })
      cipher.setAAD(aad)
      out.set(cipher.update(plain), at)
      cipher.final() // empty for GCM
      out.set(cipher.getAuthTag(), at + plain.length)
      at += plain.length + SEAL_TAG_LENGTH
    }
  } finally {
    dataKey.fill(0)
  }
  return out
}

/** Inputs that `seal` draws at random, given instead: for golden vectors only (not exported by the package). */
export interface SealTestInputs {
  ephemeralPrivateKey: Uint8Array
  dataKey: Uint8Array
  salt: Uint8Array
  chunkSize: number
  /** Through `createSealer`'s path instead of `seal`'s. */
  streamed?: boolean
}

/** Test hook: `seal` with a given ephemeral key, DEK and salt, to reproduce committed vectors. */
export function sealWithInputs (payload: Uint8Array, recipients: Uint8Array[], inputs: SealTestInputs): Uint8Array {
  checkChunkSize(inputs.chunkSize)
  checkRecipients(recipients)
  checkLength('data key', inputs.dataKey, DATA_KEY_LENGTH)
  checkLength('salt', inputs.salt, SEAL_SALT_LENGTH)
  checkLength('ephemeral private key', inputs.ephemeralPrivateKey, X25519_KEY_LENGTH)
  const ephemeral = new SealingKey(inputs.ephemeralPrivateKey, Infinity)
  try {
    const dataKey = Uint8Array.from(inputs.dataKey)
    if (inputs.streamed !== true) return sealWhole(payload, recipients, inputs.chunkSize, ephemeral, dataKey, inputs.salt)
    const sealer = startSealer(recipients, inputs.chunkSize, ephemeral, dataKey, inputs.salt)
    return concatBytes(sealer.header, ...sealer.push(payload), sealer.finish())
  } finally {
    ephemeral.retire()
  }
}

function checkOpeningKey (key: NodeKey): void {
  if (!(key?.sealingPrivateKey instanceof Uint8Array) || !(key.sealingPublicKey instanceof Uint8Array)) {
    throw new TypeError('key must be a NodeKey')
  }
}

/**
 * `open` of a payload at hand whose whole header parsed in place: each chunk decrypted straight
 * from `sealed`, none buffered (the result of `createOpener`, cheaper). Errors as `ChunkOpener`.
 */
function openWhole (sealed: Uint8Array, header: SealHeader, key: NodeKey): Uint8Array {
  const { dataKey, aad } = unwrapFor(key, header)
  const body = sealed.subarray(header.bytes.length)
  const step = header.chunkSize + SEAL_TAG_LENGTH
  const chunks = Math.max(1, Math.ceil(body.length / step))
  const last = chunks - 1
  const parts: Uint8Array[] = []
  try {
    // Only the last chunk can be short: the input was cut, possibly right after a whole chunk.
    if (body.length - last * step < SEAL_TAG_LENGTH) throw sealTampered('truncated', { chunk: last })
    for (let i = 0; i < chunks; i++) {
      const piece = body.subarray(i * step, (i + 1) * step)
      const end = piece.length - SEAL_TAG_LENGTH
      try {
        const decipher = createDecipheriv('aes-256-gcm', dataKey, chunkNonce(i, i === last), { authTagLength: SEAL_TAG_LENGTH })
        decipher.setAAD(aad)
        decipher.setAuthTag(piece.subarray(end))
        const plain = decipher.update(piece.subarray(0, end))
        parts.push(new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength))
        decipher.final() // checks the tag; empty for GCM
      } catch {
        throw sealTampered('chunk', { chunk: i })
      }
    }
  } catch (err) {
    for (const part of parts) part.fill(0)
    throw err
  } finally {
    dataKey.fill(0)
  }
  // A chunk's plaintext from update() has a memory of its own (not Node's shared pool): one chunk needs no copy.
  return parts.length === 1 ? parts[0]! : concatBytes(...parts)
}

/** Start opening a sealed payload addressed (among others) to `key`. */
export function createOpener (key: NodeKey): Opener {
  checkOpeningKey(key)
  const reader = new HeaderReader()
  let body: ChunkOpener | undefined
  return {
    push: (sealed) => {
      checkBytes('sealed', sealed)
      if (body !== undefined) return body.push(sealed)
      const got = reader.push(sealed)
      if (got === undefined) return []
      const { dataKey, aad } = unwrapFor(key, got.header)
      body = new ChunkOpener(dataKey, aad, got.header.chunkSize)
      return body.push(got.rest)
    },
    finish: () => body === undefined ? reader.end() : body.finish(),
    abort: () => { body?.abort() }
  }
}

/** Seal `payload` so that only the holders of the `recipients`' X25519 private keys can read it. */
export function seal (payload: Uint8Array, recipients: Uint8Array[], options: SealOptions = {}): Uint8Array {
  checkBytes('payload', payload)
  const chunkSize = options.chunkSize ?? SEAL_DEFAULT_CHUNK_SIZE
  checkChunkSize(chunkSize)
  checkRecipients(recipients)
  const { dataKey, salt } = payloadSecrets()
  return sealWhole(payload, recipients, chunkSize, sealingKey(), dataKey, salt)
}

/**
 * Open a sealed payload with a recipient's key. Throws `seal-malformed` (not the format),
 * `seal-not-recipient` (not addressed to this key) or `seal-tampered` (failed authentication).
 */
export function open (sealed: Uint8Array, key: NodeKey): Uint8Array {
  checkBytes('sealed', sealed)
  checkOpeningKey(key)
  // The whole header at hand (the usual case): parsed in place, and the chunks opened in place.
  const header = readWholeHeader(sealed)
  if (header !== undefined) return openWhole(sealed, header, key)
  // Too short, or a bad magic or count: the piece-by-piece opener reports it.
  const opener = createOpener(key)
  return concatBytes(...opener.push(sealed), opener.finish())
}

/**
 * Seal a stream of plaintext pieces (cut anywhere) with bounded memory: yields the header, then
 * sealed chunks as they fill. Recipients and options are checked at once, before the first read.
 */
export function sealStream (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, recipients: Uint8Array[], options: SealOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const sealer = createSealer(recipients, options)
  return (async function * () {
    try {
      yield sealer.header
      for await (const piece of source) yield * sealer.push(piece)
      yield sealer.finish()
    } finally {
      sealer.abort()
    }
  })()
}

/**
 * Open a stream of sealed bytes (cut anywhere) with bounded memory: holds at most one sealed
 * chunk besides the piece being read. Errors as `open`. The output is complete and untruncated
 * only when the generator ends without error (see `Opener`).
 */
export function openStream (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, key: NodeKey): AsyncGenerator<Uint8Array, void, undefined> {
  const opener = createOpener(key)
  return (async function * () {
    try {
      for await (const piece of source) {
        for (const plain of opener.push(piece)) if (plain.length > 0) yield plain
      }
      const last = opener.finish()
      if (last.length > 0) yield last
    } finally {
      opener.abort()
    }
  })()
}

/** Exact size of a sealed payload as `seal` writes it (format v2): header plus plaintext plus one 16-byte tag per chunk. */
export function sealedLength (payloadLength: number, recipientCount: number, chunkSize: number = SEAL_DEFAULT_CHUNK_SIZE): number {
  if (!Number.isSafeInteger(payloadLength) || payloadLength < 0) throw new RangeError('payloadLength must be a non-negative integer')
  if (!Number.isInteger(recipientCount) || recipientCount < 1 || recipientCount > SEAL_MAX_RECIPIENTS) throw new RangeError('recipientCount out of range')
  checkChunkSize(chunkSize)
  const chunks = Math.max(1, Math.ceil(payloadLength / chunkSize))
  return headerLength(recipientCount, 2) + payloadLength + chunks * SEAL_TAG_LENGTH
}
