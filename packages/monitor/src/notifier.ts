import { createTransport, type Transporter } from 'nodemailer'
import { LienthongError, silentLogger, type Logger } from '@lienthong/errors'
import type { SmsSettings, SmtpSettings } from './config.js'
import {
  DEFAULT_RETRY_INITIAL_DELAY_MS, DEFAULT_RETRY_MAX_AGE_MS, DEFAULT_RETRY_MAX_DELAY_MS, DEFAULT_SEND_TIMEOUT_MS
} from './constants.js'
import { MonitorErrorCode } from './errors.js'

/** How a failed notification is retried: `initialDelayMs` doubling up to `maxDelayMs`, until `maxAgeMs` after detection. */
export interface RetryPolicy {
  initialDelayMs: number
  maxDelayMs: number
  maxAgeMs: number
}

/** Sends notices: one attempt per call, a typed error when it is not accepted. Retries are the monitor's. */
export interface Notifier {
  /** Which channels are configured; notices on the others are skipped and logged as such. */
  readonly channels: { readonly email: boolean, readonly sms: boolean }
  readonly retry: RetryPolicy
  /** `monitor-email-failed` unless the SMTP server accepted the message. */
  sendEmail: (to: string, message: { subject: string, text: string }) => Promise<void>
  /** `monitor-sms-failed` unless the gateway answered 2xx. */
  sendSms: (to: string, text: string) => Promise<void>
  close: () => Promise<void>
}

/** What `createNotifier` needs; leave a channel out (or null) when it is not configured. */
export interface NotifierInit {
  smtp?: SmtpSettings | null
  sms?: SmsSettings | null
  retry?: Partial<RetryPolicy>
  /** Bound on one attempt (default 30 s). */
  timeoutMs?: number
  logger?: Logger
}

function errorDetail (err: unknown): string {
  if (typeof err !== 'object' || err === null) return typeof err
  const { code, responseCode, cause } = err as { code?: unknown, responseCode?: unknown, cause?: unknown }
  if (typeof responseCode === 'number') return `smtp-${responseCode}`
  if (typeof code === 'string') return code
  // fetch wraps the socket error (ECONNREFUSED, ...) in `cause`.
  if (cause !== undefined && cause !== err) return errorDetail(cause)
  return err instanceof Error ? err.name : 'unknown'
}

function positive (name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of milliseconds`)
  return value
}

class ChannelNotifier implements Notifier {
  readonly channels: { email: boolean, sms: boolean }
  readonly retry: RetryPolicy
  readonly #smtp: SmtpSettings | null
  readonly #sms: SmsSettings | null
  readonly #timeoutMs: number
  readonly #log: Logger
  #transport: Transporter | undefined

  constructor (init: NotifierInit) {
    this.#smtp = init.smtp ?? null
    this.#sms = init.sms ?? null
    this.channels = { email: this.#smtp !== null, sms: this.#sms !== null }
    this.retry = {
      initialDelayMs: positive('retry.initialDelayMs', init.retry?.initialDelayMs ?? DEFAULT_RETRY_INITIAL_DELAY_MS),
      maxDelayMs: positive('retry.maxDelayMs', init.retry?.maxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS),
      maxAgeMs: positive('retry.maxAgeMs', init.retry?.maxAgeMs ?? DEFAULT_RETRY_MAX_AGE_MS)
    }
    this.#timeoutMs = positive('timeoutMs', init.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS)
    this.#log = init.logger ?? silentLogger
  }

  #mailer (smtp: SmtpSettings): Transporter {
    this.#transport ??= createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.auth === undefined ? {} : { auth: { user: smtp.auth.user, pass: smtp.auth.pass } }),
      connectionTimeout: this.#timeoutMs,
      greetingTimeout: this.#timeoutMs,
      socketTimeout: this.#timeoutMs
    })
    return this.#transport
  }

  async sendEmail (to: string, message: { subject: string, text: string }): Promise<void> {
    const smtp = this.#smtp
    if (smtp === null) throw new LienthongError(MonitorErrorCode.CHANNEL_NOT_CONFIGURED, 'SMTP is not configured', { channel: 'email' })
    try {
      await this.#mailer(smtp).sendMail({ from: smtp.from, to, subject: message.subject, text: message.text })
    } catch (err) {
      const reason = errorDetail(err)
      this.#log.debug({ channel: 'email', reason }, 'e-mail not accepted')
      throw new LienthongError(MonitorErrorCode.EMAIL_FAILED, 'the SMTP server did not accept the e-mail', { reason }, { cause: err })
    }
  }

  async sendSms (to: string, text: string): Promise<void> {
    const sms = this.#sms
    if (sms === null) throw new LienthongError(MonitorErrorCode.CHANNEL_NOT_CONFIGURED, 'the SMS gateway is not configured', { channel: 'sms' })
    let status: number
    try {
      const response = await fetch(sms.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to, text }),
        signal: AbortSignal.timeout(this.#timeoutMs)
      })
      status = response.status
      // The answer's body is not needed: release the connection without reading it.
      await response.body?.cancel()
    } catch (err) {
      const reason = errorDetail(err)
      this.#log.debug({ channel: 'sms', reason }, 'SMS gateway unreachable')
      throw new LienthongError(MonitorErrorCode.SMS_FAILED, 'the SMS gateway could not be reached', { reason }, { cause: err })
    }
    if (status < 200 || status > 299) {
      this.#log.debug({ channel: 'sms', status }, 'SMS not accepted')
      throw new LienthongError(MonitorErrorCode.SMS_FAILED, 'the SMS gateway refused the message', { reason: `http-${status}`, status })
    }
  }

  close (): Promise<void> {
    this.#transport?.close()
    this.#transport = undefined
    return Promise.resolve()
  }
}

/**
 * E-mail through SMTP (nodemailer; a connection per message, bounded by `timeoutMs`) and SMS
 * through an HTTP gateway (`POST {"to", "text"}` as JSON; 2xx = sent). Never logs the
 * credentials, the gateway URL (it may carry a key) or the message text.
 */
export function createNotifier (init: NotifierInit = {}): Notifier {
  if (typeof init !== 'object' || init === null) throw new TypeError('init must be an object')
  return new ChannelNotifier(init)
}
