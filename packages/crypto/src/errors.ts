/** Stable error codes of @lienthong/crypto. Never rename a released code. */
export const CryptoErrorCode = {
  /** A key, signature or nonce has the wrong length or type. */
  BAD_LENGTH: 'crypto-bad-length',
  /** A public key is not a valid, canonical, non-small-order ed25519 point. */
  BAD_PUBLIC_KEY: 'crypto-bad-public-key',
  /** A string is not a valid ed25519 libp2p PeerId. */
  BAD_PEER_ID: 'crypto-bad-peer-id',
  /** A key file is readable by group or others (must be 0600). */
  KEY_FILE_PERMISSIONS: 'key-file-permissions',
  /** A key file does not exist. */
  KEY_FILE_MISSING: 'key-file-missing',
  /** A key file exists but is not a key this project wrote. */
  KEY_FILE_MALFORMED: 'key-file-malformed',
  /** Refusing to overwrite an existing key file. */
  KEY_FILE_EXISTS: 'key-file-exists',
  /** Sealed bytes are not in the sealed-payload format. */
  SEAL_MALFORMED: 'seal-malformed',
  /** This key is not among the recipients of a sealed payload. */
  SEAL_NOT_RECIPIENT: 'seal-not-recipient',
  /** Authentication of a sealed payload failed: it was modified, truncated or reordered. */
  SEAL_TAMPERED: 'seal-tampered',
  /** seal() was called with no recipient, too many, or a duplicate. */
  SEAL_RECIPIENTS: 'seal-recipients'
} as const

export type CryptoErrorCode = typeof CryptoErrorCode[keyof typeof CryptoErrorCode]
