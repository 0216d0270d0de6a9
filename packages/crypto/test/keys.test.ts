import test from 'ava'
import fc from 'fast-check'
import { diffieHellman, createHash, createPrivateKey, createPublicKey } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import {
  CryptoErrorCode, X25519_PKCS8_PREFIX, X25519_SPKI_PREFIX, generateNodeKey, libp2pPrivateKey, nodeBackend,
  latin1, nodeKeyFromSeed, peerIdFromPublicKeyBytes, publicKeyFromPeerId, sha256, verify, x25519PublicKey
} from '@lienthong/crypto'
import { equalBytes, fromHex, hex } from './helpers.js'

test('nodeKeyFromSeed is deterministic and copies the seed', (t) => {
  const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')
  const a = nodeKeyFromSeed(seed)
  const b = nodeKeyFromSeed(seed)
  t.is(hex(a.publicKey), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')
  t.deepEqual(a, b)
  seed.fill(0)
  t.not(hex(a.seed), hex(seed))
  t.notDeepEqual(generateNodeKey().seed, generateNodeKey().seed)
  t.throws(() => nodeKeyFromSeed(new Uint8Array(16)), { code: CryptoErrorCode.BAD_LENGTH })
})

test('the X25519 sealing key pair is consistent and agrees with node:crypto Diffie-Hellman', (t) => {
  const a = generateNodeKey()
  const b = generateNodeKey()
  t.deepEqual(x25519PublicKey(a.sealingPrivateKey), a.sealingPublicKey)
  t.false(equalBytes(a.sealingPublicKey, a.publicKey))
  const priv = (k: Uint8Array) => createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, k]), format: 'der', type: 'pkcs8' })
  const pub = (k: Uint8Array) => createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, k]), format: 'der', type: 'spki' })
  const ab = diffieHellman({ privateKey: priv(a.sealingPrivateKey), publicKey: pub(b.sealingPublicKey) })
  const ba = diffieHellman({ privateKey: priv(b.sealingPrivateKey), publicKey: pub(a.sealingPublicKey) })
  t.true(ab.equals(ba))
})

test('PeerId round trip: public key -> 12D3KooW… -> same public key', (t) => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
    const key = nodeKeyFromSeed(seed)
    const id = peerIdFromPublicKeyBytes(key.publicKey)
    return id.startsWith('12D3KooW') && equalBytes(publicKeyFromPeerId(id), key.publicKey) &&
      peerIdFromString(id).toString() === id
  }), { numRuns: 50 })
  t.pass()
})

test('the libp2p private key is the same identity and signs identically', async (t) => {
  const key = generateNodeKey()
  const libp2pKey = libp2pPrivateKey(key)
  t.is(libp2pKey.type, 'Ed25519')
  t.deepEqual(libp2pKey.publicKey.raw, key.publicKey)
  t.is(peerIdFromPrivateKey(libp2pKey).toString(), peerIdFromPublicKeyBytes(key.publicKey))
  for (const message of [new Uint8Array(0), sha256(Uint8Array.of(1)), new Uint8Array(1024).fill(3)]) {
    const theirs = await libp2pKey.sign(message)
    t.is(hex(theirs), hex(nodeBackend.sign(key.seed, message)))
    t.true(await libp2pKey.publicKey.verify(message, nodeBackend.sign(key.seed, message)))
  }
  // A domain-separated signature is checked by anyone holding just the PeerId.
  const message = Uint8Array.of(1, 2, 3)
  const sig = nodeBackend.sign(key.seed, new Uint8Array([...new TextEncoder().encode('lienthong/test/v1'), 0, 1, 2, 3]))
  t.true(verify(publicKeyFromPeerId(peerIdFromPrivateKey(libp2pKey).toString()), 'lienthong/test/v1', message, sig))
})

test('publicKeyFromPeerId refuses what is not an ed25519 PeerId', async (t) => {
  const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1')).toString()
  for (const bad of ['', 'hello', '12D3KooWxxxxxxxx', secp, 'QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N']) {
    t.throws(() => publicKeyFromPeerId(bad), { code: CryptoErrorCode.BAD_PEER_ID }, bad)
  }
  t.throws(() => peerIdFromPublicKeyBytes(new Uint8Array(31)), { code: CryptoErrorCode.BAD_LENGTH })
})

test('sha256 and latin1 give the digests and strings of node\'s own encoders, from views at any offset (property)', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(16), (bytes, offset) => {
    const padded = new Uint8Array(offset + bytes.length)
    padded.set(bytes, offset)
    const view = padded.subarray(offset)
    const digest = sha256(view)
    t.is(Object.getPrototypeOf(digest), Uint8Array.prototype)
    t.is(Buffer.from(digest).toString('hex'), createHash('sha256').update(bytes).digest('hex'))
    t.is(latin1(view), Buffer.from(bytes).toString('latin1'))
  }))
})
