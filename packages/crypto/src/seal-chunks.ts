import { createCipheriv, createDecipheriv } from 'node:crypto'
import { SEAL_TAG_LENGTH } from './constants.js'
import { chunkNonce, sealTampered } from './seal-format.js'

/**
 * The body of a sealed payload, one chunk at a time, for the buffer and the streaming API alike.
 * A chunk is only sealed (or opened) once it is known whether it is the last one: a full chunk
 * waits in the buffer until at least one more byte arrives or the input ends. So the memory held
 * is one chunk, whatever the size of the payload and however the input is cut.
 */
abstract class ChunkTransform {
  // Grows with what it holds, up to one chunk: a 1 KiB payload costs 1 KiB, not a 64 KiB chunk.
  private buffer = new Uint8Array(0)
  private filled = 0
  protected index = 0
  private finished = false

  constructor (protected readonly key: Uint8Array, protected readonly aad: Uint8Array, private readonly size: number) {}

  /** Room for `needed` bytes in the buffer (at most one chunk); the old buffer is wiped. */
  private reserve (needed: number): void {
    if (this.buffer.length >= needed) return
    const bigger = new Uint8Array(Math.min(this.size, Math.max(needed, this.buffer.length * 2)))
    bigger.set(this.buffer.subarray(0, this.filled))
    this.buffer.fill(0)
    this.buffer = bigger
  }

  /** Feed input bytes; returns the output of every chunk that is complete and not the last. */
  push (data: Uint8Array): Uint8Array[] {
    if (this.finished) throw new TypeError('push() after finish()')
    const out: Uint8Array[] = []
    let offset = 0
    while (offset < data.length) {
      if (this.filled === this.size) {
        out.push(...this.next(this.buffer, false))
        this.filled = 0
      }
      const available = data.length - offset
      if (this.filled === 0 && available > this.size) {
        // A whole chunk with more input behind it: transform it in place, no copy into the buffer.
        out.push(...this.next(data.subarray(offset, offset + this.size), false))
        offset += this.size
        continue
      }
      const n = Math.min(this.size - this.filled, available)
      this.reserve(this.filled + n)
      this.buffer.set(data.subarray(offset, offset + n), this.filled)
      this.filled += n
      offset += n
    }
    return out
  }

  /** The input ended: returns the output of the last chunk and wipes the key and buffer. */
  finish (): Uint8Array {
    if (this.finished) throw new TypeError('finish() called twice')
    this.finished = true
    try {
      const parts = this.next(this.buffer.subarray(0, this.filled), true)
      return parts.length === 1 ? parts[0] as Uint8Array : join(parts)
    } finally {
      this.wipe()
    }
  }

  /** Stop without finishing (the consumer went away, or an error): wipes the key and buffer. */
  abort (): void {
    if (this.finished) return
    this.finished = true
    this.wipe()
  }

  private wipe (): void {
    this.key.fill(0)
    this.buffer.fill(0)
  }

  private next (input: Uint8Array, last: boolean): Uint8Array[] {
    const out = this.transform(input, last)
    this.index++
    return out
  }

  /** One chunk's output, in as few parts as its layout allows (a copy per chunk is garbage while a large document streams). */
  protected abstract transform (input: Uint8Array, last: boolean): Uint8Array[]
}

function view (buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

function join (parts: Uint8Array[]): Uint8Array {
  return view(Buffer.concat(parts))
}

/** Plaintext in, sealed chunks out (chunkSize → chunkSize + 16 bytes). */
export class ChunkSealer extends ChunkTransform {
  constructor (dataKey: Uint8Array, aad: Uint8Array, chunkSize: number) {
    super(dataKey, aad, chunkSize)
  }

  protected transform (plain: Uint8Array, last: boolean): Uint8Array[] {
    const cipher = createCipheriv('aes-256-gcm', this.key, chunkNonce(this.index, last), { authTagLength: SEAL_TAG_LENGTH })
    cipher.setAAD(this.aad)
    // One piece per sealed chunk (the streamed layout: header, then whole chunks).
    return [view(Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]))]
  }
}

/** Sealed chunks in, plaintext out; a chunk's plaintext is released only after its tag verified. */
export class ChunkOpener extends ChunkTransform {
  constructor (dataKey: Uint8Array, aad: Uint8Array, chunkSize: number) {
    super(dataKey, aad, chunkSize + SEAL_TAG_LENGTH)
  }

  protected transform (sealed: Uint8Array, last: boolean): Uint8Array[] {
    if (sealed.length < SEAL_TAG_LENGTH) {
      // Only the last chunk can be short: the input was cut, possibly right after a whole chunk.
      throw sealTampered('truncated', { chunk: this.index })
    }
    const end = sealed.length - SEAL_TAG_LENGTH
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, chunkNonce(this.index, last), { authTagLength: SEAL_TAG_LENGTH })
      decipher.setAAD(this.aad)
      decipher.setAuthTag(sealed.subarray(end))
      const plain = decipher.update(sealed.subarray(0, end))
      const final = decipher.final() // checks the tag; empty for GCM
      return final.length === 0 ? [view(plain)] : [view(plain), view(final)]
    } catch {
      throw sealTampered('chunk', { chunk: this.index })
    }
  }
}
