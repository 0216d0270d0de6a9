/** Stable error codes of the coordinator application. */
export const CoordinatorErrorCode = {
  CONFIG_MISSING: 'config-missing',
  CONFIG_INVALID: 'config-invalid',
  DATA_DIR_EXISTS: 'data-dir-initialised',
  USAGE: 'usage'
} as const
