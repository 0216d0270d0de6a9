import test from 'ava'
import { encode } from 'cborg'
import { sha256, signedBytes, verify } from '@lienthong/crypto'
import {
  decodeEntry, decodeSignedEntry, encodeEntry, encodeSignedEntry, entryHash, signEntry, verifyEntrySignature,
  REGISTRY_ENTRY_DOMAIN, RegistryErrorCode, type Entry
} from '@lienthong/registry'
import { testKey, throwsCode } from './helpers.js'

const key = testKey(1)
const genesis: Entry = {
  seq: 0,
  prev: new Uint8Array(32),
  at: 1_750_000_000_000,
  actor: 'system',
  op: { type: 'genesis', network: 'lienthong-test', coordinatorKey: key.publicKey }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

// Golden vector: a change of the entry format must update this on purpose.
// Map keys in canonical (length-first) order: at, op, seq, prev, actor.
const GENESIS_VECTOR = {
  bytes: 'a56261741b000001977420dc00626f70a364747970656767656e65736973676e6574776f726b6e6c69656e74686f6e672d746573746e636f6f7264696e61746f724b657958203f07ddec98f77249108b514a3dd4a095a9987df8437a7c82e6e80bbba0aee11f6373657100647072657658200000000000000000000000000000000000000000000000000000000000000000656163746f726673797374656d',
  signature: '919c7e11417a6fec550f07eb2b62c184c0030931807d425042c52038112cb1bbf16ec2b8b183940241ed19c12d93b1565834da5c7b0756d086d2025bcaaef40d',
  hash: '81ff3d3b8f6558ddcfde8c947a51284dc771d7be5ee9dbba6ab5df140a863fbd'
}

test('golden vector: genesis entry bytes, signature and hash', (t) => {
  const signed = signEntry(key, genesis)
  t.is(hex(signed.bytes), GENESIS_VECTOR.bytes)
  t.is(hex(signed.signature), GENESIS_VECTOR.signature)
  t.is(hex(entryHash(signed)), GENESIS_VECTOR.hash)
})

test('an entry round-trips and the signature covers the domain-separated bytes', (t) => {
  const signed = signEntry(key, genesis)
  t.deepEqual(decodeEntry(signed.bytes), genesis)
  t.true(verify(key.publicKey, REGISTRY_ENTRY_DOMAIN, signed.bytes, signed.signature))
  t.true(verifyEntrySignature(signed, key.publicKey))
  t.false(verifyEntrySignature(signed, testKey(2).publicKey))
  t.deepEqual(signedBytes(REGISTRY_ENTRY_DOMAIN, signed.bytes).subarray(0, REGISTRY_ENTRY_DOMAIN.length), new TextEncoder().encode(REGISTRY_ENTRY_DOMAIN))
  t.deepEqual(entryHash(signed), sha256(new Uint8Array([...signed.bytes, ...signed.signature])))
})

test('the encoding is deterministic whatever the key order of the input', (t) => {
  const reordered = { op: genesis.op, actor: genesis.actor, at: genesis.at, prev: genesis.prev, seq: 0 }
  t.is(hex(encodeEntry(reordered)), hex(encodeEntry(genesis)))
})

test('the wire form is [bytes, signature] and decodes strictly', (t) => {
  const signed = signEntry(key, genesis)
  const wire = encodeSignedEntry(signed)
  t.deepEqual(decodeSignedEntry(wire), signed)
  throwsCode(t, () => decodeSignedEntry(encode([signed.bytes])), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeSignedEntry(encode([signed.bytes, signed.signature, signed.signature])), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeSignedEntry(encode([signed.bytes, signed.signature.subarray(0, 63)])), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeSignedEntry(encode({ bytes: signed.bytes, signature: signed.signature })), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeSignedEntry(new Uint8Array([...wire, 0])), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeSignedEntry(wire.subarray(0, wire.length - 1)), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeSignedEntry(encode([new Uint8Array([1, 2, 3]), signed.signature])), RegistryErrorCode.MALFORMED)
})

test('decoding refuses non-canonical bytes, unknown fields and bad field types', (t) => {
  const bytes = encodeEntry(genesis)
  // seq 0 written as a one-byte-extended integer (0x18 0x00) instead of 0x00
  const seqKey = hex(new Uint8Array([0x63, 0x73, 0x65, 0x71, 0x00])) // text(3) "seq", uint 0
  t.true(hex(bytes).includes(seqKey))
  const nonMinimal = Buffer.from(hex(bytes).replace(seqKey, seqKey.slice(0, -2) + '1800'), 'hex')
  throwsCode(t, () => decodeEntry(nonMinimal), RegistryErrorCode.MALFORMED)
  // a map written in a non-canonical key order
  const unordered = encode(new Map<string, unknown>([['seq', 0], ['prev', genesis.prev], ['at', genesis.at], ['actor', 'system'], ['op', genesis.op]]), { mapSorter: () => 0 })
  throwsCode(t, () => decodeEntry(unordered), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeEntry(encode({ ...genesis, extra: 1 })), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeEntry(encode({ ...genesis, seq: -1 })), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeEntry(encode({ ...genesis, seq: 1.5 })), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeEntry(encode({ ...genesis, prev: new Uint8Array(31) })), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeEntry(encode({ ...genesis, actor: '' })), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeEntry(encode([1, 2])), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeEntry(new Uint8Array(300 * 1024)), RegistryErrorCode.MALFORMED)
  throwsCode(t, () => decodeEntry(encode({ ...genesis, op: { type: 'org.explode' } })), RegistryErrorCode.UNKNOWN_OP)
  const meta = throwsCode(t, () => decodeEntry(encode({ ...genesis, seq: 7, op: { type: 'genesis', network: 'x', coordinatorKey: key.publicKey, more: 1 } })), RegistryErrorCode.BAD_OP)
  t.is(meta.seq, 7)
  t.is(meta.field, 'more')
})
