/** Signature domain of a registry entry: the coordinator signs `signedBytes(this, entryBytes)`. */
export const REGISTRY_ENTRY_DOMAIN = 'lienthong/registry-entry/v1'
/** Signature domain of a registry checkpoint `{seq, head, at}`. */
export const REGISTRY_CHECKPOINT_DOMAIN = 'lienthong/registry-checkpoint/v1'
/** Domain of the proof in `coordinator.rotate-key`: the NEW key signs the OLD public key. */
export const COORDINATOR_ROTATION_DOMAIN = 'lienthong/coordinator-rotation/v1'

/** Length of an entry hash (sha256) and of `prev`. */
export const ENTRY_HASH_LENGTH = 32

/**
 * Largest encoded entry accepted. The biggest legitimate entry is a node hosting many codes
 * (MAX_HOSTED_ORGS × ~36 bytes ≈ 150 KiB); anything larger is refused before it is parsed.
 */
export const MAX_ENTRY_BYTES = 256 * 1024
/** Largest encoded checkpoint accepted (a checkpoint is under 100 bytes). */
export const MAX_CHECKPOINT_BYTES = 1024

/** Upper bounds on list fields of operations (keep entries small and states bounded). */
export const MAX_HOSTED_ORGS = 4096
export const MAX_ADDRESSES = 32
export const MAX_CONTACTS = 16
export const MAX_ALIASES = 64
export const MAX_MERGE_SOURCES = 64
export const MAX_SOURCE_REFS = 32

/** Longest organisation code (OrganId, QCVN 102 amendment 1:2022). */
export const ORG_CODE_MAX_LENGTH = 35

/** Network parameters every node follows, with their defaults and accepted ranges. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000
export const DEFAULT_MAX_ENVELOPE_BYTES = 100 * 1024 * 1024
export const DEFAULT_STALENESS_LIMIT_MS = 24 * 60 * 60 * 1000

/**
 * Accepted ranges. Heartbeats stay well under the coordinator's 30-minute offline ceiling;
 * envelopes from 64 KiB (one header plus a small document) to 4 GiB (a streamed blob);
 * staleness from one minute to 30 days.
 */
export const NETWORK_PARAM_RANGES = {
  heartbeatIntervalMs: { min: 1_000, max: 600_000 },
  maxEnvelopeBytes: { min: 64 * 1024, max: 4 * 1024 * 1024 * 1024 },
  stalenessLimitMs: { min: 60_000, max: 30 * 24 * 60 * 60 * 1000 }
} as const
