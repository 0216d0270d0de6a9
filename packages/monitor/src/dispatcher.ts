import { isLienthongError, type Logger } from '@lienthong/errors'
import { MAX_OFFLINE_AFTER_MS, MAX_TRIES_KEPT } from './constants.js'
import { alertText } from './messages.js'
import type { Notifier } from './notifier.js'
import type { MonitorStore } from './store.js'
import type { Alert, AlertNotification } from './types.js'

/** What a Dispatcher needs. */
export interface DispatcherComponents {
  notifier: Notifier
  store: MonitorStore
  now: () => number
  logger: Logger
  /** Called after every attempt, once the alert is persisted. */
  onAttempt: (alert: Alert, notification: AlertNotification) => void
}

/** `monitor-email-failed (smtp-451)`: the code and the reason, never the server's text. */
function describe (err: unknown): string {
  if (!isLienthongError(err)) return err instanceof Error ? err.name : 'unknown'
  const reason = err.meta.reason
  return typeof reason === 'string' ? `${err.code} (${reason.slice(0, 64)})` : err.code
}

/**
 * Sends each pending notification of an alert, retrying failures with exponential backoff until
 * it is accepted or `retry.maxAgeMs` after detection has passed; every attempt is persisted
 * with the alert before the next is scheduled. Notifications run independently of each other.
 */
export class Dispatcher {
  readonly #c: DispatcherComponents
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #inflight = new Set<Promise<void>>()
  #stopped = false

  constructor (components: DispatcherComponents) {
    this.#c = components
  }

  /** Start (or resume, after a restart) the pending notifications of `alert`. */
  dispatch (alert: Alert): void {
    for (const n of alert.notifications) {
      if (n.status === 'pending') this.#schedule(alert, n, n.nextAttemptAt ?? this.#c.now())
    }
  }

  #schedule (alert: Alert, n: AlertNotification, at: number): void {
    if (this.#stopped) return
    const delay = at - this.#c.now()
    // Due now: no timer in between, every millisecond counts against the 30-minute rule.
    if (delay <= 0) {
      this.#run(alert, n)
      return
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      this.#run(alert, n)
    }, delay)
    timer.unref()
    this.#timers.add(timer)
  }

  #run (alert: Alert, n: AlertNotification): void {
    if (this.#stopped) return
    const running: Promise<void> = this.#attempt(alert, n)
      .catch((err: unknown) => { this.#c.logger.error({ alert: alert.id, err: describe(err) }, 'notification attempt crashed') })
      .finally(() => { this.#inflight.delete(running) })
    this.#inflight.add(running)
  }

  async #send (alert: Alert, n: AlertNotification): Promise<void> {
    const text = alertText(alert)
    if (n.channel === 'email') await this.#c.notifier.sendEmail(n.to, { subject: text.subject, text: text.text })
    else await this.#c.notifier.sendSms(n.to, text.sms)
  }

  async #attempt (alert: Alert, n: AlertNotification): Promise<void> {
    const { now, logger, notifier } = this.#c
    const at = now()
    try {
      await this.#send(alert, n)
      n.status = 'sent'
      n.sentAt = now()
      n.tries.push({ at })
      delete n.nextAttemptAt
      const late = alert.kind === 'offline' && n.sentAt - alert.silentSince > MAX_OFFLINE_AFTER_MS
      logger[late ? 'warn' : 'info']({ alert: alert.id, kind: alert.kind, channel: n.channel, attempts: n.attempts + 1, late },
        late ? 'notification sent later than 30 minutes after the silence began' : 'notification sent')
    } catch (err) {
      const error = describe(err)
      n.tries.push({ at, error })
      n.lastError = error
      const { initialDelayMs, maxDelayMs, maxAgeMs } = notifier.retry
      const next = now() + Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(n.attempts, 30))
      if (next > alert.detectedAt + maxAgeMs) {
        n.status = 'failed'
        delete n.nextAttemptAt
        logger.error({ alert: alert.id, channel: n.channel, attempts: n.attempts + 1, error }, 'notification given up')
      } else {
        n.nextAttemptAt = next
        logger.warn({ alert: alert.id, channel: n.channel, attempts: n.attempts + 1, error }, 'notification failed, will retry')
      }
    }
    n.attempts++
    if (n.tries.length > MAX_TRIES_KEPT) n.tries.splice(0, n.tries.length - MAX_TRIES_KEPT)
    try {
      await this.#c.store.write({ alerts: [alert] }, true)
    } catch (err) {
      // Keep notifying even if the log cannot be written: the notice matters more than its record.
      logger.error({ alert: alert.id, err: describe(err) }, 'could not persist a notification attempt')
    }
    this.#c.onAttempt(alert, n)
    if (n.status === 'pending' && n.nextAttemptAt !== undefined) this.#schedule(alert, n, n.nextAttemptAt)
  }

  /** Cancel scheduled attempts and wait for those in flight (they stay pending in the log and resume at the next start). */
  async stop (): Promise<void> {
    this.#stopped = true
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    await Promise.allSettled([...this.#inflight])
  }
}
