/** Stable error codes of @lienthong/registry. Never rename a released code. */
export const RegistryErrorCode = {
  /** Bytes that are not a well-formed entry, signed entry or checkpoint (CBOR, shape, size, canonical form). */
  MALFORMED: 'registry-malformed',
  /** The signature is not the current coordinator key's over these exact bytes. */
  BAD_SIGNATURE: 'registry-bad-signature',
  /** `prev` is not the hash of the current head: the entry does not extend this chain. */
  BAD_PREV: 'registry-bad-prev',
  /** `seq` is not head + 1 (gap, reorder or duplicate). */
  BAD_SEQ: 'registry-bad-seq',
  /** `at` is earlier than the previous entry's time. */
  BAD_TIME: 'registry-bad-time',
  /** Entry 0 is not a genesis for this trust anchor, or a genesis appears later. */
  BAD_GENESIS: 'registry-bad-genesis',
  /** The operation type is not one this version knows. */
  UNKNOWN_OP: 'registry-unknown-op',
  /** A field of an operation is missing, of the wrong type, out of bounds or unexpected (meta.field). */
  BAD_OP: 'registry-bad-op',
  /** A network parameter is outside its accepted range (meta.param, min, max). */
  BAD_PARAM: 'registry-bad-param',
  /** Not a valid organisation identifier code. */
  BAD_ORG_CODE: 'registry-bad-org-code',
  /** An organisation with this code already exists. */
  ORG_EXISTS: 'registry-org-exists',
  /** The code is closed (retired or merged away): it can never be changed or reissued. */
  CODE_CLOSED: 'registry-code-closed',
  /** No organisation with this code. */
  UNKNOWN_ORG: 'registry-unknown-org',
  /** The merge target or successor is itself retired. */
  MERGE_TARGET_RETIRED: 'registry-merge-target-retired',
  /** Other codes name this one as their successor, so retiring it needs a successor. */
  SUCCESSOR_REQUIRED: 'registry-successor-required',
  /** Another (non-revoked) node already hosts this code explicitly. */
  ORG_HOSTED: 'registry-org-hosted',
  /** No node hosts this organisation, so it cannot offer a service. */
  ORG_NOT_HOSTED: 'registry-org-not-hosted',
  /** No node with this PeerId. */
  UNKNOWN_NODE: 'registry-unknown-node',
  /** A node with this PeerId (current or former) already exists. */
  NODE_EXISTS: 'registry-node-exists',
  /** The membership transition is not allowed from the node's state (meta.from, meta.to). */
  BAD_TRANSITION: 'registry-bad-transition',
  /** Reinstating a revoked node needs a non-empty remediation record. */
  REMEDIATION_REQUIRED: 'registry-remediation-required',
  /** No service with this id. */
  UNKNOWN_SERVICE: 'registry-unknown-service',
  /** The proof of a coordinator key rotation does not verify. */
  BAD_ROTATION_PROOF: 'registry-bad-rotation-proof',
  /** A key that is not the current coordinator key was asked to sign entries or checkpoints. */
  WRONG_KEY: 'registry-wrong-key',
  /** The registry has no entry yet (no genesis), so there is nothing to checkpoint. */
  EMPTY: 'registry-empty',
  /** A checkpoint names a seq this registry has, with a different head: the chains have forked. */
  CHECKPOINT_FORK: 'registry-checkpoint-fork',
  /** network.json (the trust anchor) is not valid (used by network-file.ts, written outside this helper's brief). */
  BAD_NETWORK_FILE: 'registry-bad-network-file'
} as const

export type RegistryErrorCode = typeof RegistryErrorCode[keyof typeof RegistryErrorCode]
