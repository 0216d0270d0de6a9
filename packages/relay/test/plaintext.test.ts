import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import test from 'ava'
import type { Relay } from '@lienthong/relay'
import { digest, filesContaining, markedChunks, markedDocument, until } from './helpers.js'
import { TestNet } from './net.js'

const G01 = '000.00.00.G01'
const H29 = '000.00.00.H29'
const ORGS: Array<[string, string]> = [[G01, 'Văn phòng Chính phủ'], [H29, 'UBND thành phố Hà Nội']]

async function delivered (relay: Relay, id: string, ms = 30_000): Promise<void> {
  await until(async () => (await relay.outboxRecord(id))?.deliveries.every(d => d.state === 'delivered') === true ? true : undefined, ms, `${id} delivered`)
}

test('no file of the sender, nor the recipient\'s database and blobs, ever holds the plaintext', async t => {
  const net = await TestNet.create(t, ORGS)
  const a = await net.addNode({ orgs: [G01] })
  const b = await net.addNode({ orgs: [H29], startRelay: false })
  const marker = `BAN-RO-${Date.now().toString(36)}`
  const small = markedDocument(marker, 3000)
  const large = markedDocument(marker, 400 * 1024)

  const sent = [
    await a.relay.submit({ from: G01, to: [H29], contentType: 'text/plain', payload: small }),
    await a.relay.submit({ from: G01, to: [H29], contentType: 'text/plain', payload: markedChunks(marker, large.length) })
  ]
  // Before delivery: the sealed copy waits in the sender's outbox and blob folder.
  t.true((await a.outbox.get(sent[1]?.id ?? ''))?.payloadHash !== undefined)
  t.deepEqual(await filesContaining(a.dir, marker), [])

  await b.relay.start()
  for (const { id } of sent) await delivered(a.relay, id)
  // The recipient reads (decrypts) both, and answers with a status.
  t.is(await digest((await b.relay.openInboxPayload(sent[0]?.id ?? '')).stream), await digest([small]))
  t.is(await digest((await b.relay.openInboxPayload(sent[1]?.id ?? '')).stream), await digest([large]))
  t.is((await b.relay.inboxEntry(sent[0]?.id ?? '', { inlinePayload: true }))?.payload, Buffer.from(small).toString('base64'))
  await b.relay.sendStatus(sent[0]?.id ?? '', { code: '03', note: marker })
  await until(async () => ((await a.relay.outboxRecord(sent[0]?.id ?? ''))?.statuses.length ?? 0) > 0 ? true : undefined, 10_000, 'status')

  t.deepEqual(await filesContaining(a.dir, marker), [], 'sender data folder')
  t.deepEqual(await filesContaining(b.dir, marker), [], 'recipient database and blobs')
  // The search does find the marker when it is there.
  await writeFile(join(b.dir, 'control.txt'), small)
  t.deepEqual(await filesContaining(b.dir, marker), [join(b.dir, 'control.txt')])
})
