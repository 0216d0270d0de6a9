import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
export const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'))

/** A committed fixture from test/fixtures (tests run from dist/test). */
export function fixture<T> (name: string): T {
  return JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8')) as T
}

/** Deterministic, incompressible-looking bytes: SHA-256 in counter mode over a label. */
export function patternBytes (length: number, label = 'lienthong-test'): Uint8Array {
  const out = new Uint8Array(length)
  for (let offset = 0, i = 0; offset < length; offset += 32, i++) {
    const block = createHash('sha256').update(`${label}:${i}`).digest()
    out.set(block.subarray(0, Math.min(32, length - offset)), offset)
  }
  return out
}

/** Cut `bytes` into pieces whose sizes cycle through `sizes`. */
export function * cut (bytes: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  let offset = 0
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]!
    yield bytes.subarray(offset, offset + size)
    offset += size
  }
}

export async function collect (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return new Uint8Array(Buffer.concat(parts))
}

export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}
