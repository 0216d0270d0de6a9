import { randomBytes } from 'node:crypto'
import { peerIdFromPublicKeyBytes, sign, type NodeKey } from '@lienthong/crypto'
import { LienthongError } from '@lienthong/errors'
import { isNetworkName } from '@lienthong/registry'
import {
  CHECKLIST_ITEMS, JOIN_REQUEST_DOMAIN, MAX_JOIN_ADDRESSES, MAX_JOIN_CONTACTS, MAX_JOIN_ORGS, MAX_JOIN_SERVICES,
  MAX_SOFTWARE_LENGTH, MAX_TEXT_LENGTH, NONCE_LENGTH, REQUEST_VERSION
} from './constants.js'
import { MembershipErrorCode } from './errors.js'
import { badField, bytes, email, list, map, orgCode, peerIdText, phone, text, time, type Raw } from './fields.js'
import {
  checkPublicKey, checkSignedRequest, checkVerifyOptions, decodeRequestMap, decodeRequestWire, encodeCbor,
  type SignedRequest, type VerifyRequestOptions
} from './signed.js'

/** Who to reach at the unit: at least one email or phone in total. */
export interface JoinContacts {
  email: string[]
  phone: string[]
}

/** A service the unit offers over the network (becomes a registry `service.upsert` on approval). */
export interface DeclaredService {
  /** Registry service id: letters, digits and `. _ : / -`. */
  id: string
  /** One of the request's hosted codes. */
  org: string
  name: string
  description?: string
  protocol: string
}

/** The unit's own account of its preparation, one free text (≤ 2000 characters) per checklist item. */
export interface SelfAssessment {
  infrastructure: string
  network: string
  application: string
  security: string
}

/**
 * A unit's request to connect, signed by its node key (the proof of key possession): deterministic
 * CBOR, signature over `signedBytes('lienthong/join-request/v1', bytes)`.
 */
export interface JoinRequest {
  version: 1
  /** Network name (network.json). */
  network: string
  /** The PeerId of `publicKey`. */
  peerId: string
  /** ed25519 public key (32 bytes): the node's signing key and libp2p identity. */
  publicKey: Uint8Array
  /** X25519 public key (32 bytes) that payloads for this node are sealed to. */
  sealingPublicKey: Uint8Array
  /** Identifier codes the node hosts (1..100). */
  orgs: string[]
  contacts: JoinContacts
  /** Multiaddrs ending in `/p2p/<peerId>` (1..32). */
  addresses: string[]
  services?: DeclaredService[]
  selfAssessment: SelfAssessment
  /** Software version, e.g. `lienthong-node/0.1.0`. */
  software: string
  /** Unix ms when the node made it. */
  createdAt: number
  /** 16 random bytes: a replay within the freshness window is refused as a duplicate. */
  nonce: Uint8Array
}

/** What the node fills in; keys, PeerId, version, time and nonce come from `createJoinRequest`. */
export interface JoinRequestInit {
  network: string
  orgs: string[]
  contacts: JoinContacts
  addresses: string[]
  services?: DeclaredService[]
  selfAssessment: SelfAssessment
  software: string
  /** Default `Date.now()`. */
  createdAt?: number
  /** Default 16 random bytes. */
  nonce?: Uint8Array
}

const KEYS = ['version', 'network', 'peerId', 'publicKey', 'sealingPublicKey', 'orgs', 'contacts', 'addresses',
  'selfAssessment', 'software', 'createdAt', 'nonce'] as const
const ADDRESS = /^\/\S*[^/\s]\/p2p\/[1-9A-HJ-NP-Za-km-z]{1,128}$/
const SERVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/

function service (orgs: readonly string[]) {
  return (value: unknown, field: string): DeclaredService => {
    const raw = map(value, field, ['id', 'org', 'name', 'protocol'], ['description'])
    const id = text(raw.id, `${field}.id`, { max: 128 })
    if (!SERVICE_ID.test(id)) throw badField(`${field}.id`, 'must be letters, digits and . _ : / -')
    const org = orgCode(raw.org, `${field}.org`)
    if (!orgs.includes(org)) throw badField(`${field}.org`, 'must be one of the hosted codes (orgs)')
    const out: DeclaredService = { id, org, name: text(raw.name, `${field}.name`, { max: 256 }), protocol: text(raw.protocol, `${field}.protocol`, { max: 256 }) }
    if (raw.description !== undefined) out.description = text(raw.description, `${field}.description`, { max: MAX_TEXT_LENGTH, multiline: true })
    return out
  }
}

function contacts (value: unknown): JoinContacts {
  const raw = map(value, 'contacts', ['email', 'phone'])
  const out = {
    email: list(raw.email, 'contacts.email', 0, MAX_JOIN_CONTACTS, email),
    phone: list(raw.phone, 'contacts.phone', 0, MAX_JOIN_CONTACTS, phone)
  }
  if (out.email.length + out.phone.length === 0) throw badField('contacts', 'must hold at least one email or phone')
  return out
}

function selfAssessment (value: unknown): SelfAssessment {
  const raw = map(value, 'selfAssessment', CHECKLIST_ITEMS)
  const item = (name: typeof CHECKLIST_ITEMS[number]): string =>
    text(raw[name], `selfAssessment.${name}`, { min: 0, max: MAX_TEXT_LENGTH, multiline: true })
  return { infrastructure: item('infrastructure'), network: item('network'), application: item('application'), security: item('security') }
}

/** Check every field of a decoded join request (no signature, network or time check). */
export function parseJoinRequest (raw: Raw): JoinRequest {
  map(raw, '', KEYS, ['services'])
  if (raw.version !== REQUEST_VERSION) throw badField('version', `must be ${REQUEST_VERSION}`)
  if (!isNetworkName(raw.network)) throw badField('network', 'must be a network name')
  const peerId = peerIdText(raw.peerId, 'peerId')
  const publicKey = bytes(raw.publicKey, 'publicKey', 32)
  const orgs = list(raw.orgs, 'orgs', 1, MAX_JOIN_ORGS, orgCode)
  const request: JoinRequest = {
    version: REQUEST_VERSION,
    network: raw.network,
    peerId,
    publicKey,
    sealingPublicKey: bytes(raw.sealingPublicKey, 'sealingPublicKey', 32),
    orgs,
    contacts: contacts(raw.contacts),
    addresses: list(raw.addresses, 'addresses', 1, MAX_JOIN_ADDRESSES, (v, f) => {
      const address = text(v, f, { max: 512 })
      if (!ADDRESS.test(address)) throw badField(f, 'must be a multiaddr ending in /p2p/<peerId>')
      return address
    }),
    selfAssessment: selfAssessment(raw.selfAssessment),
    software: text(raw.software, 'software', { max: MAX_SOFTWARE_LENGTH }),
    createdAt: time(raw.createdAt, 'createdAt'),
    nonce: bytes(raw.nonce, 'nonce', NONCE_LENGTH)
  }
  if (raw.services !== undefined) request.services = list(raw.services, 'services', 0, MAX_JOIN_SERVICES, service(orgs), s => s.id)
  return request
}

/** The PeerId must be the key's and every address must end in it. */
function checkPeer (request: JoinRequest): void {
  checkPublicKey(request.publicKey)
  if (peerIdFromPublicKeyBytes(request.publicKey) !== request.peerId) {
    throw new LienthongError(MembershipErrorCode.PEER_MISMATCH, 'peerId is not the PeerId of publicKey', { field: 'peerId' })
  }
  const suffix = `/p2p/${request.peerId}`
  const wrong = request.addresses.findIndex(a => !a.endsWith(suffix))
  if (wrong >= 0) {
    throw new LienthongError(MembershipErrorCode.PEER_MISMATCH, 'an address names another PeerId', { field: `addresses[${wrong}]` })
  }
}

/** Decode join request bytes as stored (trusted): canonical CBOR and fields, no signature check. */
export function decodeJoinRequest (bytes: Uint8Array): JoinRequest {
  return parseJoinRequest(decodeRequestMap(bytes))
}

/**
 * Build and sign a join request with the node key. Throws `membership-bad-request` (meta.field)
 * for a field the coordinator would refuse, so a node learns it before sending.
 */
export function createJoinRequest (key: NodeKey, init: JoinRequestInit): SignedRequest<JoinRequest> {
  if (!(key?.seed instanceof Uint8Array)) throw new TypeError('key must be a NodeKey')
  if (init == null || typeof init !== 'object') throw new TypeError('init must be an object')
  const bytesOut = encodeCbor({
    version: REQUEST_VERSION,
    network: init.network,
    peerId: peerIdFromPublicKeyBytes(key.publicKey),
    publicKey: key.publicKey,
    sealingPublicKey: key.sealingPublicKey,
    orgs: init.orgs,
    contacts: init.contacts,
    addresses: init.addresses,
    services: init.services,
    selfAssessment: init.selfAssessment,
    software: init.software,
    createdAt: init.createdAt ?? Date.now(),
    nonce: init.nonce ?? new Uint8Array(randomBytes(NONCE_LENGTH))
  })
  const request = decodeJoinRequest(bytesOut)
  checkPeer(request)
  return { request, bytes: bytesOut, signature: sign(key, JOIN_REQUEST_DOMAIN, bytesOut) }
}

/**
 * Verify a join request in its JSON wire form `{request, signature}` (base64): fields, PeerId =
 * key, addresses, signature over the exact bytes, network, freshness. Returns it decoded with its
 * bytes and signature; throws `membership-bad-request` (meta.field), `membership-peer-mismatch`,
 * `membership-bad-signature`, `membership-wrong-network` or `membership-stale`.
 */
export function verifyJoinRequest (wire: unknown, options: VerifyRequestOptions): SignedRequest<JoinRequest> {
  checkVerifyOptions(options)
  const { bytes: requestBytes, signature } = decodeRequestWire(wire)
  const request = decodeJoinRequest(requestBytes)
  checkPeer(request)
  checkSignedRequest(JOIN_REQUEST_DOMAIN, request.publicKey, requestBytes, signature, request, options)
  return { request, bytes: requestBytes, signature }
}
