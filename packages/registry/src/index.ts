/**
 * The Lienthong identifier registry: a coordinator-signed, hash-chained log of operations and the
 * state folded from it (organisations, nodes, services, network parameters), with checkpoints.
 * Pure logic: persistence (store) and sync (protocol) are built on top.
 *
 * - Entry `{seq, prev, at, actor, reason?, op}` as deterministic CBOR, signed over
 *   `signedBytes('lienthong/registry-entry/v1', bytes)`; wire form `[bytes, signature]`;
 *   entry hash = sha256(bytes || signature) is the next entry's `prev`.
 * - Entry 0 is `{type: 'genesis', network, coordinatorKey}`, signed by that key (the trust anchor).
 * - `Registry.applyEntry` / `applyBatch` verify signature, seq, chain, time, then legality: all or nothing.
 *
 * @example
 * ```ts
 * import { generateNodeKey } from '@lienthong/crypto'
 * import { Registry, RegistryWriter } from '@lienthong/registry'
 * const key = generateNodeKey()
 * const writer = RegistryWriter.genesis(key, { network: 'lienthong-dev' })
 * writer.appendOp({ type: 'org.create', code: '000.00.00.H29', name: 'UBND thành phố Hà Nội' }, { actor: 'admin' })
 * // A node: replay what the coordinator serves.
 * const replica = Registry.create({ coordinatorKey: key.publicKey })
 * replica.applyBatch(writer.registry.entriesAfter(-1))
 * replica.hostOf('001.02.03.H29') // undefined until a node hosts 000.00.00.H29
 * ```
 */
export {
  REGISTRY_ENTRY_DOMAIN, REGISTRY_CHECKPOINT_DOMAIN, COORDINATOR_ROTATION_DOMAIN, ENTRY_HASH_LENGTH, MAX_ENTRY_BYTES,
  MAX_CHECKPOINT_BYTES, MAX_HOSTED_ORGS, MAX_ADDRESSES, MAX_CONTACTS, MAX_ALIASES, MAX_MERGE_SOURCES, MAX_SOURCE_REFS,
  ORG_CODE_MAX_LENGTH, DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_MAX_ENVELOPE_BYTES, DEFAULT_STALENESS_LIMIT_MS,
  NETWORK_PARAM_RANGES
} from './constants.js'
export { RegistryErrorCode } from './errors.js'
export { isOrgCode, isNationalOrgCode, nationalOrgLevel, structuralAncestors, foldText } from './codes.js'
export type * from './ops.js'
export { REGISTRY_OP_TYPES } from './ops.js'
export { parseOp } from './parse/index.js'
export type * from './types.js'
export {
  encodeEntry, decodeEntry, signEntry, verifyEntrySignature, entryHash, encodeSignedEntry, decodeSignedEntry,
  sameSignedEntry, type Entry, type SignedEntry
} from './entry.js'
export {
  encodeCheckpoint, decodeCheckpoint, signCheckpoint, verifyCheckpointSignature, encodeSignedCheckpoint,
  decodeSignedCheckpoint, type Checkpoint, type SignedCheckpoint, type CheckpointCheck
} from './checkpoint.js'
export { DEFAULT_NETWORK_PARAMS, emptyState, coordinatorKeyAt } from './state.js'
export {
  resolveOrg, hostOf, listOrgs, listNodes, listServices, buildHostIndex,
  type RegistryView, type Resolution, type HostMatch, type ListOrgsOptions, type ListNodesOptions
} from './queries.js'
export { Registry, ENTRIES_PAGE_LIMIT, type RegistryInit, type AppliedEntry } from './registry.js'
export {
  RegistryWriter, coordinatorRotationProof, type AppendOptions, type RegistryWriterOptions, type GenesisInit
} from './writer.js'
export { registryInvariantViolations, NODE_TRANSITIONS } from './invariants.js'
export { TEST_SERVICE_ORG, TEST_SERVICE_ORG_NAME } from './test-service.js'

export * from './directory/index.js'
export { parseNetworkFile, createNetworkFile, isNetworkName, type NetworkFile } from './network-file.js'
export { toJsonValue, orgJson, nodeJson, serviceJson, entryJson, headJson } from './json.js'
