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
