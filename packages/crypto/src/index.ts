/**
 * Keys, signatures and sealing for Lienthong.
 *
 * - One 32-byte ed25519 seed per node: signing key, libp2p PeerId and X25519 sealing key.
 * - Signatures always cover domain-separated exact bytes (`signedBytes`).
 * - node:crypto on the hot path with cached KeyObjects; @noble/ed25519 as the portable reference.
 * - Key files: PKCS#8 PEM, mode 0600, written atomically (`writeKeyFile` / `readKeyFile`).
 * - Sealing: a payload encrypted once, readable by each recipient node's X25519 key (`seal` / `open`,
 *   and `sealStream` / `openStream` for large documents with bounded memory).
 *
 * @example
 * ```ts
 * import { generateNodeKey, sign, verify } from '@lienthong/crypto'
 * const key = generateNodeKey()
 * const sig = sign(key, 'lienthong/example/v1', bytes)
 * verify(key.publicKey, 'lienthong/example/v1', bytes, sig) // true
 * ```
 */
export * from './constants.js'
export { CryptoErrorCode } from './errors.js'
export { nodeBackend, nobleBackend, assertValidPublicKey, type Ed25519Backend } from './ed25519.js'
export { nodeKeyFromSeed, generateNodeKey, x25519PublicKey, type NodeKey } from './keys.js'
export { signedBytes, sign, verify, verifyAsync, SIGNATURE_LENGTH } from './sign.js'
export { libp2pPrivateKey, peerIdFromPublicKeyBytes, publicKeyFromPeerId } from './peer-id.js'
export { sha256 } from './hash.js'
export { latin1 } from './latin1.js'
export { writeKeyFile, readKeyFile, writeSecretFile, readSecretFile, type SecretFileWriteOptions } from './key-file.js'
export {
  seal, open, sealStream, openStream, createSealer, createOpener, sealedLength,
  type SealOptions, type Sealer, type Opener
} from './seal.js'
export { headerLength as sealHeaderLength, sealedHeaderLength, type SealVersion } from './seal-format.js'
export { rotateSealingKey } from './seal-keys.js'
