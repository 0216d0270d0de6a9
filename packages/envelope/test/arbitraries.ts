// fast-check arbitraries and fixed keys shared by the envelope tests.
import fc from 'fast-check'
import { nodeKeyFromSeed, type NodeKey } from '@lienthong/crypto'
import {
  MAX_TIMESTAMP_MS, MAX_TTL_MS, MIN_TIMESTAMP_MS, ORG_CODE_MAX_LENGTH, createEnvelope,
  type EnvelopeInit, type SignedEnvelope
} from '@lienthong/envelope'

/** Deterministic keys: seed i is 32 bytes of value i. */
export function seedKey (i: number): NodeKey {
  return nodeKeyFromSeed(new Uint8Array(32).fill(i))
}

export const KEYS: readonly NodeKey[] = [seedKey(1), seedKey(2), seedKey(3)]

const digits = (n: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`))

/** `000.00.00.H29`-style codes. */
export const standardCode: fc.Arbitrary<string> = fc.tuple(digits(3), digits(2), digits(2), fc.stringMatching(/^[A-Z][0-9]{2}$/))
  .map((parts) => parts.join('.'))

/** Extended codes (QCVN 102 amendment 1:2022): upper-case alphanumeric segments, ≤ 35 chars. */
export const extendedCode: fc.Arbitrary<string> = fc.array(fc.stringMatching(/^[A-Z0-9]{1,12}$/), { minLength: 1, maxLength: 6 })
  .map((segments) => segments.join('.'))
  .filter((code) => code.length <= ORG_CODE_MAX_LENGTH)

export const orgCode: fc.Arbitrary<string> = fc.oneof(standardCode, extendedCode)

export const ulidArb: fc.Arbitrary<string> = fc.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/)

export const contentType: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('application/pdf', 'application/xml', 'text/xml; charset=utf-8', 'application/vnd.edxml+xml', 'multipart/mixed; boundary="a b"'),
  fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.+-]{0,20}$/), fc.stringMatching(/^[a-z0-9][a-z0-9.+-]{0,40}$/)).map(([a, b]) => `${a}/${b}`)
)

/** Times with room for the lifetime: createdAt, then expiresAt within MAX_TTL_MS and the upper bound. */
export const times: fc.Arbitrary<{ createdAt: number, expiresAt: number }> = fc
  .tuple(fc.integer({ min: MIN_TIMESTAMP_MS, max: MAX_TIMESTAMP_MS - 2 }), fc.integer({ min: 1, max: MAX_TTL_MS }))
  .map(([createdAt, ttl]) => ({ createdAt, expiresAt: Math.min(createdAt + ttl, MAX_TIMESTAMP_MS - 1) }))

export interface EnvelopeCase {
  init: EnvelopeInit
  key: NodeKey
  payload: Uint8Array
  detached: boolean
  createdAt: number
  id: string
}

export const envelopeCase: fc.Arbitrary<EnvelopeCase> = fc.record({
  kind: fc.constantFrom('document' as const, 'status' as const),
  senderOrg: orgCode,
  recipients: fc.uniqueArray(orgCode, { minLength: 1, maxLength: 12 }),
  contentType,
  reference: fc.option(ulidArb, { nil: undefined }),
  times,
  keyIndex: fc.integer({ min: 0, max: KEYS.length - 1 }),
  payload: fc.uint8Array({ maxLength: 600 }),
  detached: fc.boolean(),
  id: ulidArb
}).map((r) => ({
  init: {
    kind: r.kind,
    senderOrg: r.senderOrg,
    recipients: r.recipients,
    contentType: r.contentType,
    reference: r.kind === 'status' ? (r.reference ?? r.id) : r.reference,
    expiresAt: r.times.expiresAt
  },
  key: KEYS[r.keyIndex] ?? seedKey(1),
  payload: r.payload,
  detached: r.detached,
  createdAt: r.times.createdAt,
  id: r.id
}))

/** Build the case: detached cases get `{ hash, length }` only. */
export function build (c: EnvelopeCase): SignedEnvelope {
  const inline = createEnvelope(c.init, c.key, c.payload, { now: c.createdAt, id: c.id })
  if (!c.detached) return inline
  return createEnvelope(c.init, c.key, { hash: inline.header.payloadHash, length: c.payload.length }, { now: c.createdAt, id: c.id })
}

/** A plain document envelope for example-based tests. */
export function sampleEnvelope (overrides: Partial<EnvelopeInit> = {}, payload: Uint8Array = new Uint8Array(300).fill(9), now = Date.UTC(2025, 5, 1), key: NodeKey = seedKey(1)): SignedEnvelope {
  return createEnvelope({
    kind: 'document',
    senderOrg: '000.00.00.G01',
    recipients: ['000.00.00.H29', '000.00.00.H49'],
    contentType: 'application/pdf',
    ...overrides
  }, key, payload, { now })
}
