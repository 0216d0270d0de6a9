import type { LienthongError } from '@lienthong/errors'
import { RegistryErrorCode } from '../errors.js'
import type {
  NodeAdmitOp, NodePromoteOp, NodeReinstateOp, NodeResumeOp, NodeRevokeOp, NodeRotateKeyOp, NodeSuspendOp,
  NodeUpdateAddressesOp, NodeUpdateContactsOp, NodeUpdateOrgsOp
} from '../ops.js'
import { compact } from '../parse/fields.js'
import { buildHostIndex } from '../queries.js'
import type { EntryContext, NodeEvent, NodeHistoryItem, NodeRecord, NodeState } from '../types.js'
import { activeOrg, refuse, stamp } from './common.js'
import type { Draft } from './draft.js'

function knownNode (draft: Draft, peerId: string): NodeRecord {
  const node = draft.nodes.get(peerId)
  if (node === undefined) throw refuse(RegistryErrorCode.UNKNOWN_NODE, 'no node with this PeerId', { peerId })
  return node
}

/** A PeerId is taken when a node has it now or had it before a key rotation. */
function assertPeerIdFree (draft: Draft, peerId: string): void {
  if (draft.nodes.has(peerId)) throw refuse(RegistryErrorCode.NODE_EXISTS, 'a node with this PeerId exists', { peerId })
  for (const node of draft.nodes.values()) {
    if (node.formerPeerIds.includes(peerId)) {
      throw refuse(RegistryErrorCode.NODE_EXISTS, 'this PeerId belonged to a node before a key rotation', { peerId, node: node.peerId })
    }
  }
}

/** No other non-revoked node may list one of `orgs` explicitly: one host per code. */
function assertNotHostedElsewhere (draft: Draft, orgs: readonly string[], peerId: string): void {
  const index = buildHostIndex(draft.nodes)
  for (const code of orgs) {
    const other = index.get(code)
    if (other !== undefined && other.peerId !== peerId) {
      throw refuse(RegistryErrorCode.ORG_HOSTED, 'another node hosts this code', { code, peerId: other.peerId })
    }
  }
}

/** Codes a node starts or goes on hosting: active, and hosted by no other node. */
function checkHostedOrgs (draft: Draft, orgs: readonly string[], peerId: string): void {
  orgs.forEach((code, i) => activeOrg(draft, code, `orgs[${i}]`))
  assertNotHostedElsewhere(draft, orgs, peerId)
}

function move (draft: Draft, node: NodeRecord, ctx: EntryContext, event: NodeEvent, to: NodeState, extra: Partial<NodeHistoryItem> = {}, changes: Partial<NodeRecord> = {}): void {
  const item: NodeHistoryItem = Object.freeze({ ...stamp(ctx), event, from: node.state, to, ...extra })
  draft.putNode(compact({ ...node, ...changes, state: to, updatedSeq: ctx.seq, history: Object.freeze([...node.history, item]) }))
}

/** `registry-bad-transition` with meta `{peerId, event, from, to}` (`to` null when there is no target state). */
function badTransition (node: NodeRecord, event: NodeEvent, to: NodeState | null): LienthongError {
  return refuse(RegistryErrorCode.BAD_TRANSITION, 'this membership change is not allowed from the node\'s state', { peerId: node.peerId, event, from: node.state, to })
}

export function applyNodeAdmit (draft: Draft, op: NodeAdmitOp, ctx: EntryContext): void {
  assertPeerIdFree(draft, op.peerId)
  checkHostedOrgs(draft, op.orgs, op.peerId)
  draft.putNode({
    peerId: op.peerId,
    publicKey: op.publicKey,
    sealingPublicKey: op.sealingPublicKey,
    addresses: Object.freeze([...op.addresses]),
    orgs: Object.freeze([...op.orgs]),
    contacts: Object.freeze({ email: Object.freeze([...op.contacts.email]), phone: Object.freeze([...op.contacts.phone]) }),
    state: 'trial',
    formerPeerIds: Object.freeze([]),
    admittedSeq: ctx.seq,
    updatedSeq: ctx.seq,
    history: Object.freeze([Object.freeze({ ...stamp(ctx), event: 'admitted' as const, from: null, to: 'trial' as const })])
  })
}

export function applyNodePromote (draft: Draft, op: NodePromoteOp, ctx: EntryContext): void {
  const node = knownNode(draft, op.peerId)
  if (node.state !== 'trial') throw badTransition(node, 'promoted', 'official')
  move(draft, node, ctx, 'promoted', 'official')
}

export function applyNodeSuspend (draft: Draft, op: NodeSuspendOp, ctx: EntryContext): void {
  const node = knownNode(draft, op.peerId)
  if (node.state !== 'trial' && node.state !== 'official') throw badTransition(node, 'suspended', 'suspended')
  move(draft, node, ctx, 'suspended', 'suspended', { pauseReason: op.reason }, { resumeTo: node.state })
}

export function applyNodeResume (draft: Draft, op: NodeResumeOp, ctx: EntryContext): void {
  const node = knownNode(draft, op.peerId)
  if (node.state !== 'suspended') throw badTransition(node, 'resumed', null)
  move(draft, node, ctx, 'resumed', node.resumeTo ?? 'trial', {}, { resumeTo: undefined })
}

export function applyNodeRevoke (draft: Draft, op: NodeRevokeOp, ctx: EntryContext): void {
  const node = knownNode(draft, op.peerId)
  if (node.state === 'revoked') throw badTransition(node, 'revoked', 'revoked')
  move(draft, node, ctx, 'revoked', 'revoked', { incident: op.incident }, { resumeTo: undefined })
}

export function applyNodeReinstate (draft: Draft, op: NodeReinstateOp, ctx: EntryContext): void {
  const node = knownNode(draft, op.peerId)
  if (node.state !== 'revoked') throw badTransition(node, 'reinstated', op.to)
  // While it was revoked another node may have taken over its codes.
  assertNotHostedElsewhere(draft, node.orgs, node.peerId)
  move(draft, node, ctx, 'reinstated', op.to, { remediation: Object.freeze({ ...op.remediation }) })
}

export function applyNodeUpdateAddresses (draft: Draft, op: NodeUpdateAddressesOp, ctx: EntryContext): void {
  const node = knownNode(draft, op.peerId)
  draft.putNode({ ...node, addresses: Object.freeze([...op.addresses]), updatedSeq: ctx.seq })
}

export function applyNodeUpdateOrgs (draft: Draft, op: NodeUpdateOrgsOp, ctx: EntryContext): void {
  const node = knownNode(draft, op.peerId)
  op.orgs.forEach((code, i) => activeOrg(draft, code, `orgs[${i}]`))
  // A revoked node hosts nothing, so only a live node can conflict with another.
  if (node.state !== 'revoked') assertNotHostedElsewhere(draft, op.orgs, node.peerId)
  draft.putNode({ ...node, orgs: Object.freeze([...op.orgs]), updatedSeq: ctx.seq })
}

export function applyNodeUpdateContacts (draft: Draft, op: NodeUpdateContactsOp, ctx: EntryContext): void {
  const node = knownNode(draft, op.peerId)
  draft.putNode({ ...node, contacts: Object.freeze({ email: Object.freeze([...op.contacts.email]), phone: Object.freeze([...op.contacts.phone]) }), updatedSeq: ctx.seq })
}

export function applyNodeRotateKey (draft: Draft, op: NodeRotateKeyOp, ctx: EntryContext): void {
  const node = knownNode(draft, op.peerId)
  const changes = { publicKey: op.publicKey, sealingPublicKey: op.sealingPublicKey, updatedSeq: ctx.seq }
  if (op.newPeerId === op.peerId) {
    draft.putNode({ ...node, ...changes })
    return
  }
  assertPeerIdFree(draft, op.newPeerId)
  draft.deleteNode(node.peerId)
  draft.putNode({ ...node, ...changes, peerId: op.newPeerId, formerPeerIds: Object.freeze([...node.formerPeerIds, node.peerId]) })
}
