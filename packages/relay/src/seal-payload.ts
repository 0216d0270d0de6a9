import { SEAL_MAX_RECIPIENTS, seal, sealStream, sealedLength } from '@lienthong/crypto'
import { LienthongError, isLienthongError } from '@lienthong/errors'
import { StoreErrorCode, type BlobInfo, type BlobStore } from '@lienthong/store'
import { RelayErrorCode } from './errors.js'

/** A payload sealed for its recipient nodes: inline bytes, or a blob in the store. */
export type SealedPayload =
  | { kind: 'inline', sealed: Uint8Array, plainLength: number }
  | { kind: 'blob', blob: BlobInfo, plainLength: number }

/** Bounds of `sealPayload`. */
export interface SealLimits {
  /** Sealed payloads up to this size stay in memory (inline); larger ones are spilled to a blob. */
  inlineMaxBytes: number
  /** Largest plaintext accepted. */
  maxPlainBytes: number
  /** Largest sealed payload accepted. */
  maxSealedBytes: number
}

function tooLarge (limit: number, what: string): LienthongError {
  return new LienthongError(RelayErrorCode.PAYLOAD_TOO_LARGE, `the ${what} is larger than allowed`, { limit, what })
}

/** Pass plaintext pieces through, counting them; `payload-too-large` past `max`, `bad-request` for non-bytes. */
async function * counted (source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, max: number, count: { bytes: number }): AsyncGenerator<Uint8Array> {
  for await (const piece of source) {
    if (!(piece instanceof Uint8Array)) throw new LienthongError(RelayErrorCode.BAD_REQUEST, 'the payload must be bytes', { field: 'payload' })
    count.bytes += piece.length
    if (count.bytes > max) throw tooLarge(max, 'payload')
    if (piece.length > 0) yield piece
  }
}

function concat (parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/**
 * Seal a payload (bytes or a stream read once) for the recipients' X25519 keys, with memory
 * bounded by about `inlineMaxBytes` plus one sealed chunk whatever its size: sealed chunks are
 * gathered until they pass `inlineMaxBytes`, then everything streams into the blob store
 * (written without owner; the caller adds one). Plaintext never touches the disk.
 */
export async function sealPayload (payload: Uint8Array | AsyncIterable<Uint8Array>, recipients: Uint8Array[], blobs: BlobStore, limits: SealLimits): Promise<SealedPayload> {
  const count = { bytes: 0 }
  if (payload instanceof Uint8Array) {
    if (payload.length > limits.maxPlainBytes) throw tooLarge(limits.maxPlainBytes, 'payload')
    // Bytes that seal to an inline payload: in one call, without the streaming machinery.
    if (recipients.length >= 1 && recipients.length <= SEAL_MAX_RECIPIENTS && sealedLength(payload.length, recipients.length) <= limits.inlineMaxBytes) {
      const sealed = seal(payload, recipients)
      if (sealed.length > limits.maxSealedBytes) throw tooLarge(limits.maxSealedBytes, 'sealed payload')
      return { kind: 'inline', sealed, plainLength: payload.length }
    }
  }
  const source = payload instanceof Uint8Array ? [payload] : payload
  const sealed = sealStream(counted(source, limits.maxPlainBytes, count), recipients)[Symbol.asyncIterator]()
  const head: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const next = await sealed.next()
      if (next.done === true) {
        if (size > limits.maxSealedBytes) throw tooLarge(limits.maxSealedBytes, 'sealed payload')
        return { kind: 'inline', sealed: concat(head, size), plainLength: count.bytes }
      }
      head.push(next.value)
      size += next.value.length
      if (size > limits.inlineMaxBytes) break
    }
    const rest = async function * (): AsyncGenerator<Uint8Array> {
      while (head.length > 0) yield head.shift() as Uint8Array
      for (;;) {
        const next = await sealed.next()
        if (next.done === true) return
        yield next.value
      }
    }
    try {
      const blob = await blobs.write(rest(), { maxBytes: limits.maxSealedBytes })
      return { kind: 'blob', blob, plainLength: count.bytes }
    } catch (err) {
      if (isLienthongError(err, StoreErrorCode.BLOB_TOO_LARGE)) throw tooLarge(limits.maxSealedBytes, 'sealed payload')
      throw err
    }
  } finally {
    // Wipes the data key if sealing stopped early; a no-op after a normal end.
    await sealed.return?.()
  }
}
