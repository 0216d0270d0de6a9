import { LienthongError } from '@lienthong/errors'
import { NETWORK_PARAM_RANGES } from '../constants.js'
import { RegistryErrorCode } from '../errors.js'
import type { CoordinatorRotateKeyOp, GenesisOp, NetworkParamsOp, ServiceRemoveOp, ServiceUpsertOp } from '../ops.js'
import { isValidSigningKey } from './keys.js'
import { badOp, bytes, compact, onlyKeys, optText, orgCode, text, type Raw } from './fields.js'

const SERVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/

function ed25519Key (value: unknown, op: string, field: string): Uint8Array {
  const key = bytes(value, op, field, 32)
  if (!isValidSigningKey(key)) throw badOp(op, field, 'is not a valid ed25519 public key')
  return key
}

function serviceId (value: unknown, op: string): string {
  const id = text(value, op, 'id', { max: 128 })
  if (!SERVICE_ID.test(id)) throw badOp(op, 'id', 'must be letters, digits and . _ : / -')
  return id
}

export function parseGenesis (raw: Raw): GenesisOp {
  const op = 'genesis'
  onlyKeys(raw, ['type', 'network', 'coordinatorKey'], op)
  return { type: op, network: text(raw.network, op, 'network', { max: 128 }), coordinatorKey: ed25519Key(raw.coordinatorKey, op, 'coordinatorKey') }
}

export function parseServiceUpsert (raw: Raw): ServiceUpsertOp {
  const op = 'service.upsert'
  onlyKeys(raw, ['type', 'id', 'org', 'name', 'description', 'protocol'], op)
  return compact({
    type: op,
    id: serviceId(raw.id, op),
    org: orgCode(raw.org, op, 'org'),
    name: text(raw.name, op, 'name', { max: 256 }),
    description: optText(raw.description, op, 'description', { max: 4096 }),
    protocol: text(raw.protocol, op, 'protocol', { max: 256 })
  })
}

export function parseServiceRemove (raw: Raw): ServiceRemoveOp {
  const op = 'service.remove'
  onlyKeys(raw, ['type', 'id'], op)
  return { type: op, id: serviceId(raw.id, op) }
}

type ParamName = keyof typeof NETWORK_PARAM_RANGES

function param (raw: Raw, name: ParamName): number | undefined {
  const value = raw[name]
  if (value === undefined) return undefined
  const { min, max } = NETWORK_PARAM_RANGES[name]
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new LienthongError(RegistryErrorCode.BAD_PARAM, `network.params: ${name} must be an integer in ${min}..${max}`, { param: name, min, max })
  }
  return value
}

export function parseNetworkParams (raw: Raw): NetworkParamsOp {
  const op = 'network.params'
  const names = Object.keys(NETWORK_PARAM_RANGES) as ParamName[]
  onlyKeys(raw, ['type', ...names], op)
  if (Object.keys(raw).length < 2) throw badOp(op, 'params', 'must set at least one parameter')
  return compact({
    type: op,
    heartbeatIntervalMs: param(raw, 'heartbeatIntervalMs'),
    maxEnvelopeBytes: param(raw, 'maxEnvelopeBytes'),
    stalenessLimitMs: param(raw, 'stalenessLimitMs')
  })
}

export function parseCoordinatorRotateKey (raw: Raw): CoordinatorRotateKeyOp {
  const op = 'coordinator.rotate-key'
  onlyKeys(raw, ['type', 'publicKey', 'proof'], op)
  return { type: op, publicKey: ed25519Key(raw.publicKey, op, 'publicKey'), proof: bytes(raw.proof, op, 'proof', 64) }
}
