/**
 * Connection monitoring for the coordinator (architecture §5): nodes heartbeat at the interval
 * the registry sets; a trial or official node silent for `offlineAfterMs` (never more than 30
 * minutes: the 30-minute rule) is marked offline and its contacts and the operators get an
 * e-mail (SMTP) and an SMS (HTTP gateway), retried until sent; a recovery notice follows when it
 * is heard again. Every notice is logged with its detection, attempt and send times.
 *
 * @example
 * ```ts
 * import { ConnectionMonitor, createNotifier, validateMonitorConfig } from '@lienthong/monitor'
 * const settings = validateMonitorConfig({ monitor: config.monitor, notify: config.notify })
 * const notifier = createNotifier({ smtp: settings.smtp, sms: settings.sms, logger })
 * const monitor = new ConnectionMonitor({ replica, db, notifier, logger, ...settings })
 * await monitor.start()
 * monitor.on('addresses', c => { void appendUpdateAddresses(c.peerId, c.addresses) })
 * await monitor.recordHeartbeat(peerId, body)   // from the heartbeat handler
 * monitor.connections(); await monitor.alerts({ limit: 50 })
 * await monitor.stop(); await notifier.close()
 * ```
 */
export * from './constants.js'
export { MonitorErrorCode } from './errors.js'
export {
  validateMonitorConfig, checkOfflineAfterMs, type MonitorConfigInput, type MonitorSettings, type SmtpSettings,
  type SmsSettings, type Operators
} from './config.js'
export { createNotifier, type Notifier, type NotifierInit, type RetryPolicy } from './notifier.js'
export { alertText, vietnamTime, type AlertText } from './messages.js'
export { ConnectionMonitor, type ConnectionMonitorComponents } from './monitor.js'
export type { Listener } from '@lienthong/errors'
export type {
  HeartbeatReport, ConnectionStatus, NodeSeen, ConnectionInfo, AlertKind, NotificationChannel, NotificationStatus,
  NotificationAttempt, AlertNotification, AlertOrg, Alert, AlertQuery, AddressChange, StatusChange, MonitorEvents
} from './types.js'
export { EvaluationStats, evaluationReport, evaluationCsv, yearStart, type DailyStats, type EvaluationRow } from './evaluation.js'
