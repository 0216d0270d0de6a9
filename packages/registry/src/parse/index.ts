import { LienthongError } from '@lienthong/errors'
import { isPlainRecord } from '../cbor.js'
import { RegistryErrorCode } from '../errors.js'
import type { RegistryOp, RegistryOpType } from '../ops.js'
import type { Raw } from './fields.js'
import {
  parseNodeAdmit, parseNodePromote, parseNodeReinstate, parseNodeResume, parseNodeRevoke, parseNodeRotateKey,
  parseNodeSuspend, parseNodeUpdateAddresses, parseNodeUpdateContacts, parseNodeUpdateOrgs
} from './node-ops.js'
import { parseOrgCreate, parseOrgMerge, parseOrgRename, parseOrgRetire, parseOrgUpdate } from './org-ops.js'
import {
  parseCoordinatorRotateKey, parseGenesis, parseNetworkParams, parseServiceRemove, parseServiceUpsert
} from './other-ops.js'

const PARSERS: Record<RegistryOpType, (raw: Raw) => RegistryOp> = {
  genesis: parseGenesis,
  'org.create': parseOrgCreate,
  'org.update': parseOrgUpdate,
  'org.rename': parseOrgRename,
  'org.merge': parseOrgMerge,
  'org.retire': parseOrgRetire,
  'node.admit': parseNodeAdmit,
  'node.promote': parseNodePromote,
  'node.suspend': parseNodeSuspend,
  'node.resume': parseNodeResume,
  'node.revoke': parseNodeRevoke,
  'node.reinstate': parseNodeReinstate,
  'node.update-addresses': parseNodeUpdateAddresses,
  'node.rotate-key': parseNodeRotateKey,
  'node.update-orgs': parseNodeUpdateOrgs,
  'node.update-contacts': parseNodeUpdateContacts,
  'service.upsert': parseServiceUpsert,
  'service.remove': parseServiceRemove,
  'network.params': parseNetworkParams,
  'coordinator.rotate-key': parseCoordinatorRotateKey
}

/**
 * Validate an operation's shape and return it typed (fresh objects, byte fields copied).
 * Throws `registry-unknown-op`, `registry-bad-op` (meta.op, meta.field), `registry-bad-org-code`,
 * `registry-bad-param` or `registry-remediation-required`. Legality against the state is checked
 * when the operation is applied.
 */
export function parseOp (value: unknown): RegistryOp {
  if (!isPlainRecord(value)) throw new LienthongError(RegistryErrorCode.BAD_OP, 'an operation must be a map', { field: 'op' })
  const type = value.type
  if (typeof type !== 'string' || !Object.hasOwn(PARSERS, type)) {
    throw new LienthongError(RegistryErrorCode.UNKNOWN_OP, 'unknown operation type', { type: typeof type === 'string' ? type.slice(0, 64) : typeof type })
  }
  return PARSERS[type as RegistryOpType](value)
}
