import test from 'ava'
import { ConnectionMonitor, type Alert, type AlertNotification } from '@lienthong/monitor'
import { fixture, report, startMonitor, startSmsSink, startSmtp, testNotifier, until } from './helpers.js'

const NO_OPERATORS = { emails: [], phones: [] }

function settled (alert: Alert | undefined): Alert | undefined {
  return alert !== undefined && alert.notifications.every(n => n.status !== 'pending') ? alert : undefined
}

function channel (alert: Alert, name: 'email' | 'sms'): AlertNotification {
  const n = alert.notifications.find(x => x.channel === name)
  if (n === undefined) throw new Error(`no ${name} notification`)
  return n
}

test('a refusing SMTP server and a failing SMS gateway are retried with backoff until they accept; every attempt is logged', async t => {
  const fx = await fixture(t)
  const node = fx.nodes[0]!
  const smtp = await startSmtp(t, 2)
  const sms = await startSmsSink(t, [500, 503])
  const monitor = await startMonitor(t, {
    replica: fx.replica, db: fx.db, notifier: testNotifier(t, smtp, sms),
    offlineAfterMs: 300, heartbeatIntervalMs: 100, operators: NO_OPERATORS
  })
  await monitor.recordHeartbeat(node.peerId, report(fx.replica.seq))
  const alert = await until(monitor, async () => settled((await monitor.alerts())[0]))
  const email = channel(alert, 'email')
  t.like(email, { to: node.email, status: 'sent', attempts: 3, lastError: 'monitor-email-failed (smtp-451)' })
  t.deepEqual(email.tries.map(a => a.error), ['monitor-email-failed (smtp-451)', 'monitor-email-failed (smtp-451)', undefined])
  t.is(email.sentAt !== undefined && email.sentAt >= (email.tries[2]?.at ?? Infinity), true)
  t.is(email.nextAttemptAt, undefined)
  const text = channel(alert, 'sms')
  t.like(text, { to: node.phone, status: 'sent', attempts: 3 })
  t.deepEqual(text.tries.map(a => a.error), ['monitor-sms-failed (http-500)', 'monitor-sms-failed (http-503)', undefined])
  // Exponential backoff: 50 ms after the first failure, 100 ms after the second (1 ms timer rounding).
  for (const n of [email, text]) {
    const [a, b, c] = n.tries.map(x => x.at) as [number, number, number]
    t.true(b - a >= 49 && c - b >= 99, `gaps ${b - a}, ${c - b}`)
  }
  t.is(smtp.refused, 2)
  t.is(smtp.messages.length, 1)
  t.deepEqual(sms.requests.map(r => r.status), [500, 503, 200])
  t.true(sms.requests.every(r => r.to === node.phone))
})

test('a notice still failing at the maximum age is given up and logged as failed', async t => {
  const fx = await fixture(t)
  const smtp = await startSmtp(t, 1_000_000)
  const sms = await startSmsSink(t, Array.from({ length: 1000 }, () => 502))
  const monitor = await startMonitor(t, {
    replica: fx.replica, db: fx.db,
    notifier: testNotifier(t, smtp, sms, { retry: { initialDelayMs: 20, maxDelayMs: 40, maxAgeMs: 1500 } }),
    offlineAfterMs: 200, heartbeatIntervalMs: 100, operators: NO_OPERATORS
  })
  const alert = await until(monitor, async () => settled((await monitor.alerts())[0]))
  for (const n of alert.notifications) {
    t.is(n.status, 'failed')
    t.true(n.attempts >= 2 && n.tries.length === n.attempts)
    t.is(n.sentAt, undefined)
    t.is(n.nextAttemptAt, undefined)
  }
  t.is(channel(alert, 'sms').lastError, 'monitor-sms-failed (http-502)')
  t.is(smtp.messages.length, 0)
})

test('an unsent notice survives a restart of the monitor and is sent afterwards', async t => {
  const fx = await fixture(t)
  const node = fx.nodes[0]!
  const smtp = await startSmtp(t, 1_000_000)
  const components = {
    replica: fx.replica, db: fx.db, notifier: testNotifier(t, smtp, null, { retry: { initialDelayMs: 100, maxDelayMs: 100, maxAgeMs: 60_000 } }),
    offlineAfterMs: 200, heartbeatIntervalMs: 100, operators: NO_OPERATORS
  }
  const first = new ConnectionMonitor(components)
  await first.start()
  t.teardown(async () => { await first.stop() })
  await first.recordHeartbeat(node.peerId, report(fx.replica.seq))
  const failing = await until(first, async () => {
    const [alert] = await first.alerts()
    return alert !== undefined && channel(alert, 'email').attempts >= 2 ? alert : undefined
  })
  await first.stop()
  const logged = channel(failing, 'email')
  t.is(logged.status, 'pending')
  smtp.failNext = 0
  const second = await startMonitor(t, components)
  const sent = await until(second, async () => settled((await second.alerts())[0]))
  const email = channel(sent, 'email')
  t.like(email, { status: 'sent', to: node.email })
  t.true(email.attempts > logged.attempts)
  t.deepEqual(email.tries.slice(0, logged.tries.length), logged.tries, 'the attempts before the restart are kept')
  t.is(sent.detectedAt, failing.detectedAt, 'the detection time is the original one')
  t.is(smtp.messages.length, 1)
})
