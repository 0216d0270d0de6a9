/** Stable error codes of the coordinator application. */
export const CoordinatorErrorCode = {
  CONFIG_MISSING: 'config-missing',
  CONFIG_INVALID: 'config-invalid',
  /** config.json holds secrets (SMTP auth, the SMS gateway URL) but others may read it. */
  CONFIG_PERMISSIONS: 'config-file-permissions',
  DATA_DIR_EXISTS: 'data-dir-initialised',
  /** The data folder is locked by a running coordinator (a command that writes must wait for it to stop). */
  DATA_DIR_IN_USE: 'data-dir-in-use',
  /** A request body that is not declared `application/json` (HTTP 415). */
  UNSUPPORTED_MEDIA_TYPE: 'unsupported-media-type',
  USAGE: 'usage'
} as const
