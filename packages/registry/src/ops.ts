/**
 * Registry operations: the `op` of an entry. Every field is validated by `parseOp` when an entry
 * is decoded (shape, bounds, formats: `registry-bad-op`, `registry-bad-org-code`,
 * `registry-bad-param`) and by the state machine when it is applied (legality).
 */

/** Kind of organisation. */
export type OrgKind = 'ministry' | 'province' | 'council' | 'agency' | 'unit' | 'test'
/** Confidence of a directory fact: Verified, Corroborated, Weak (one web source), Inferred. */
export type SourceConfidence = 'V' | 'C' | 'W' | 'I'

/** Where a directory fact comes from. */
export interface OrgSource {
  confidence: SourceConfidence
  refs: string[]
  note?: string
}

/** First entry of every log (seq 0): the network name and the coordinator key that signs it. */
export interface GenesisOp {
  type: 'genesis'
  network: string
  coordinatorKey: Uint8Array
}

/** Register a new organisation code. A closed code can never be created again. */
export interface OrgCreateOp {
  type: 'org.create'
  code: string
  name: string
  level?: number
  parent?: string
  kind?: OrgKind
  /** Unix ms; defaults to the entry's `at`. */
  validFrom?: number
  aliases?: string[]
  source?: OrgSource
}

/** Fields `org.update` may set (the name changes only through `org.rename`, which keeps history). */
export interface OrgUpdateFields {
  level?: number
  parent?: string
  kind?: OrgKind
  validFrom?: number
  aliases?: string[]
  source?: OrgSource
}

export interface OrgUpdateOp {
  type: 'org.update'
  code: string
  fields: OrgUpdateFields
}

/** Rename; the old name is kept in `aliases` and in history. */
export interface OrgRenameOp {
  type: 'org.rename'
  code: string
  name: string
}

/**
 * Merge (QĐ 09/2025 rule): `into` keeps its code (optionally taking a new `name`); each `from`
 * is retired with `successor = into`, its code closed forever. `at` is the effective time.
 */
export interface OrgMergeOp {
  type: 'org.merge'
  from: string[]
  into: string
  at?: number
  name?: string
}

/** Retire a code (closed forever), optionally naming its successor. */
export interface OrgRetireOp {
  type: 'org.retire'
  code: string
  successor?: string
}

export interface NodeContacts {
  email: string[]
  phone: string[]
}

/** Admit a node (state `trial`). `peerId` must be the PeerId of `publicKey`. */
export interface NodeAdmitOp {
  type: 'node.admit'
  peerId: string
  publicKey: Uint8Array
  sealingPublicKey: Uint8Array
  addresses: string[]
  orgs: string[]
  contacts: NodeContacts
}

/** trial → official. */
export interface NodePromoteOp { type: 'node.promote', peerId: string }
/** trial | official → suspended (the unit's own pause request, with its reason). */
export interface NodeSuspendOp { type: 'node.suspend', peerId: string, reason: string }
/** suspended → the state it was suspended from. */
export interface NodeResumeOp { type: 'node.resume', peerId: string }
/** any non-revoked state → revoked, with an incident reference. */
export interface NodeRevokeOp { type: 'node.revoke', peerId: string, incident: string }

/** What was done after an incident; `summary` must be non-empty. */
export interface Remediation {
  summary: string
  ref?: string
}

/** revoked → trial | official, only with a recorded remediation. */
export interface NodeReinstateOp {
  type: 'node.reinstate'
  peerId: string
  remediation: Remediation
  to: 'trial' | 'official'
}

export interface NodeUpdateAddressesOp { type: 'node.update-addresses', peerId: string, addresses: string[] }

/**
 * New keys for the node now known as `peerId`; afterwards it is known as `newPeerId` (the PeerId of
 * the new `publicKey`; equal to `peerId` when only the sealing key changes).
 */
export interface NodeRotateKeyOp {
  type: 'node.rotate-key'
  peerId: string
  newPeerId: string
  publicKey: Uint8Array
  sealingPublicKey: Uint8Array
}

export interface NodeUpdateOrgsOp { type: 'node.update-orgs', peerId: string, orgs: string[] }

/** New contacts of a node's unit (who is notified when the node goes offline); replaces the old ones. */
export interface NodeUpdateContactsOp { type: 'node.update-contacts', peerId: string, contacts: NodeContacts }

/** Add or replace a service an organisation offers (the organisation must be active and hosted). */
export interface ServiceUpsertOp {
  type: 'service.upsert'
  id: string
  org: string
  name: string
  description?: string
  protocol: string
}

export interface ServiceRemoveOp { type: 'service.remove', id: string }

/** Change network parameters (at least one; each within `NETWORK_PARAM_RANGES`). */
export interface NetworkParamsOp {
  type: 'network.params'
  heartbeatIntervalMs?: number
  maxEnvelopeBytes?: number
  stalenessLimitMs?: number
}

/**
 * Hand over to a new coordinator key. The entry is signed by the old key; `proof` is the new key's
 * signature over the old public key under `lienthong/coordinator-rotation/v1`. Later entries and
 * checkpoints are signed by the new key.
 */
export interface CoordinatorRotateKeyOp {
  type: 'coordinator.rotate-key'
  publicKey: Uint8Array
  proof: Uint8Array
}

export type OrgOp = OrgCreateOp | OrgUpdateOp | OrgRenameOp | OrgMergeOp | OrgRetireOp
export type NodeOp = NodeAdmitOp | NodePromoteOp | NodeSuspendOp | NodeResumeOp | NodeRevokeOp | NodeReinstateOp |
NodeUpdateAddressesOp | NodeRotateKeyOp | NodeUpdateOrgsOp | NodeUpdateContactsOp
export type ServiceOp = ServiceUpsertOp | ServiceRemoveOp

/** Any registry operation. */
export type RegistryOp = GenesisOp | OrgOp | NodeOp | ServiceOp | NetworkParamsOp | CoordinatorRotateKeyOp
/** The `type` strings of all operations. */
export type RegistryOpType = RegistryOp['type']

/** All operation types, in a stable order. */
export const REGISTRY_OP_TYPES: readonly RegistryOpType[] = Object.freeze([
  'genesis', 'org.create', 'org.update', 'org.rename', 'org.merge', 'org.retire',
  'node.admit', 'node.promote', 'node.suspend', 'node.resume', 'node.revoke', 'node.reinstate',
  'node.update-addresses', 'node.rotate-key', 'node.update-orgs',
  'node.update-contacts',
  'service.upsert', 'service.remove', 'network.params', 'coordinator.rotate-key'
])
