/** Signature domain of a join request: the node key signs `signedBytes(this, requestBytes)`. */
export const JOIN_REQUEST_DOMAIN = 'lienthong/join-request/v1'

/** Signature domain of a pause request. */
export const PAUSE_REQUEST_DOMAIN = 'lienthong/pause-request/v1'

/** The request format version this code writes and reads. */
export const REQUEST_VERSION = 1

/**
 * Default freshness window of a signed request: `createdAt` within ±5 minutes of the
 * coordinator's clock. Long enough for a node whose clock is somewhat off and a slow submit,
 * short enough that a captured request cannot be replayed later (nonces cover the window).
 */
export const DEFAULT_MAX_REQUEST_SKEW_MS = 5 * 60 * 1000

/**
 * Largest encoded request. The biggest legitimate one: 100 codes, 32 addresses, 64 services and
 * four 2000-character texts (up to 3 bytes per character) stay well under 64 KiB.
 */
export const MAX_REQUEST_BYTES = 64 * 1024

/** Length of a request nonce (random bytes). */
export const NONCE_LENGTH = 16

/** Hosted codes in one join request. */
export const MAX_JOIN_ORGS = 100

/** Services declared in one join request. */
export const MAX_JOIN_SERVICES = 64

/** Multiaddrs in one join request (the registry's own bound). */
export const MAX_JOIN_ADDRESSES = 32

/** Emails, and phones, in one join request (the registry's own bound). */
export const MAX_JOIN_CONTACTS = 16

/** Longest self-assessment text, per item, and longest reason (pause, rejection, decision). */
export const MAX_TEXT_LENGTH = 2000

/** Longest software version string. */
export const MAX_SOFTWARE_LENGTH = 128

/** The four items of the operator's manual checklist, also the four self-assessment texts. */
export const CHECKLIST_ITEMS = ['infrastructure', 'network', 'application', 'security'] as const

/**
 * Namespaces of the membership store in the node's one LevelDB (`Database.namespace`). Never
 * rename one: the name is part of every stored key.
 */
export const MEMBERSHIP_NAMESPACE = {
  /** Join requests: `r`‖id → record, `n`‖nonce → id, `p`‖peerId → id of its pending request. */
  JOIN_REQUESTS: 'join-requests',
  /** Pause requests, same layout. */
  PAUSE_REQUESTS: 'pause-requests',
  /** Audit log: u64 BE seq → entry. */
  AUDIT: 'audit'
} as const

/** Default and largest page of `list` calls. */
export const DEFAULT_LIST_LIMIT = 100
export const MAX_LIST_LIMIT = 1000

/** Clock skew the assessment accepts between the coordinator and a node (±5 s). */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5000

/**
 * Deadline of each dial during an assessment, and of the info exchange. A node on a government
 * WAN answers a TCP + Noise handshake in well under a second; 5 s bounds a dead address.
 */
export const DEFAULT_ASSESSMENT_DIAL_TIMEOUT_MS = 5000
export const DEFAULT_ASSESSMENT_INFO_TIMEOUT_MS = 5000
