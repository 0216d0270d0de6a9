import { randomBytes } from 'node:crypto'
import { isLienthongError } from '@lienthong/errors'
import { peerIdFromPublicKeyBytes, publicKeyFromPeerId, sign, type NodeKey } from '@lienthong/crypto'
import { isNetworkName } from '@lienthong/registry'
import { MAX_TEXT_LENGTH, NONCE_LENGTH, PAUSE_REQUEST_DOMAIN, REQUEST_VERSION } from './constants.js'
import { badField, bytes, map, peerIdText, text, time, type Raw } from './fields.js'
import {
  checkPublicKey, checkSignedRequest, checkVerifyOptions, decodeRequestMap, decodeRequestWire, encodeCbor,
  type SignedRequest, type VerifyRequestOptions
} from './signed.js'

/**
 * A unit's request to pause its connection, with its reason, signed by its node key (the key
 * inside `peerId`) over `signedBytes('lienthong/pause-request/v1', bytes)`.
 */
export interface PauseRequest {
  version: 1
  network: string
  peerId: string
  /** Why the unit stops (1..2000 characters); it goes into the registry's `node.suspend`. */
  reason: string
  createdAt: number
  nonce: Uint8Array
}

/** What the node fills in for `createPauseRequest`. */
export interface PauseRequestInit {
  network: string
  reason: string
  /** Default `Date.now()`. */
  createdAt?: number
  /** Default 16 random bytes. */
  nonce?: Uint8Array
}

const KEYS = ['version', 'network', 'peerId', 'reason', 'createdAt', 'nonce'] as const

/** Check every field of a decoded pause request (no signature, network or time check). */
export function parsePauseRequest (raw: Raw): PauseRequest {
  map(raw, '', KEYS)
  if (raw.version !== REQUEST_VERSION) throw badField('version', `must be ${REQUEST_VERSION}`)
  if (!isNetworkName(raw.network)) throw badField('network', 'must be a network name')
  const reason = text(raw.reason, 'reason', { max: MAX_TEXT_LENGTH, multiline: true })
  if (reason.trim() === '') throw badField('reason', 'must not be blank')
  return {
    version: REQUEST_VERSION,
    network: raw.network,
    peerId: peerIdText(raw.peerId, 'peerId'),
    reason,
    createdAt: time(raw.createdAt, 'createdAt'),
    nonce: bytes(raw.nonce, 'nonce', NONCE_LENGTH)
  }
}

/** Decode pause request bytes as stored (trusted): canonical CBOR and fields, no signature check. */
export function decodePauseRequest (bytesIn: Uint8Array): PauseRequest {
  return parsePauseRequest(decodeRequestMap(bytesIn))
}

function keyOf (peerId: string): Uint8Array {
  let key: Uint8Array
  try {
    key = publicKeyFromPeerId(peerId)
  } catch (err) {
    if (isLienthongError(err)) throw badField('peerId', 'must be an ed25519 PeerId')
    throw err
  }
  checkPublicKey(key)
  return key
}

/** Build and sign a pause request; `membership-bad-request` (meta.field) for a bad field. */
export function createPauseRequest (key: NodeKey, init: PauseRequestInit): SignedRequest<PauseRequest> {
  if (!(key?.seed instanceof Uint8Array)) throw new TypeError('key must be a NodeKey')
  if (init == null || typeof init !== 'object') throw new TypeError('init must be an object')
  const out = encodeCbor({
    version: REQUEST_VERSION,
    network: init.network,
    peerId: peerIdFromPublicKeyBytes(key.publicKey),
    reason: init.reason,
    createdAt: init.createdAt ?? Date.now(),
    nonce: init.nonce ?? new Uint8Array(randomBytes(NONCE_LENGTH))
  })
  return { request: decodePauseRequest(out), bytes: out, signature: sign(key, PAUSE_REQUEST_DOMAIN, out) }
}

/**
 * Verify a pause request in its JSON wire form: fields, signature by the key inside `peerId`,
 * network, freshness. Same errors as `verifyJoinRequest` (no peer mismatch: the key is the PeerId's).
 */
export function verifyPauseRequest (wire: unknown, options: VerifyRequestOptions): SignedRequest<PauseRequest> {
  checkVerifyOptions(options)
  const { bytes: requestBytes, signature } = decodeRequestWire(wire)
  const request = decodePauseRequest(requestBytes)
  checkSignedRequest(PAUSE_REQUEST_DOMAIN, keyOf(request.peerId), requestBytes, signature, request, options)
  return { request, bytes: requestBytes, signature }
}
