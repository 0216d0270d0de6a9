/**
 * The sample exchange, as document systems would do it through `@lienthong/client`: the sender
 * submits one document to several units; each recipient follows its inbox stream, reads the
 * payload, acknowledges it and answers the national statuses 01 (Đã đến: arrived) then
 * 06 (Hoàn thành: processing finished); the sender's outbox then shows every delivery receipted
 * and every status.
 */
import type { NodeClient, OutboxView } from '@lienthong/client'
import { until } from './wait.js'

/** A unit taking part: its organisation code and its node's client. */
export interface Party {
  name: string
  org: string
  node: NodeClient
}

export interface SampleExchange {
  id: string
  from: string
  to: string[]
  text: string
  /** What each recipient read from its inbox. */
  received: Array<{ org: string, text: string }>
  /** The sender's outbox view once every status arrived. */
  outbox: OutboxView
  ms: number
}

/** The statuses each recipient answers, in order. */
export const SAMPLE_STATUSES = [
  { code: '01', note: 'Đã đến: văn bản đã đến hệ thống quản lý văn bản' },
  { code: '06', note: 'Hoàn thành: đã xử lý xong' }
] as const

function sampleText (from: string, to: string[], at: Date): string {
  return [
    'VĂN PHÒNG CHÍNH PHỦ — CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Độc lập - Tự do - Hạnh phúc',
    `Hà Nội, ngày ${at.getDate()} tháng ${at.getMonth() + 1} năm ${at.getFullYear()}`,
    'V/v thử nghiệm trục liên thông văn bản (mạng devnet)',
    `Kính gửi: ${to.join(', ')}`,
    `Văn bản mẫu do ${from} gửi lúc ${at.toISOString()} để kiểm tra việc gửi, nhận, báo nhận và cập nhật trạng thái.`
  ].join('\n')
}

async function receive (party: Party, id: string, timeoutMs: number): Promise<{ org: string, text: string }> {
  const signal = AbortSignal.timeout(timeoutMs)
  // The stream replays the inbox from its start, so nothing sent before we listen is missed.
  for await (const doc of party.node.stream({ signal })) {
    if (doc.id !== id) continue
    const text = await (await party.node.payload(doc.id)).text()
    await party.node.ack(doc.id)
    for (const status of SAMPLE_STATUSES) await party.node.status(doc.id, status.code, status.note)
    return { org: party.org, text }
  }
  throw new Error(`${party.name} did not receive document ${id} within ${timeoutMs} ms`)
}

function complete (view: OutboxView, recipients: readonly Party[]): boolean {
  if (!view.deliveries.every((d) => d.state === 'delivered')) return false
  return recipients.every((r) => SAMPLE_STATUSES.every((s) => view.statuses.some((v) => v.from === r.org && v.code === s.code)))
}

/** Send the sample from `sender` to `recipients` and wait for the whole round trip. */
export async function exchangeSample (sender: Party, recipients: readonly Party[], timeoutMs = 60_000): Promise<SampleExchange> {
  const started = Date.now()
  const to = recipients.map((r) => r.org)
  const text = sampleText(sender.org, to, new Date())
  const { id } = await sender.node.send({ from: sender.org, to, contentType: 'text/plain; charset=utf-8', payload: text })
  const received = await Promise.all(recipients.map(async (r) => await receive(r, id, timeoutMs)))
  const outbox = await until(`the statuses of document ${id} at ${sender.name}`, async () => {
    const view = await sender.node.outbox(id)
    return complete(view, recipients) ? view : undefined
  }, timeoutMs)
  return { id, from: sender.org, to, text, received, outbox, ms: Date.now() - started }
}
