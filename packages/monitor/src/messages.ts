import { VIETNAM_UTC_OFFSET_MS } from './constants.js'
import type { Alert } from './types.js'

/** The words of one alert: an e-mail (subject and plain text) and an SMS, in Vietnamese then English. */
export interface AlertText {
  subject: string
  text: string
  sms: string
}

/** `2025-06-15 14:03:07 (UTC+7)`: Vietnam has one offset all year. */
export function vietnamTime (ms: number): string {
  return `${new Date(ms + VIETNAM_UTC_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')} (UTC+7)`
}

function minutes (ms: number): string {
  return (Math.max(0, ms) / 60_000).toFixed(1)
}

function units (alert: Alert): string {
  return alert.orgs.length === 0 ? alert.peerId : alert.orgs.map(o => `${o.name} (${o.code})`).join('; ')
}

function shortUnits (alert: Alert): string {
  const codes = alert.orgs.map(o => o.code)
  if (codes.length === 0) return `…${alert.peerId.slice(-8)}`
  return codes.length <= 2 ? codes.join(', ') : `${codes.slice(0, 2).join(', ')} +${codes.length - 2}`
}

function offlineText (alert: Alert): AlertText {
  const who = units(alert)
  const last = alert.lastHeartbeatAt === null ? null : vietnamTime(alert.lastHeartbeatAt)
  const since = vietnamTime(alert.silentSince)
  const detected = vietnamTime(alert.detectedAt)
  const text = [
    `Kính gửi: ${who}`,
    '',
    'Hệ thống điều phối Trục liên thông văn bản không nhận được tín hiệu (heartbeat) từ nút kết nối của đơn vị.',
    `- Nút (PeerId): ${alert.peerId}`,
    `- Tín hiệu cuối cùng: ${last ?? 'chưa nhận được kể từ khi hệ thống điều phối khởi động'}`,
    `- Mất kết nối từ: ${since}`,
    `- Phát hiện lúc: ${detected}`,
    '',
    'Đề nghị đơn vị kiểm tra ngay: máy chủ và dịch vụ lienthong-node còn chạy; kết nối mạng tới hệ thống điều phối; ' +
      'nhật ký (log) của nút. Đơn vị sẽ nhận thông báo khi kết nối được khôi phục.',
    '',
    '---',
    '',
    `To: ${who}`,
    '',
    'The Lienthong coordinator has received no heartbeat from your unit\'s relay node.',
    `- Node (PeerId): ${alert.peerId}`,
    `- Last heartbeat: ${last ?? 'none since the coordinator started'}`,
    `- Offline since: ${since}`,
    `- Detected at: ${detected}`,
    '',
    'Please check now that the server and the lienthong-node service are running, the network path to the ' +
      'coordinator, and the node\'s logs. You will be notified when the connection is restored.',
    ''
  ].join('\n')
  return {
    subject: `[Trục liên thông] Mất kết nối / Connection lost: ${shortUnits(alert)}`,
    text,
    sms: `Trục liên thông: nút ${shortUnits(alert)} mất kết nối từ ${since}. Đề nghị kiểm tra ngay. ` +
      `/ Lienthong: node ${shortUnits(alert)} offline since ${since}. Please check.`
  }
}

function recoveredText (alert: Alert): AlertText {
  const who = units(alert)
  const since = vietnamTime(alert.silentSince)
  const back = vietnamTime(alert.detectedAt)
  const down = minutes(alert.detectedAt - alert.silentSince)
  const text = [
    `Kính gửi: ${who}`,
    '',
    'Nút kết nối của đơn vị đã gửi tín hiệu trở lại; kết nối với Trục liên thông văn bản đã được khôi phục.',
    `- Nút (PeerId): ${alert.peerId}`,
    `- Mất kết nối từ: ${since}`,
    `- Khôi phục lúc: ${back} (khoảng ${down} phút)`,
    '',
    'Đề nghị đơn vị kiểm tra các văn bản gửi, nhận trong thời gian gián đoạn.',
    '',
    '---',
    '',
    `To: ${who}`,
    '',
    'Your unit\'s relay node is sending heartbeats again; its connection to Lienthong is restored.',
    `- Node (PeerId): ${alert.peerId}`,
    `- Offline since: ${since}`,
    `- Restored at: ${back} (about ${down} minutes)`,
    '',
    'Please check the documents sent and received during the interruption.',
    ''
  ].join('\n')
  return {
    subject: `[Trục liên thông] Đã khôi phục kết nối / Connection restored: ${shortUnits(alert)}`,
    text,
    sms: `Trục liên thông: nút ${shortUnits(alert)} đã kết nối lại lúc ${back}. ` +
      `/ Lienthong: node ${shortUnits(alert)} back online at ${back}.`
  }
}

/** The notice texts for an alert. */
export function alertText (alert: Alert): AlertText {
  return alert.kind === 'offline' ? offlineText(alert) : recoveredText(alert)
}
