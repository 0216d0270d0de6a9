import { privateKeyFromRaw, publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { LienthongError } from '@lienthong/errors'
import { ED25519_PUBLIC_KEY_LENGTH } from './constants.js'
import { checkLength } from './ed25519.js'
import { CryptoErrorCode } from './errors.js'
import type { NodeKey } from './keys.js'

/** The libp2p private key for a NodeKey: pass it as `createLibp2p({ privateKey })`. */
export function libp2pPrivateKey (key: NodeKey): PrivateKey {
  // libp2p's raw ed25519 private key is seed || public key (64 bytes).
  const raw = new Uint8Array(64)
  raw.set(key.seed, 0)
  raw.set(key.publicKey, 32)
  return privateKeyFromRaw(raw)
}

/** The PeerId string (`12D3KooW…`) of an ed25519 public key. */
export function peerIdFromPublicKeyBytes (publicKey: Uint8Array): string {
  checkLength('ed25519 public key', publicKey, ED25519_PUBLIC_KEY_LENGTH)
  return peerIdFromPublicKey(publicKeyFromRaw(publicKey)).toString()
}

/** The ed25519 public key inside a PeerId string; `crypto-bad-peer-id` if it holds none. */
export function publicKeyFromPeerId (peerId: string): Uint8Array {
  let raw: Uint8Array | undefined
  try {
    const id = peerIdFromString(peerId)
    if (id.type === 'Ed25519') raw = id.publicKey.raw
  } catch {
    raw = undefined
  }
  if (raw?.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new LienthongError(CryptoErrorCode.BAD_PEER_ID, 'not an ed25519 PeerId', { peerId: String(peerId).slice(0, 80) })
  }
  return Uint8Array.from(raw)
}
