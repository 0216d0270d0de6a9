/*
 * Sealed payload, format version 2 (what `seal` writes). All integers are big-endian.
 *
 *   header = "LTS2"                              magic (4 bytes)
 *          | ephPub                              the sender's ephemeral X25519 public key (32)
 *          | salt                                16 random bytes, fresh per payload (16)
 *          | n                                   recipient count, u16, 1..1000 (2)
 *          | n × stanza                          80 bytes each, no two with the same recipientPub:
 *                recipientPub                    the recipient's X25519 public key (32)
 *                wrapped                         AES-256-GCM(KEK, nonce = 12 zero bytes, DEK) = ct(32) | tag(16)
 *          | chunkSize                           u32, plaintext bytes per chunk, 1 KiB..4 MiB (4)
 *   body   = chunk_0 | chunk_1 | … | chunk_m     m + 1 = max(1, ceil(payloadLength / chunkSize))
 *                chunk_i = AES-256-GCM(DEK, nonce_i, AAD = SHA-256(header), plaintext_i) = ct | tag(16)
 *                nonce_i = 3 zero bytes | u64 i | 1 byte last flag (1 on chunk_m only, else 0)
 *
 *   DEK = 32 random bytes per payload.
 *   KEK = HKDF-SHA256(ikm = X25519(ephPriv, recipientPub), salt = ephPub | recipientPub | salt,
 *                     info = "lienthong/seal/v2/kek", 32 bytes)
 *
 * Every chunk but the last holds exactly chunkSize plaintext bytes (chunkSize + 16 sealed); the
 * last holds 1..chunkSize (an empty payload is a single empty final chunk, 16 bytes). The chunk
 * index and last flag in the nonce, with the header hash (salt included) as AAD, make any
 * modification, truncation, reordering, extension or header change fail authentication.
 *
 * Format version 1 ("LTS1", still opened, no longer written) is the same without the salt: the
 * header is "LTS1" | ephPub | n | stanzas | chunkSize, and KEK = HKDF-SHA256(X25519(ephPriv,
 * recipientPub), salt = ephPub | recipientPub, info = "lienthong/seal/v1/kek"). Its zero-nonce key
 * wrap needed a fresh ephemeral key per payload: an X25519 key generation, and an agreement per
 * recipient, for every payload (about 40% of a sender's CPU for a 1 KiB document).
 *
 * The ephemeral key of v2 is reused: a sender keeps one in memory (never on disk) for at most
 * SEAL_EPHEMERAL_MAX_USES payloads or SEAL_EPHEMERAL_TTL_MS, whichever comes first, with the
 * X25519 secret it shares with each recipient; those secrets are wiped when it is replaced. A
 * payload then costs a random DEK and salt, one HKDF and one AES-GCM wrap per recipient, and its
 * chunks. The trade-off:
 *   - the zero-nonce wrap stays safe: the per-payload salt makes every KEK unique, so no
 *     (KEK, nonce) pair is ever used twice, even under the same ephemeral key and recipient;
 *   - someone who reads the sender's memory while a key is in use can unwrap the payloads sealed
 *     under it in that window (at most its uses or its lifetime), but could as well read their
 *     plaintext then, which passes through the same memory; the key never leaves the process;
 *   - compromise of a recipient's key is unchanged from v1: it opens what was sealed for it,
 *     whatever the ephemeral keys, and nothing else;
 *   - payloads sealed in a row by one sender show the same ephPub: an observer of sealed bytes
 *     (who sees sender and recipients in the envelope anyway) can tell they share a sender.
 * Openers keep X25519(own key, ephPub) for the last ephemeral keys seen (SEAL_OPENER_CACHE_SIZE),
 * since consecutive payloads from one sender share it.
 *
 * Openers refuse with `seal-malformed` what cannot be parsed (magic, counts, chunk size out of
 * range, duplicate stanzas, short header, small-order ephemeral key), `seal-not-recipient` when
 * no stanza names their key, and `seal-tampered` for any authentication failure, the wrapped key
 * and the salt included.
 */
import { randomFillSync } from 'node:crypto'
import { LienthongError } from '@lienthong/errors'
import {
  SEAL_DEFAULT_CHUNK_SIZE, SEAL_MAX_RECIPIENTS, SEAL_SALT_LENGTH, SEAL_TAG_LENGTH, X25519_KEY_LENGTH
} from './constants.js'
import { checkLength } from './ed25519.js'
import { CryptoErrorCode } from './errors.js'
import { sha256 } from './hash.js'
import type { NodeKey } from './keys.js'
import { ChunkOpener, ChunkSealer } from './seal-chunks.js'
import { DATA_KEY_LENGTH, HeaderReader, checkChunkSize, encodeHeader, headerLength, type SealHeader } from './seal-format.js'
import { SealingKey, sealingKey, unwrapDataKey, wrapDataKey } from './seal-keys.js'

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

function checkRecipients (recipients: Uint8Array[]): void {
  if (!Array.isArray(recipients)) throw new TypeError('recipients must be an array of X25519 public keys')
  if (recipients.length < 1 || recipients.length > SEAL_MAX_RECIPIENTS) {
    throw new LienthongError(CryptoErrorCode.SEAL_RECIPIENTS, `a sealed payload needs 1..${SEAL_MAX_RECIPIENTS} recipients`, { count: recipients.length })
  }
  const seen = new Set<string>()
  recipients.forEach((recipient, index) => {
    checkLength('x25519 public key', recipient, X25519_KEY_LENGTH)
    const id = Buffer.from(recipient).toString('latin1')
    if (seen.has(id)) throw new LienthongError(CryptoErrorCode.SEAL_RECIPIENTS, 'duplicate recipient', { index })
    seen.add(id)
  })
}

function checkBytes (what: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`)
}

function concatBytes (parts: Uint8Array[]): Uint8Array {
  let total = 0
  for (const part of parts) total += part.length
  const out = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Start sealing for `recipients` (their X25519 public keys, `sealingPublicKey` in the registry). */
export function createSealer (recipients: Uint8Array[], options: SealOptions = {}): Sealer {
  const chunkSize = options.chunkSize ?? SEAL_DEFAULT_CHUNK_SIZE
  checkChunkSize(chunkSize)
  checkRecipients(recipients)
  // DEK and salt, fresh per payload, in one draw: the salt is what lets the ephemeral key be reused.
  const secrets = randomFillSync(new Uint8Array(DATA_KEY_LENGTH + SEAL_SALT_LENGTH))
  return startSealer(recipients, chunkSize, sealingKey(), secrets.subarray(0, DATA_KEY_LENGTH), secrets.subarray(DATA_KEY_LENGTH))
}

function startSealer (recipients: Uint8Array[], chunkSize: number, ephemeral: SealingKey, dataKey: Uint8Array, salt: Uint8Array): Sealer {
  const stanzas = recipients.map((recipient, index): [Uint8Array, Uint8Array] => {
    try {
      return [recipient, wrapDataKey(dataKey, ephemeral, recipient, salt)]
    } catch {
      // X25519 gives an all-zero secret for a small-order point: that key can receive nothing.
      dataKey.fill(0)
      throw new LienthongError(CryptoErrorCode.SEAL_RECIPIENTS, 'unusable recipient key (small order)', { index })
    }
  })
  const header = encodeHeader(ephemeral.publicKey, salt, stanzas, chunkSize)
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

/** Inputs that `seal` draws at random, given instead: for golden vectors only (not exported by the package). */
export interface SealTestInputs {
  ephemeralPrivateKey: Uint8Array
  dataKey: Uint8Array
  salt: Uint8Array
  chunkSize: number
}

/** Test hook: `seal` with a given ephemeral key, DEK and salt, to reproduce committed vectors. */
export function sealWithInputs (payload: Uint8Array, recipients: Uint8Array[], inputs: SealTestInputs): Uint8Array {
  checkChunkSize(inputs.chunkSize)
  checkRecipients(recipients)
  checkLength('data key', inputs.dataKey, DATA_KEY_LENGTH)
  checkLength('salt', inputs.salt, SEAL_SALT_LENGTH)
  checkLength('ephemeral private key', inputs.ephemeralPrivateKey, X25519_KEY_LENGTH)
  const ephemeral = new SealingKey(inputs.ephemeralPrivateKey, Infinity)
  const sealer = startSealer(recipients, inputs.chunkSize, ephemeral, Uint8Array.from(inputs.dataKey), inputs.salt)
  ephemeral.retire()
  return concatBytes([sealer.header, ...sealer.push(payload), sealer.finish()])
}

/** Start opening a sealed payload addressed (among others) to `key`. */
export function createOpener (key: NodeKey): Opener {
  if (!(key?.sealingPrivateKey instanceof Uint8Array) || !(key.sealingPublicKey instanceof Uint8Array)) {
    throw new TypeError('key must be a NodeKey')
  }
  const reader = new HeaderReader()
  let body: ChunkOpener | undefined
  const start = (header: SealHeader): ChunkOpener => {
    const own = Buffer.from(key.sealingPublicKey)
    const index = header.recipients.findIndex((recipient) => own.equals(recipient))
    if (index < 0) {
      throw new LienthongError(CryptoErrorCode.SEAL_NOT_RECIPIENT, 'this key is not a recipient of the sealed payload', { recipients: header.recipients.length })
    }
    const dataKey = unwrapDataKey(header.wrappedKeys[index]!, key.sealingPrivateKey, header, key.sealingPublicKey)
    return new ChunkOpener(dataKey, sha256(header.bytes), header.chunkSize)
  }
  return {
    push: (sealed) => {
      checkBytes('sealed', sealed)
      if (body !== undefined) return body.push(sealed)
      const got = reader.push(sealed)
      if (got === undefined) return []
      body = start(got.header)
      return body.push(got.rest)
    },
    finish: () => body === undefined ? reader.end() : body.finish(),
    abort: () => { body?.abort() }
  }
}

/** Seal `payload` so that only the holders of the `recipients`' X25519 private keys can read it. */
export function seal (payload: Uint8Array, recipients: Uint8Array[], options: SealOptions = {}): Uint8Array {
  checkBytes('payload', payload)
  const sealer = createSealer(recipients, options)
  return concatBytes([sealer.header, ...sealer.push(payload), sealer.finish()])
}

/**
 * Open a sealed payload with a recipient's key. Throws `seal-malformed` (not the format),
 * `seal-not-recipient` (not addressed to this key) or `seal-tampered` (failed authentication).
 */
export function open (sealed: Uint8Array, key: NodeKey): Uint8Array {
  checkBytes('sealed', sealed)
  const opener = createOpener(key)
  return concatBytes([...opener.push(sealed), opener.finish()])
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
