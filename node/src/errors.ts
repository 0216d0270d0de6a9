/** Stable error codes of the relay node application. */
export const NodeErrorCode = {
  CONFIG_MISSING: 'config-missing',
  CONFIG_INVALID: 'config-invalid',
  DATA_DIR_EXISTS: 'data-dir-initialised',
  NETWORK_FILE: 'network-file-invalid',
  BOOTSTRAP_FAILED: 'registry-bootstrap-failed',
  USAGE: 'usage'
} as const
