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
  private readonly buffer: Uint8Array
  private filled = 0
  protected index = 0
  private finished = false

  constructor (protected readonly key: Uint8Array, protected readonly aad: Uint8Array, private readonly size: number) {
    this.buffer = new Uint8Array(size)
  }

  /** Feed input bytes; returns the output of every chunk that is complete and not the last. */
  push (data: Uint8Array): Uint8Array[] {
    if (this.finished) throw new TypeError('push() after finish()')
    const out: Uint8Array[] = []
    let offset = 0
    while (offset < data.length) {
      if (this.filled === this.size) {
        out.push(this.next(this.buffer, false))
        this.filled = 0
      }
      const available = data.length - offset
      if (this.filled === 0 && available > this.size) {
        // A whole chunk with more input behind it: transform it in place, no copy into the buffer.
        out.push(this.next(data.subarray(offset, offset + this.size), false))
        offset += this.size
        continue
      }
      const n = Math.min(this.size - this.filled, available)
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
      return this.next(this.buffer.subarray(0, this.filled), true)
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

  private next (input: Uint8Array, last: boolean): Uint8Array {
    const out = this.transform(input, last)
    this.index++
    return out
  }

  protected abstract transform (input: Uint8Array, last: boolean): Uint8Array
}

/** Plaintext in, sealed chunks out (chunkSize → chunkSize + 16 bytes). */
export class ChunkSealer extends ChunkTransform {
  constructor (dataKey: Uint8Array, aad: Uint8Array, chunkSize: number) {
    super(dataKey, aad, chunkSize)
  }

  protected transform (plain: Uint8Array, last: boolean): Uint8Array {
    const cipher = createCipheriv('aes-256-gcm', this.key, chunkNonce(this.index, last), { authTagLength: SEAL_TAG_LENGTH })
    cipher.setAAD(this.aad)
    const out = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()])
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  }
}

/** Sealed chunks in, plaintext out; a chunk's plaintext is released only after its tag verified. */
export class ChunkOpener extends ChunkTransform {
  constructor (dataKey: Uint8Array, aad: Uint8Array, chunkSize: number) {
    super(dataKey, aad, chunkSize + SEAL_TAG_LENGTH)
  }

  protected transform (sealed: Uint8Array, last: boolean): Uint8Array {
    if (sealed.length < SEAL_TAG_LENGTH) {
      // Only the last chunk can be short: the input was cut, possibly right after a whole chunk.
      throw sealTampered('truncated', { chunk: this.index })
    }
    const end = sealed.length - SEAL_TAG_LENGTH
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, chunkNonce(this.index, last), { authTagLength: SEAL_TAG_LENGTH })
      decipher.setAAD(this.aad)
      decipher.setAuthTag(sealed.subarray(end))
      const out = Buffer.concat([decipher.update(sealed.subarray(0, end)), decipher.final()])
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
    } catch {
      throw sealTampered('chunk', { chunk: this.index })
    }
  }
}
