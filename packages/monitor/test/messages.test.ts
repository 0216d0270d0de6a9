import test from 'ava'
import { alertText, vietnamTime, type Alert } from '@lienthong/monitor'

const base: Alert = {
  id: 7,
  peerId: '12D3KooWExamplePeerIdForTheMessageTestXXXXXXXXXXXXXX',
  kind: 'offline',
  detectedAt: Date.UTC(2025, 5, 15, 7, 5, 0),
  lastHeartbeatAt: Date.UTC(2025, 5, 15, 7, 0, 0),
  silentSince: Date.UTC(2025, 5, 15, 7, 0, 0),
  orgs: [{ code: '000.00.00.H29', name: 'UBND thành phố Hà Nội' }, { code: '000.00.01.H29', name: 'Văn phòng UBND' }, { code: '000.00.02.H29', name: 'Sở Nội vụ' }],
  notifications: []
}

test('times are given in Vietnam time', t => {
  t.is(vietnamTime(0), '1970-01-01 07:00:00 (UTC+7)')
  t.is(vietnamTime(Date.UTC(2025, 11, 31, 20, 30, 5)), '2026-01-01 03:30:05 (UTC+7)')
})

test('the offline notice names the unit, the node and the times, in Vietnamese and English, and says what to do', t => {
  const text = alertText(base)
  t.is(text.subject, '[Trục liên thông] Mất kết nối / Connection lost: 000.00.00.H29, 000.00.01.H29 +1')
  for (const words of ['UBND thành phố Hà Nội (000.00.00.H29)', 'Sở Nội vụ (000.00.02.H29)', base.peerId, '2025-06-15 14:00:00 (UTC+7)',
    '2025-06-15 14:05:00 (UTC+7)', 'Đề nghị đơn vị kiểm tra ngay', 'Please check now']) {
    t.true(text.text.includes(words), words)
  }
  t.true(text.sms.includes('mất kết nối từ 2025-06-15 14:00:00') && text.sms.includes('offline since'))
  const never = alertText({ ...base, lastHeartbeatAt: null })
  t.true(never.text.includes('chưa nhận được') && never.text.includes('none since the coordinator started'))
})

test('the recovery notice gives the downtime', t => {
  const text = alertText({ ...base, kind: 'recovered', detectedAt: base.silentSince + 12 * 60_000, offlineAlertId: 6 })
  t.true(text.subject.startsWith('[Trục liên thông] Đã khôi phục kết nối / Connection restored'))
  t.true(text.text.includes('khoảng 12.0 phút') && text.text.includes('about 12.0 minutes'))
  t.true(text.sms.includes('đã kết nối lại lúc 2025-06-15 14:12:00'))
})
