import {
  DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_MAX_ENVELOPE_BYTES, DEFAULT_STALENESS_LIMIT_MS, ENTRY_HASH_LENGTH
} from './constants.js'
import type { CoordinatorKeyEpoch, NetworkParams, RegistryState } from './types.js'

/** Network parameters before any `network.params` entry. */
export const DEFAULT_NETWORK_PARAMS: NetworkParams = Object.freeze({
  heartbeatIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
  maxEnvelopeBytes: DEFAULT_MAX_ENVELOPE_BYTES,
  stalenessLimitMs: DEFAULT_STALENESS_LIMIT_MS
})

/** The state of a registry with no entry yet: its trust anchor is the genesis coordinator key. */
export function emptyState (coordinatorKey: Uint8Array): RegistryState {
  const key = Uint8Array.from(coordinatorKey)
  return Object.freeze({
    network: '',
    seq: -1,
    head: new Uint8Array(ENTRY_HASH_LENGTH),
    at: 0,
    coordinatorKey: key,
    coordinatorKeys: Object.freeze([Object.freeze({ fromSeq: 0, publicKey: key })]),
    orgs: new Map(),
    closedCodes: new Set<string>(),
    nodes: new Map(),
    services: new Map(),
    params: DEFAULT_NETWORK_PARAMS
  })
}

/** The coordinator key in force at `seq` (it signs checkpoints of `seq` and entries after it). */
export function coordinatorKeyAt (state: RegistryState, seq: number): Uint8Array {
  let key: CoordinatorKeyEpoch | undefined
  for (const epoch of state.coordinatorKeys) if (epoch.fromSeq <= seq) key = epoch
  return (key ?? state.coordinatorKeys[0] ?? { publicKey: state.coordinatorKey }).publicKey
}
