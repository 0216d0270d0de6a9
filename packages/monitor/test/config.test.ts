import test from 'ava'
import { isLienthongError } from '@lienthong/errors'
import {
  ConnectionMonitor, createNotifier, DEFAULT_OFFLINE_AFTER_MS, MAX_OFFLINE_AFTER_MS, MonitorErrorCode, validateMonitorConfig,
  type MonitorConfigInput
} from '@lienthong/monitor'
import { fixture } from './helpers.js'

function refusal (input: MonitorConfigInput): { code: string, field: unknown, text: string } {
  try {
    validateMonitorConfig(input)
  } catch (err) {
    if (!isLienthongError(err)) throw err
    return { code: err.code, field: err.meta.field, text: JSON.stringify({ message: err.message, meta: err.meta }) }
  }
  return { code: 'accepted', field: null, text: '' }
}

test('defaults: 30 s heartbeats, offline after 5 minutes, no channel configured', t => {
  t.is(MAX_OFFLINE_AFTER_MS, 30 * 60 * 1000)
  t.deepEqual(validateMonitorConfig({}), {
    heartbeatIntervalMs: 30_000, offlineAfterMs: DEFAULT_OFFLINE_AFTER_MS, smtp: null, sms: null, operators: { emails: [], phones: [] }
  })
  const full = validateMonitorConfig({
    monitor: { heartbeatIntervalMs: 60_000, offlineAfterMs: MAX_OFFLINE_AFTER_MS },
    notify: {
      smtp: { host: 'smtp.vpcp.gov.vn', port: 465, from: 'lienthong@vpcp.gov.vn', auth: { user: 'lt', pass: 'hunter2' } },
      sms: { url: 'https://sms.example.vn/send?key=k' },
      operators: { emails: ['noc@vpcp.gov.vn'], phones: ['+84 24 3825 0000'] }
    }
  })
  t.is(full.offlineAfterMs, MAX_OFFLINE_AFTER_MS, 'exactly 30 minutes is allowed')
  t.like(full.smtp, { host: 'smtp.vpcp.gov.vn', port: 465, secure: true, auth: { user: 'lt', pass: 'hunter2' } })
  t.is(full.sms?.url, 'https://sms.example.vn/send?key=k')
})

test('a threshold above 30 minutes is refused at start with monitor-config-invalid', async t => {
  const above = refusal({ monitor: { offlineAfterMs: MAX_OFFLINE_AFTER_MS + 1 } })
  t.deepEqual([above.code, above.field], [MonitorErrorCode.CONFIG_INVALID, 'monitor.offlineAfterMs'])
  const fx = await fixture(t)
  const make = (offlineAfterMs: number): ConnectionMonitor => new ConnectionMonitor({
    replica: fx.replica, db: fx.db, notifier: createNotifier(), offlineAfterMs, heartbeatIntervalMs: 1000, operators: { emails: [], phones: [] }
  })
  t.throws(() => make(31 * 60 * 1000), { code: MonitorErrorCode.CONFIG_INVALID })
  t.throws(() => make(0), { code: MonitorErrorCode.CONFIG_INVALID })
  t.is(make(MAX_OFFLINE_AFTER_MS).checkIntervalMs, 1000)
  t.is(make(1500).checkIntervalMs, 150)
})

test('malformed settings are refused naming the field, never echoing secrets', t => {
  const cases: Array<[MonitorConfigInput, string]> = [
    [{ monitor: { offlineAfterMs: '300000' } }, 'monitor.offlineAfterMs'],
    [{ monitor: { offlineAfterMs: 50_000, heartbeatIntervalMs: 30_000 } }, 'monitor.offlineAfterMs'],
    [{ monitor: { heartbeatIntervalMs: 500 } }, 'monitor.heartbeatIntervalMs'],
    [{ notify: { smtp: { port: 25, from: 'a@b.vn' } } }, 'notify.smtp.host'],
    [{ notify: { smtp: { host: 'h', port: 70000, from: 'a@b.vn' } } }, 'notify.smtp.port'],
    [{ notify: { smtp: { host: 'h', from: 'not an address' } } }, 'notify.smtp.from'],
    [{ notify: { smtp: { host: 'h', from: 'a@b.vn', secure: 'yes' } } }, 'notify.smtp.secure'],
    [{ notify: { smtp: { host: 'h', from: 'a@b.vn', auth: { user: 'u', pass: '' } } } }, 'notify.smtp.auth.pass'],
    [{ notify: { sms: { url: 'ftp://gateway?key=s3cr3t' } } }, 'notify.sms.url'],
    [{ notify: { sms: { url: 'not a url s3cr3t' } } }, 'notify.sms.url'],
    [{ notify: { operators: { emails: ['x'] } } }, 'notify.operators.emails[0]'],
    [{ notify: { operators: { phones: 'x' } } }, 'notify.operators.phones'],
    [{ notify: 'smtp' as never }, 'notify']
  ]
  for (const [input, field] of cases) {
    const r = refusal(input)
    t.deepEqual([r.code, r.field], [MonitorErrorCode.CONFIG_INVALID, field], JSON.stringify(input))
    t.false(r.text.includes('s3cr3t'))
  }
  t.throws(() => createNotifier({ retry: { initialDelayMs: 0 } }), { instanceOf: RangeError })
})
