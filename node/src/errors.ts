/** Stable error codes of the relay node application. */
export const NodeErrorCode = {
  CONFIG_MISSING: 'config-missing',
  CONFIG_INVALID: 'config-invalid',
  DATA_DIR_EXISTS: 'data-dir-initialised',
  NETWORK_FILE: 'network-file-invalid',
  BOOTSTRAP_FAILED: 'registry-bootstrap-failed',
  COORDINATOR_UNREACHABLE: 'coordinator-unreachable',
  REQUEST_REFUSED: 'request-refused',
  NODE_NOT_RUNNING: 'node-not-running',
  USAGE: 'usage'
} as const
