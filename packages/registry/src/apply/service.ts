import { RegistryErrorCode } from '../errors.js'
import type { ServiceRemoveOp, ServiceUpsertOp } from '../ops.js'
import { compact } from '../parse/fields.js'
import { buildHostIndex, hostOf } from '../queries.js'
import type { EntryContext } from '../types.js'
import { activeOrg, refuse } from './common.js'
import type { Draft } from './draft.js'

export function applyServiceUpsert (draft: Draft, op: ServiceUpsertOp, ctx: EntryContext): void {
  activeOrg(draft, op.org, 'org')
  // A service is offered over the network, so some live node must host its organisation.
  if (hostOf(draft, op.org, buildHostIndex(draft.nodes)) === undefined) {
    throw refuse(RegistryErrorCode.ORG_NOT_HOSTED, 'no node hosts this organisation', { code: op.org })
  }
  const existing = draft.services.get(op.id)
  draft.putService(compact({
    id: op.id,
    org: op.org,
    name: op.name,
    description: op.description,
    protocol: op.protocol,
    createdSeq: existing?.createdSeq ?? ctx.seq,
    updatedSeq: ctx.seq,
    updatedAt: ctx.at
  }))
}

export function applyServiceRemove (draft: Draft, op: ServiceRemoveOp): void {
  if (!draft.services.has(op.id)) throw refuse(RegistryErrorCode.UNKNOWN_SERVICE, 'no service with this id', { id: op.id })
  draft.deleteService(op.id)
}
