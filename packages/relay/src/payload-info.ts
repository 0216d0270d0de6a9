import { SEAL_DEFAULT_CHUNK_SIZE, SEAL_TAG_LENGTH, open, sealHeaderLength as cryptoSealHeaderLength, sealedHeaderLength, type NodeKey } from '@lienthong/crypto'
import { LienthongError } from '@lienthong/errors'
import { MAX_STATUS_NOTE_LENGTH, STATUS_CODES } from './constants.js'
import { RelayErrorCode } from './errors.js'

// Sealed-payload headers (see @lienthong/crypto seal.ts): format v2, written since, and v1, in
// payloads stored before, differ in size (v2 adds a 16-byte salt). Only the sizes are read here,
// through crypto's sealedHeaderLength, never a key; the chunk size is the header's last 4 bytes.

/** Length of a sealed header for `recipients` recipient nodes, as sealed now (format v2). */
export function sealHeaderLength (recipients: number): number {
  return cryptoSealHeaderLength(recipients)
}

/** How many bytes of a sealed payload `sealedLayout` needs, given its first 54 bytes (undefined: more; 0: not sealed). */
export function sealPrefixNeeded (prefix: Uint8Array): number | undefined {
  const needed = sealedHeaderLength(prefix)
  return needed === null ? 0 : needed
}

/** Header length and chunk size of a sealed payload, from its first bytes; undefined if too short or not sealed. */
export function sealedLayout (prefix: Uint8Array): { headerLength: number, chunkSize: number } | undefined {
  const needed = sealedHeaderLength(prefix)
  if (needed === undefined || needed === null || prefix.length < needed) return undefined
  const chunkSize = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength).readUInt32BE(needed - 4)
  return chunkSize > 0 ? { headerLength: needed, chunkSize } : undefined
}

/**
 * Plaintext length of a sealed payload of `sealedLength` bytes: every chunk but the last holds
 * `chunkSize` bytes and each carries a 16-byte tag (the inverse of crypto's `sealedLength`).
 */
export function plaintextLength (sealedLength: number, headerLength: number, chunkSize: number = SEAL_DEFAULT_CHUNK_SIZE): number {
  const body = sealedLength - headerLength
  if (body < SEAL_TAG_LENGTH) return 0
  const chunks = Math.max(1, Math.ceil(body / (chunkSize + SEAL_TAG_LENGTH)))
  return Math.max(0, body - chunks * SEAL_TAG_LENGTH)
}

/** Read the first bytes of a stream, enough for `sealedLayout`. */
export async function readSealPrefix (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let total = 0
  for await (const chunk of source) {
    parts.push(chunk)
    total += chunk.length
    const joined = Buffer.concat(parts)
    const needed = sealPrefixNeeded(joined)
    if (needed !== undefined && total >= needed) return new Uint8Array(joined)
  }
  return new Uint8Array(Buffer.concat(parts))
}

/** A status as it travels (sealed JSON payload of a `status` envelope). */
export interface StatusPayload {
  code: string
  note?: string
}

/** Check a status from the document system: `bad-status-code` / `bad-request`. */
export function checkStatus (status: unknown): StatusPayload {
  if (typeof status !== 'object' || status === null) throw new LienthongError(RelayErrorCode.BAD_REQUEST, 'a status must be an object', { field: 'status' })
  const { code, note } = status as { code?: unknown, note?: unknown }
  if (typeof code !== 'string' || !STATUS_CODES.includes(code)) {
    throw new LienthongError(RelayErrorCode.BAD_STATUS_CODE, `the status code must be one of ${STATUS_CODES.join(', ')}`, { field: 'code', allowed: [...STATUS_CODES] })
  }
  if (note !== undefined && (typeof note !== 'string' || note.length > MAX_STATUS_NOTE_LENGTH)) {
    throw new LienthongError(RelayErrorCode.BAD_REQUEST, `note must be a string of at most ${MAX_STATUS_NOTE_LENGTH} characters`, { field: 'note' })
  }
  return note === undefined ? { code } : { code, note }
}

/** The plaintext of a status payload. */
export function encodeStatus (status: StatusPayload): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(status), 'utf8'))
}

/** Open and parse a sealed status payload; undefined when it is not a valid status for `key`. */
export function openStatus (sealed: Uint8Array, key: NodeKey): StatusPayload | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(open(sealed, key)).toString('utf8'))
    return checkStatus(parsed)
  } catch {
    return undefined
  }
}
