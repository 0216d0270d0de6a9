import test from 'ava'
import fc from 'fast-check'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import {
  CryptoErrorCode, assertValidPublicKey, generateNodeKey, nobleBackend, nodeBackend, sign, signedBytes, verify,
  type Ed25519Backend
} from '@lienthong/crypto'
import { equalBytes, fixture, fromHex, hex } from './helpers.js'

interface Vector { name: string, secretKey: string, publicKey: string, message: string, signature: string }
const { vectors } = fixture<{ vectors: Vector[] }>('rfc8032.json')
const backends: Ed25519Backend[] = [nodeBackend, nobleBackend]

const L = ed.Point.CURVE().n
const P = ed.Point.CURVE().p
const le32 = (n: bigint): Uint8Array => fromHex(n.toString(16).padStart(64, '0')).reverse()
const fromLe = (bytes: Uint8Array): bigint => BigInt('0x' + (hex(Uint8Array.from(bytes).reverse()) || '0'))
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

// A point of order 8; its multiples are the 8 small-order points of the curve.
const T8 = ed.Point.fromBytes(fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'))
const smallOrderPoints = Array.from({ length: 8 }, (_, i) => T8.multiply(BigInt(i), false))

/** An RFC 8032 signature computed by hand, so it can be made under a crafted public key encoding. */
function signRaw (seed: Uint8Array, publicKeyBytes: Uint8Array, message: Uint8Array, rOffset = ed.Point.ZERO): Uint8Array {
  const { prefix, scalar } = ed.utils.getExtendedPublicKey(seed)
  const r = fromLe(sha512(ed.etc.concatBytes(prefix, message))) % L
  const R = ed.Point.BASE.multiply(r).add(rOffset).toBytes()
  const k = fromLe(sha512(ed.etc.concatBytes(R, publicKeyBytes, message))) % L
  return ed.etc.concatBytes(R, le32((r + k * scalar) % L))
}

test('RFC 8032 §7.1 vectors: public key, exact signature and verify, with both backends', (t) => {
  t.is(vectors.length, 5)
  for (const v of vectors) {
    for (const backend of backends) {
      const what = `${v.name} / ${backend.name}`
      t.is(hex(backend.publicKeyFromSeed(fromHex(v.secretKey))), v.publicKey, what)
      t.is(hex(backend.sign(fromHex(v.secretKey), fromHex(v.message))), v.signature, what)
      t.true(backend.verify(fromHex(v.publicKey), fromHex(v.message), fromHex(v.signature)), what)
      const wrong = fromHex(v.signature)
      wrong[0]! ^= 1
      t.false(backend.verify(fromHex(v.publicKey), fromHex(v.message), wrong), what)
    }
  }
})

test('node:crypto and noble agree on random keys and messages (keys, exact signatures, verify)', (t) => {
  fc.assert(fc.property(
    fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 2048 }), fc.nat(),
    (seed, message, flip) => {
      const pub = nodeBackend.publicKeyFromSeed(seed)
      const sig = nodeBackend.sign(seed, message)
      if (!equalBytes(pub, nobleBackend.publicKeyFromSeed(seed))) return false
      if (!equalBytes(sig, nobleBackend.sign(seed, message))) return false
      if (!nodeBackend.verify(pub, message, sig) || !nobleBackend.verify(pub, message, sig)) return false
      const bad = Uint8Array.from(sig)
      bad[flip % 64]! ^= 1 << (flip % 8)
      return !nodeBackend.verify(pub, message, bad) && !nobleBackend.verify(pub, message, bad)
    }), { numRuns: 60 })
  t.pass()
})

test('node:crypto and noble agree on arbitrary (mostly invalid) keys and signatures', (t) => {
  fc.assert(fc.property(
    fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 64 }),
    (pub, sig, message) => nodeBackend.verify(pub, message, sig) === nobleBackend.verify(pub, message, sig)
  ), { numRuns: 100 })
  t.pass()
})

test('a non-canonical S (S + L) is rejected by both backends', (t) => {
  const key = generateNodeKey()
  const message = utf8('canonical S only')
  const sig = nodeBackend.sign(key.seed, message)
  const malleated = Uint8Array.from(sig)
  malleated.set(le32(fromLe(sig.subarray(32)) + L), 32)
  const sEqualsL = Uint8Array.from(sig)
  sEqualsL.set(le32(L), 32)
  for (const backend of backends) {
    t.true(backend.verify(key.publicKey, message, sig), backend.name)
    t.false(backend.verify(key.publicKey, message, malleated), backend.name)
    t.false(backend.verify(key.publicKey, message, sEqualsL), backend.name)
  }
})

test('small-order public keys are refused by assertValidPublicKey and by both verifiers', (t) => {
  // With the identity as public key, R = identity and S = 0 satisfy [S]B = R + [k]A for every message.
  const forged = ed.etc.concatBytes(ed.Point.ZERO.toBytes(), new Uint8Array(32))
  for (const point of smallOrderPoints) {
    const pub = point.toBytes()
    t.throws(() => { assertValidPublicKey(pub) }, { code: CryptoErrorCode.BAD_PUBLIC_KEY }, hex(pub))
    for (const backend of backends) t.false(backend.verify(pub, utf8('any message'), forged), `${backend.name} ${hex(pub)}`)
  }
})

test('a key with a small-order component (mixed order) is refused; both verifiers still agree on it', (t) => {
  const key = generateNodeKey()
  const A = ed.Point.fromBytes(key.publicKey).add(T8).toBytes()
  t.throws(() => { assertValidPublicKey(A) }, { code: CryptoErrorCode.BAD_PUBLIC_KEY })
  for (let i = 0; i < 16; i++) {
    const message = utf8(`message ${i}`)
    const sig = signRaw(key.seed, A, message)
    t.is(nodeBackend.verify(A, message, sig), nobleBackend.verify(A, message, sig))
  }
})

test('an R with a small-order component is rejected by both (cofactorless, as OpenSSL)', (t) => {
  const key = generateNodeKey()
  const message = utf8('torsion in R')
  const sig = signRaw(key.seed, key.publicKey, message, T8)
  for (const backend of backends) t.false(backend.verify(key.publicKey, message, sig), backend.name)
  t.true(nodeBackend.verify(key.publicKey, message, signRaw(key.seed, key.publicKey, message)))
})

test('non-canonical public key encodings (y >= p) are refused', (t) => {
  let found = 0
  for (let y = 2n; y < 19n; y++) {
    let point: ed.Point
    try { point = ed.Point.fromBytes(le32(y)) } catch { continue }
    if (point.isSmallOrder()) continue
    const nonCanonical = le32(y + P)
    t.throws(() => { assertValidPublicKey(nonCanonical) }, { code: CryptoErrorCode.BAD_PUBLIC_KEY })
    for (const backend of backends) t.false(backend.verify(nonCanonical, utf8('x'), new Uint8Array(64)), backend.name)
    found++
  }
  t.true(found > 0)
})

test('honest keys pass assertValidPublicKey', (t) => {
  for (let i = 0; i < 5; i++) t.notThrows(() => { assertValidPublicKey(generateNodeKey().publicKey) })
  for (const v of vectors) t.notThrows(() => { assertValidPublicKey(fromHex(v.publicKey)) })
})

test('domain separation: a signature under one domain fails under another, with both backends', (t) => {
  const key = generateNodeKey()
  const message = utf8('{"kind":"document"}')
  for (const backend of backends) {
    const sig = sign(key, 'lienthong/envelope/v1', message, backend)
    t.true(verify(key.publicKey, 'lienthong/envelope/v1', message, sig, backend))
    t.false(verify(key.publicKey, 'lienthong/receipt/v1', message, sig, backend))
    t.false(verify(key.publicKey, 'lienthong/envelope/v2', message, sig, backend))
    // The signature covers domain || 0x00 || message exactly.
    t.true(backend.verify(key.publicKey, signedBytes('lienthong/envelope/v1', message), sig))
  }
  t.deepEqual(signedBytes('lienthong/a/v1', Uint8Array.of(9)), Uint8Array.from([...utf8('lienthong/a/v1'), 0, 9]))
  t.throws(() => signedBytes('Lienthong/Envelope', message), { instanceOf: TypeError })
})

test('sign and verify cover exactly signedBytes, whatever the sizes in a row (one reused buffer below 64 KiB)', (t) => {
  const key = generateNodeKey()
  // Long, short, across the reuse limit and back: a stale tail of an earlier message must never count.
  const lengths = [3000, 0, 1, 65_536 - 22, 65_536 - 21, 70_000, 200, 4096, 17]
  for (const length of lengths) {
    const message = new Uint8Array(length).map((_, i) => (i * 31 + length) & 0xff)
    const sig = sign(key, 'lienthong/envelope/v1', message)
    t.true(equalBytes(sig, nodeBackend.sign(key.seed, signedBytes('lienthong/envelope/v1', message))), `length ${length}`)
    t.true(verify(key.publicKey, 'lienthong/envelope/v1', message, sig))
    if (length > 0) t.false(verify(key.publicKey, 'lienthong/envelope/v1', message.subarray(0, length - 1), sig))
  }
  t.throws(() => sign(key, 'not a domain', Uint8Array.of(1)), { instanceOf: TypeError })
  t.throws(() => verify(key.publicKey, 'lienthong/Bad/v1', Uint8Array.of(1), new Uint8Array(64)), { instanceOf: TypeError })
})

test('wrong lengths are typed errors; a wrong signature is just false', (t) => {
  const key = generateNodeKey()
  for (const backend of backends) {
    t.throws(() => backend.sign(new Uint8Array(31), new Uint8Array(1)), { code: CryptoErrorCode.BAD_LENGTH })
    t.throws(() => backend.verify(new Uint8Array(33), new Uint8Array(1), new Uint8Array(64)), { code: CryptoErrorCode.BAD_LENGTH })
    t.throws(() => backend.verify(key.publicKey, new Uint8Array(1), new Uint8Array(63)), { code: CryptoErrorCode.BAD_LENGTH })
    t.false(backend.verify(key.publicKey, new Uint8Array(1), new Uint8Array(64)))
  }
})
