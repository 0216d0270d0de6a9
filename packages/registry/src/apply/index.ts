import { RegistryErrorCode } from '../errors.js'
import type { RegistryOp } from '../ops.js'
import type { EntryContext } from '../types.js'
import { refuse } from './common.js'
import type { Draft } from './draft.js'
import { applyCoordinatorRotateKey, applyGenesis, applyNetworkParams, type GenesisExpectation } from './network.js'
import {
  applyNodeAdmit, applyNodePromote, applyNodeReinstate, applyNodeResume, applyNodeRevoke, applyNodeRotateKey,
  applyNodeSuspend, applyNodeUpdateAddresses, applyNodeUpdateContacts, applyNodeUpdateOrgs
} from './node.js'
import { applyOrgCreate, applyOrgMerge, applyOrgRename, applyOrgRetire, applyOrgUpdate } from './org.js'
import { applyServiceRemove, applyServiceUpsert } from './service.js'

export { Draft } from './draft.js'
export type { GenesisExpectation } from './network.js'

/**
 * Apply one validated operation to a draft, or throw a refusal (the draft is then discarded by
 * the caller, so a refused operation never leaves a trace). Entry 0 must be the genesis.
 */
export function applyOp (draft: Draft, op: RegistryOp, ctx: EntryContext, expect: GenesisExpectation = {}): void {
  if (ctx.seq === 0 && op.type !== 'genesis') throw refuse(RegistryErrorCode.BAD_GENESIS, 'entry 0 must be a genesis', { seq: 0, type: op.type })
  switch (op.type) {
    case 'genesis': return applyGenesis(draft, op, ctx, expect)
    case 'org.create': return applyOrgCreate(draft, op, ctx)
    case 'org.update': return applyOrgUpdate(draft, op, ctx)
    case 'org.rename': return applyOrgRename(draft, op, ctx)
    case 'org.merge': return applyOrgMerge(draft, op, ctx)
    case 'org.retire': return applyOrgRetire(draft, op, ctx)
    case 'node.admit': return applyNodeAdmit(draft, op, ctx)
    case 'node.promote': return applyNodePromote(draft, op, ctx)
    case 'node.suspend': return applyNodeSuspend(draft, op, ctx)
    case 'node.resume': return applyNodeResume(draft, op, ctx)
    case 'node.revoke': return applyNodeRevoke(draft, op, ctx)
    case 'node.reinstate': return applyNodeReinstate(draft, op, ctx)
    case 'node.update-addresses': return applyNodeUpdateAddresses(draft, op, ctx)
    case 'node.update-orgs': return applyNodeUpdateOrgs(draft, op, ctx)
    case 'node.update-contacts': return applyNodeUpdateContacts(draft, op, ctx)
    case 'node.rotate-key': return applyNodeRotateKey(draft, op, ctx)
    case 'service.upsert': return applyServiceUpsert(draft, op, ctx)
    case 'service.remove': return applyServiceRemove(draft, op)
    case 'network.params': return applyNetworkParams(draft, op)
    case 'coordinator.rotate-key': return applyCoordinatorRotateKey(draft, op, ctx)
  }
}
