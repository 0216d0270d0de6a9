import { peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { LienthongError } from '@lienthong/errors'
import { MAX_ADDRESSES, MAX_CONTACTS, MAX_HOSTED_ORGS } from '../constants.js'
import { RegistryErrorCode } from '../errors.js'
import type {
  NodeAdmitOp, NodeContacts, NodePromoteOp, NodeReinstateOp, NodeResumeOp, NodeRevokeOp, NodeRotateKeyOp,
  NodeSuspendOp, NodeUpdateAddressesOp, NodeUpdateContactsOp, NodeUpdateOrgsOp, Remediation
} from '../ops.js'
import { isValidSigningKey } from './keys.js'
import { badOp, bytes, compact, oneOf, onlyKeys, optText, orgCodeList, record, text, textList, type Raw } from './fields.js'

const EMAIL = /^[^\s@]+@[^\s@]+$/
const PHONE = /^\+?[0-9][0-9 .()-]{2,31}$/
const ADDRESS = /^\/\S+$/
const PEER_ID = { max: 128 }

function peerId (raw: Raw, op: string, field = 'peerId'): string {
  return text(raw[field], op, field, PEER_ID)
}

/** A signing key that is a valid ed25519 point and whose PeerId is `expectedPeerId`. */
function signingKey (value: unknown, op: string, expectedPeerId: string, peerIdField: string): Uint8Array {
  const key = bytes(value, op, 'publicKey', 32)
  if (!isValidSigningKey(key)) throw badOp(op, 'publicKey', 'is not a valid ed25519 public key')
  if (peerIdFromPublicKeyBytes(key) !== expectedPeerId) throw badOp(op, peerIdField, 'is not the PeerId of publicKey')
  return key
}

function addresses (value: unknown, op: string): string[] {
  const list = textList(value, op, 'addresses', { maxItems: MAX_ADDRESSES, max: 512 })
  list.forEach((a, i) => { if (!ADDRESS.test(a)) throw badOp(op, `addresses[${i}]`, 'must be a multiaddr') })
  return list
}

function contacts (value: unknown, op: string): NodeContacts {
  const raw = record(value, op, 'contacts')
  onlyKeys(raw, ['email', 'phone'], op, 'contacts.')
  const email = textList(raw.email, op, 'contacts.email', { maxItems: MAX_CONTACTS, max: 254 })
  const phone = textList(raw.phone, op, 'contacts.phone', { maxItems: MAX_CONTACTS, max: 32 })
  email.forEach((e, i) => { if (!EMAIL.test(e)) throw badOp(op, `contacts.email[${i}]`, 'must be an email address') })
  phone.forEach((p, i) => { if (!PHONE.test(p)) throw badOp(op, `contacts.phone[${i}]`, 'must be a phone number') })
  return { email, phone }
}

function hosted (value: unknown, op: string): string[] {
  return orgCodeList(value, op, 'orgs', 0, MAX_HOSTED_ORGS)
}

export function parseNodeAdmit (raw: Raw): NodeAdmitOp {
  const op = 'node.admit'
  onlyKeys(raw, ['type', 'peerId', 'publicKey', 'sealingPublicKey', 'addresses', 'orgs', 'contacts'], op)
  const id = peerId(raw, op)
  return {
    type: op,
    peerId: id,
    publicKey: signingKey(raw.publicKey, op, id, 'peerId'),
    sealingPublicKey: bytes(raw.sealingPublicKey, op, 'sealingPublicKey', 32),
    addresses: addresses(raw.addresses, op),
    orgs: hosted(raw.orgs, op),
    contacts: contacts(raw.contacts, op)
  }
}

export function parseNodePromote (raw: Raw): NodePromoteOp {
  const op = 'node.promote'
  onlyKeys(raw, ['type', 'peerId'], op)
  return { type: op, peerId: peerId(raw, op) }
}

export function parseNodeSuspend (raw: Raw): NodeSuspendOp {
  const op = 'node.suspend'
  onlyKeys(raw, ['type', 'peerId', 'reason'], op)
  return { type: op, peerId: peerId(raw, op), reason: text(raw.reason, op, 'reason', { max: 2048 }) }
}

export function parseNodeResume (raw: Raw): NodeResumeOp {
  const op = 'node.resume'
  onlyKeys(raw, ['type', 'peerId'], op)
  return { type: op, peerId: peerId(raw, op) }
}

export function parseNodeRevoke (raw: Raw): NodeRevokeOp {
  const op = 'node.revoke'
  onlyKeys(raw, ['type', 'peerId', 'incident'], op)
  return { type: op, peerId: peerId(raw, op), incident: text(raw.incident, op, 'incident', { max: 1024 }) }
}

/**
 * A reinstatement needs a recorded remediation: an absent one, or one with an empty summary, is
 * refused as `registry-remediation-required` (the rule it breaks) rather than as a shape error.
 */
function remediation (value: unknown, op: string): Remediation {
  const raw = value === undefined ? {} : record(value, op, 'remediation')
  onlyKeys(raw, ['summary', 'ref'], op, 'remediation.')
  if (raw.summary === undefined || (typeof raw.summary === 'string' && raw.summary.trim() === '')) {
    throw new LienthongError(RegistryErrorCode.REMEDIATION_REQUIRED, `${op}: a remediation record is required`, { op, field: 'remediation' })
  }
  return compact({
    summary: text(raw.summary, op, 'remediation.summary', { max: 4096 }),
    ref: optText(raw.ref, op, 'remediation.ref', { max: 1024 })
  })
}

export function parseNodeReinstate (raw: Raw): NodeReinstateOp {
  const op = 'node.reinstate'
  onlyKeys(raw, ['type', 'peerId', 'remediation', 'to'], op)
  return {
    type: op,
    peerId: peerId(raw, op),
    remediation: remediation(raw.remediation, op),
    to: oneOf(raw.to, ['trial', 'official'] as const, op, 'to')
  }
}

export function parseNodeUpdateAddresses (raw: Raw): NodeUpdateAddressesOp {
  const op = 'node.update-addresses'
  onlyKeys(raw, ['type', 'peerId', 'addresses'], op)
  return { type: op, peerId: peerId(raw, op), addresses: addresses(raw.addresses, op) }
}

export function parseNodeRotateKey (raw: Raw): NodeRotateKeyOp {
  const op = 'node.rotate-key'
  onlyKeys(raw, ['type', 'peerId', 'newPeerId', 'publicKey', 'sealingPublicKey'], op)
  const newPeerId = peerId(raw, op, 'newPeerId')
  return {
    type: op,
    peerId: peerId(raw, op),
    newPeerId,
    publicKey: signingKey(raw.publicKey, op, newPeerId, 'newPeerId'),
    sealingPublicKey: bytes(raw.sealingPublicKey, op, 'sealingPublicKey', 32)
  }
}

export function parseNodeUpdateContacts (raw: Raw): NodeUpdateContactsOp {
  const op = 'node.update-contacts'
  onlyKeys(raw, ['type', 'peerId', 'contacts'], op)
  return { type: op, peerId: peerId(raw, op), contacts: contacts(raw.contacts, op) }
}

export function parseNodeUpdateOrgs (raw: Raw): NodeUpdateOrgsOp {
  const op = 'node.update-orgs'
  onlyKeys(raw, ['type', 'peerId', 'orgs'], op)
  return { type: op, peerId: peerId(raw, op), orgs: hosted(raw.orgs, op) }
}
