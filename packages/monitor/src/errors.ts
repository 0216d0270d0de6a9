/** Stable error codes of @lienthong/monitor. Never rename a released code. */
export const MonitorErrorCode = {
  /** A monitor or notification setting is missing or out of range (e.g. offlineAfterMs above 30 minutes). */
  CONFIG_INVALID: 'monitor-config-invalid',
  /** The SMTP server did not accept an e-mail (connection, greeting, auth, recipient or data refused). */
  EMAIL_FAILED: 'monitor-email-failed',
  /** The SMS gateway did not answer 2xx, or could not be reached. */
  SMS_FAILED: 'monitor-sms-failed',
  /** A channel (SMTP or SMS) is used without being configured. */
  CHANNEL_NOT_CONFIGURED: 'monitor-channel-not-configured',
  /** The monitor is not running (before start() or after stop()). */
  NOT_RUNNING: 'monitor-not-running'
} as const

export type MonitorErrorCode = typeof MonitorErrorCode[keyof typeof MonitorErrorCode]
