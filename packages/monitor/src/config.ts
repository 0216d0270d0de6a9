import { LienthongError, type JsonValue } from '@lienthong/errors'
import { NETWORK_PARAM_RANGES } from '@lienthong/registry'
import { DEFAULT_MONITOR_HEARTBEAT_INTERVAL_MS, DEFAULT_OFFLINE_AFTER_MS, MAX_OFFLINE_AFTER_MS } from './constants.js'
import { MonitorErrorCode } from './errors.js'

/** An SMTP server to send notices through (`notify.smtp`). */
export interface SmtpSettings {
  host: string
  port: number
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean
  /** Sender address, e.g. `lienthong@vpcp.gov.vn`. */
  from: string
  auth?: { user: string, pass: string }
}

/** An HTTP SMS gateway (`notify.sms`): it receives `POST {"to": PHONE, "text": MESSAGE}` as JSON. */
export interface SmsSettings {
  url: string
}

/** Who receives every alert, besides the node's own contacts (`notify.operators`). */
export interface Operators {
  emails: string[]
  phones: string[]
}

/** The coordinator's `monitor` and `notify` config sections, as read from config.json. */
export interface MonitorConfigInput {
  monitor?: { heartbeatIntervalMs?: unknown, offlineAfterMs?: unknown }
  notify?: { smtp?: unknown, sms?: unknown, operators?: unknown }
}

/** Validated monitor settings, defaults applied. A channel left out is null (its notices are skipped and logged as such). */
export interface MonitorSettings {
  heartbeatIntervalMs: number
  offlineAfterMs: number
  smtp: SmtpSettings | null
  sms: SmsSettings | null
  operators: Operators
}

const EMAIL = /^[^\s@]+@[^\s@]+$/
const PHONE = /^\+?[0-9][0-9 .()-]{2,31}$/

function invalid (field: string, message: string, meta: Record<string, JsonValue> = {}): LienthongError {
  return new LienthongError(MonitorErrorCode.CONFIG_INVALID, `${field}: ${message}`, { field, ...meta })
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function integer (value: unknown, field: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw invalid(field, `must be an integer from ${min} to ${max}`, { min, max, ...(typeof value === 'number' ? { value } : {}) })
  }
  return value as number
}

function text (value: unknown, field: string, pattern?: RegExp): string {
  if (typeof value !== 'string' || value.trim() === '' || (pattern !== undefined && !pattern.test(value))) {
    throw invalid(field, pattern === undefined ? 'must be a non-empty string' : 'is not well-formed')
  }
  return value
}

function list (value: unknown, field: string, pattern: RegExp): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw invalid(field, 'must be a list')
  return value.map((v, i) => text(v, `${field}[${i}]`, pattern))
}

/** Check a threshold against the 30-minute rule; `monitor-config-invalid` above it. */
export function checkOfflineAfterMs (value: unknown, field = 'monitor.offlineAfterMs'): number {
  return integer(value, field, DEFAULT_OFFLINE_AFTER_MS, 1, MAX_OFFLINE_AFTER_MS)
}

function smtp (value: unknown): SmtpSettings | null {
  if (value == null) return null
  if (!isObject(value)) throw invalid('notify.smtp', 'must be an object or null')
  const port = integer(value.port, 'notify.smtp.port', 587, 1, 65535)
  if (value.secure !== undefined && typeof value.secure !== 'boolean') throw invalid('notify.smtp.secure', 'must be a boolean')
  const settings: SmtpSettings = {
    host: text(value.host, 'notify.smtp.host'),
    port,
    secure: value.secure ?? port === 465,
    from: text(value.from, 'notify.smtp.from', EMAIL)
  }
  if (value.auth != null) {
    if (!isObject(value.auth)) throw invalid('notify.smtp.auth', 'must be {user, pass} or null')
    // Only field names in errors: never the credentials themselves.
    settings.auth = { user: text(value.auth.user, 'notify.smtp.auth.user'), pass: text(value.auth.pass, 'notify.smtp.auth.pass') }
  }
  return settings
}

function sms (value: unknown): SmsSettings | null {
  if (value == null) return null
  if (!isObject(value)) throw invalid('notify.sms', 'must be an object or null')
  if (value.url == null) return null
  let url: URL
  try {
    url = new URL(text(value.url, 'notify.sms.url'))
  } catch {
    // The URL may carry a gateway key: it is not repeated in the error.
    throw invalid('notify.sms.url', 'must be an http or https URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('notify.sms.url', 'must be an http or https URL')
  return { url: url.toString() }
}

/**
 * Validate the coordinator's `monitor` and `notify` sections once at start and apply defaults.
 * Refuses (`monitor-config-invalid`, `meta.field` naming the key) an `offlineAfterMs` above
 * MAX_OFFLINE_AFTER_MS (the 30-minute rule) or below two heartbeat intervals (one late
 * heartbeat must not page anyone), a heartbeat interval outside the registry's range, and
 * malformed SMTP, SMS or operator settings.
 */
export function validateMonitorConfig (input: MonitorConfigInput): MonitorSettings {
  if (!isObject(input)) throw new TypeError('input must be an object')
  const monitor: unknown = input.monitor ?? {}
  const notify: unknown = input.notify ?? {}
  if (!isObject(monitor)) throw invalid('monitor', 'must be an object')
  if (!isObject(notify)) throw invalid('notify', 'must be an object')
  const offlineAfterMs = checkOfflineAfterMs(monitor.offlineAfterMs)
  const range = NETWORK_PARAM_RANGES.heartbeatIntervalMs
  const heartbeatIntervalMs = integer(monitor.heartbeatIntervalMs, 'monitor.heartbeatIntervalMs', DEFAULT_MONITOR_HEARTBEAT_INTERVAL_MS, range.min, range.max)
  if (offlineAfterMs < 2 * heartbeatIntervalMs) {
    throw invalid('monitor.offlineAfterMs', 'must be at least two heartbeat intervals', { value: offlineAfterMs, heartbeatIntervalMs })
  }
  const operators: unknown = notify.operators ?? {}
  if (!isObject(operators)) throw invalid('notify.operators', 'must be {emails, phones}')
  return {
    heartbeatIntervalMs,
    offlineAfterMs,
    smtp: smtp(notify.smtp),
    sms: sms(notify.sms),
    operators: {
      emails: list(operators.emails, 'notify.operators.emails', EMAIL),
      phones: list(operators.phones, 'notify.operators.phones', PHONE)
    }
  }
}
