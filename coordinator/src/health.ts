import type { AlertNotification, NotificationChannel } from '@lienthong/monitor'

/**
 * Why the coordinator reports itself `degraded` (the `problems` of `GET /v1/health`, the same
 * shape as the node's): stable strings an operations room can alert on.
 */
export const HealthProblem = {
  /** The connection monitor is not running: nobody is declared offline, no alert goes out. */
  MONITOR_STOPPED: 'monitor-stopped',
  /** The database (registry log, requests, audit, alerts) cannot be read. */
  STORE_UNAVAILABLE: 'store-unavailable',
  /** The last e-mail the SMTP server was asked to take was not accepted (retries continue). */
  NOTIFY_EMAIL_FAILING: 'notify-email-failing',
  /** The last SMS the gateway was asked to take was not accepted (retries continue). */
  NOTIFY_SMS_FAILING: 'notify-sms-failing'
} as const

const CHANNEL_PROBLEM: Record<NotificationChannel, string> = {
  email: HealthProblem.NOTIFY_EMAIL_FAILING,
  sms: HealthProblem.NOTIFY_SMS_FAILING
}

/**
 * Follows every notification attempt and remembers, per channel, whether the most recent one was
 * accepted: a channel is failing from a refused attempt until the next accepted one.
 */
export class NotifyHealth {
  readonly #last = new Map<NotificationChannel, { at: number, ok: boolean }>()

  /** Record the outcome of the latest attempt of a notification (skipped channels are not attempts). */
  observe (notification: AlertNotification): void {
    if (notification.status === 'skipped') return
    const attempt = notification.tries.at(-1)
    if (attempt === undefined) return
    const previous = this.#last.get(notification.channel)
    if (previous !== undefined && previous.at > attempt.at) return
    this.#last.set(notification.channel, { at: attempt.at, ok: attempt.error === undefined })
  }

  /** The failing channels' problems, e.g. `notify-sms-failing`. */
  problems (): string[] {
    return [...this.#last].filter(([, last]) => !last.ok).map(([channel]) => CHANNEL_PROBLEM[channel]).sort()
  }
}

/** What the health check looks at. */
export interface HealthSources {
  monitorRunning: () => boolean
  /** Resolves when the database answers a read; rejects otherwise. */
  probeStore: () => Promise<unknown>
  notify: NotifyHealth
}

/** The coordinator's health problems now; empty means `ok`. */
export async function healthProblems (s: HealthSources): Promise<string[]> {
  const problems: string[] = []
  if (!s.monitorRunning()) problems.push(HealthProblem.MONITOR_STOPPED)
  try {
    await s.probeStore()
  } catch {
    problems.push(HealthProblem.STORE_UNAVAILABLE)
  }
  problems.push(...s.notify.problems())
  return problems
}
