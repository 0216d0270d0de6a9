// Hand-built wire bytes for the decoder's refusal tests: anything createEnvelope would never write.
import { encode } from 'cborg'
import { sign, type NodeKey } from '@lienthong/crypto'
import { ENVELOPE_DOMAIN, EnvelopeKey, type SignedEnvelope } from '@lienthong/envelope'
import { sampleEnvelope, seedKey } from './arbitraries.js'

export type Fields = Record<string, unknown>

/** The named fields of a valid envelope header, to modify. */
export function validFields (env: SignedEnvelope = sampleEnvelope()): Fields {
  return { ...env.header }
}

/** Encode named fields as a header map (cborg, canonical); undefined fields are left out. */
export function headerOf (fields: Fields): Uint8Array {
  const map = new Map<number, unknown>()
  for (const [name, value] of Object.entries(fields)) {
    const key = (EnvelopeKey as Record<string, number>)[name]
    if (key === undefined) throw new TypeError(`no key for ${name}`)
    if (value !== undefined) map.set(key, value)
  }
  return encode(map)
}

/** `[headerBytes, signature, payload]`, correctly signed over whatever header bytes are given. */
export function frameOf (headerBytes: Uint8Array, payload: Uint8Array | null = null, key: NodeKey = seedKey(1)): Uint8Array {
  return encode([headerBytes, sign(key, ENVELOPE_DOMAIN, headerBytes), payload])
}

/** Signed envelope bytes carrying arbitrary header fields. */
export function rawEnvelope (fields: Fields, payload: Uint8Array | null = null): Uint8Array {
  return frameOf(headerOf(fields), payload)
}

export function hex (s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
}

export function concat (...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts))
}
