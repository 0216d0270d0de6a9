/** Length in bytes of an ed25519 seed (the private key proper), public key and signature. */
export const ED25519_SEED_LENGTH = 32
export const ED25519_PUBLIC_KEY_LENGTH = 32
export const ED25519_SIGNATURE_LENGTH = 64
/** Length in bytes of X25519 private and public keys. */
export const X25519_KEY_LENGTH = 32

// DER prefixes that wrap a raw 32-byte key into PKCS#8 / SPKI for node:crypto (RFC 8410).
export const ED25519_PKCS8_PREFIX = Uint8Array.from(Buffer.from('302e020100300506032b657004220420', 'hex'))
export const ED25519_SPKI_PREFIX = Uint8Array.from(Buffer.from('302a300506032b6570032100', 'hex'))
export const X25519_PKCS8_PREFIX = Uint8Array.from(Buffer.from('302e020100300506032b656e04220420', 'hex'))
export const X25519_SPKI_PREFIX = Uint8Array.from(Buffer.from('302a300506032b656e032100', 'hex'))

/** HKDF info that derives a node's X25519 sealing key from its ed25519 seed. */
export const X25519_FROM_SEED_INFO = 'lienthong/x25519-from-seed/v1'

/**
 * Public keys kept as cached node:crypto KeyObjects. Building a KeyObject per verify halves
 * throughput (stack-notes §5a); the registry of a national network holds well under this many.
 */
export const PUBLIC_KEY_CACHE_SIZE = 4096

/** First bytes of a sealed payload as `seal` writes it (format version 2, see seal.ts). */
export const SEAL_MAGIC = 'LTS2'
/** First bytes of a payload sealed in format version 1 (still opened). */
export const SEAL_MAGIC_V1 = 'LTS1'
/** HKDF info of the KEK that wraps the data keys for one recipient under one ephemeral key (format version 2). */
export const SEAL_KEK_INFO = 'lienthong/seal/v2/kek'
/** The same in format version 1. */
export const SEAL_KEK_INFO_V1 = 'lienthong/seal/v1/kek'
/**
 * Random bytes per payload in a v2 header: its first 12 are the nonce of every key wrap of the
 * payload (the KEKs are reused with the ephemeral key), and all of it is in the chunks' AAD.
 */
export const SEAL_SALT_LENGTH = 16
/**
 * A sender's ephemeral X25519 key seals at most this many payloads, or for at most
 * `SEAL_EPHEMERAL_TTL_MS`, whichever comes first (see seal.ts): an X25519 key generation and
 * agreement per recipient were about 40% of the CPU that a node spends sending a 1 KiB document.
 * It also bounds the random wrap nonces per KEK: two of 4096 collide with a chance below 2^-73.
 */
export const SEAL_EPHEMERAL_MAX_USES = 4096
/** Longest life of a sender's ephemeral sealing key, in milliseconds. */
export const SEAL_EPHEMERAL_TTL_MS = 60_000
/**
 * KEKs an opener keeps per own key, one per sender's ephemeral key seen lately: consecutive
 * payloads from one sender share it (a sender's cache holds one per recipient, up to
 * `PUBLIC_KEY_CACHE_SIZE`).
 */
export const SEAL_OPENER_CACHE_SIZE = 256
/** Plaintext bytes per sealed chunk unless told otherwise: bounds the memory of streaming. */
export const SEAL_DEFAULT_CHUNK_SIZE = 64 * 1024
export const SEAL_MIN_CHUNK_SIZE = 1024
/** Also the most an opener buffers, whatever the sender wrote in the header. */
export const SEAL_MAX_CHUNK_SIZE = 4 * 1024 * 1024
/** One payload can be addressed to this many nodes at most (the header grows 80 bytes each). */
export const SEAL_MAX_RECIPIENTS = 1000
/** AES-256-GCM authentication tag appended to every chunk and wrapped key. */
export const SEAL_TAG_LENGTH = 16

/** Key files and secret files are refused above this size: they hold a few hundred bytes. */
export const SECRET_FILE_MAX_BYTES = 64 * 1024
/** Mode of key and secret files: owner read/write only. */
export const SECRET_FILE_MODE = 0o600
