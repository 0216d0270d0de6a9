import { verify } from '@lienthong/crypto'
import { COORDINATOR_ROTATION_DOMAIN } from '../constants.js'
import { bytesEqual } from '../cbor.js'
import { RegistryErrorCode } from '../errors.js'
import type { CoordinatorRotateKeyOp, GenesisOp, NetworkParamsOp } from '../ops.js'
import type { EntryContext } from '../types.js'
import { refuse } from './common.js'
import type { Draft } from './draft.js'

/** What the trust anchor (network.json) says the genesis must carry. */
export interface GenesisExpectation {
  /** The network name, when the anchor names one. */
  network?: string
}

export function applyGenesis (draft: Draft, op: GenesisOp, ctx: EntryContext, expect: GenesisExpectation): void {
  if (ctx.seq !== 0) throw refuse(RegistryErrorCode.BAD_GENESIS, 'a genesis is only valid as entry 0', { seq: ctx.seq })
  if (!bytesEqual(op.coordinatorKey, draft.coordinatorKey)) {
    throw refuse(RegistryErrorCode.BAD_GENESIS, 'the genesis names another coordinator key than the trust anchor', { seq: 0 })
  }
  if (expect.network !== undefined && expect.network !== op.network) {
    throw refuse(RegistryErrorCode.BAD_GENESIS, 'the genesis is for another network', { seq: 0, network: op.network.slice(0, 128) })
  }
  draft.network = op.network
}

export function applyNetworkParams (draft: Draft, op: NetworkParamsOp): void {
  const { type: _type, ...changes } = op
  draft.params = Object.freeze({ ...draft.params, ...changes })
}

export function applyCoordinatorRotateKey (draft: Draft, op: CoordinatorRotateKeyOp, ctx: EntryContext): void {
  if (bytesEqual(op.publicKey, draft.coordinatorKey)) {
    throw refuse(RegistryErrorCode.BAD_OP, 'coordinator.rotate-key: publicKey is already the coordinator key', { op: op.type, field: 'publicKey' })
  }
  if (!verify(op.publicKey, COORDINATOR_ROTATION_DOMAIN, draft.coordinatorKey, op.proof)) {
    throw refuse(RegistryErrorCode.BAD_ROTATION_PROOF, 'the new key did not sign the old key', { seq: ctx.seq })
  }
  draft.coordinatorKey = op.publicKey
  draft.coordinatorKeys = Object.freeze([...draft.coordinatorKeys, Object.freeze({ fromSeq: ctx.seq, publicKey: op.publicKey })])
}
