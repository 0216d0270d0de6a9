import { LienthongError } from '@lienthong/errors'
import type { NodeAdmitOp, NodeState, NodeSuspendOp, RegistryOp, RegistryState, ServiceUpsertOp } from '@lienthong/registry'
import { MembershipErrorCode } from './errors.js'
import type { JoinRequest } from './join-request.js'
import type { PauseRequest } from './pause-request.js'

/**
 * The registry operations that approving a join request appends, in order: `node.admit` (state
 * `trial`) and one `service.upsert` per declared service. With `state`, a declared service id that
 * already belongs to an organisation this request does not host is refused
 * (`membership-service-conflict`): approving must not hand another unit's service over.
 */
export function joinRequestOps (request: JoinRequest, state?: RegistryState): RegistryOp[] {
  const admit: NodeAdmitOp = {
    type: 'node.admit',
    peerId: request.peerId,
    publicKey: Uint8Array.from(request.publicKey),
    sealingPublicKey: Uint8Array.from(request.sealingPublicKey),
    addresses: [...request.addresses],
    orgs: [...request.orgs],
    contacts: { email: [...request.contacts.email], phone: [...request.contacts.phone] }
  }
  const services = (request.services ?? []).map((s): ServiceUpsertOp => {
    const existing = state?.services.get(s.id)
    if (existing != null && !request.orgs.includes(existing.org)) {
      throw new LienthongError(MembershipErrorCode.SERVICE_CONFLICT, 'a declared service id belongs to another organisation',
        { id: s.id, org: existing.org })
    }
    const op: ServiceUpsertOp = { type: 'service.upsert', id: s.id, org: s.org, name: s.name, protocol: s.protocol }
    if (s.description !== undefined) op.description = s.description
    return op
  })
  return [admit, ...services]
}

/** The registry operation that approving a pause request appends: `node.suspend` with the unit's reason. */
export function pauseRequestOp (request: PauseRequest): NodeSuspendOp {
  return { type: 'node.suspend', peerId: request.peerId, reason: request.reason }
}

/** A `nodeState` callback for `MembershipStore.open` reading the registry state at each call. */
export function registryNodeState (state: () => RegistryState): (peerId: string) => NodeState | undefined {
  if (typeof state !== 'function') throw new TypeError('state must be a function returning the current RegistryState')
  return peerId => state().nodes.get(peerId)?.state
}
