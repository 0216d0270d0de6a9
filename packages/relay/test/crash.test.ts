import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { generateNodeKey, peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import { RegistryReplica } from '@lienthong/protocol'
import { openDatabase } from '@lienthong/store'
import { until, within } from './helpers.js'
import { NETWORK, TestNet, tempDir } from './net.js'

const G01 = '000.00.00.G01'
const H29 = '000.00.00.H29'

test('a sender killed with SIGKILL right after the 202 delivers the document once it restarts', async t => {
  const net = await TestNet.create(t, [[G01, 'Văn phòng Chính phủ'], [H29, 'UBND thành phố Hà Nội']])
  // The recipient is up but does not serve deliveries yet: the child cannot deliver before it dies.
  const b = await net.addNode({ orgs: [H29], startRelay: false })
  const key = generateNodeKey()
  const dir = await tempDir(t)
  const peerId = peerIdFromPublicKeyBytes(key.publicKey)
  await net.append([
    { type: 'node.admit', peerId, publicKey: key.publicKey, sealingPublicKey: key.sealingPublicKey, addresses: ['/ip4/127.0.0.1/tcp/9'], orgs: [G01], contacts: { email: ['ops@example.gov.vn'], phone: ['+84 24 0000 0000'] } },
    { type: 'node.promote', peerId }
  ])
  // The sender's data folder starts with the registry on disk, as a node's does.
  const db = await openDatabase(join(dir, 'db'))
  const replica = await RegistryReplica.open({ db, coordinatorKey: net.coordinator.publicKey, network: NETWORK })
  await replica.apply(net.writer.registry.entriesAfter(-1))
  await db.close()

  const script = fileURLToPath(new URL('./fixtures/sender-child.js', import.meta.url))
  const args = [dir, Buffer.from(key.seed).toString('hex'), Buffer.from(net.coordinator.publicKey).toString('hex'), NETWORK, G01, H29]
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<NodeJS.Signals | null>(resolve => { child.on('exit', (_code, signal) => { resolve(signal) }) })
  const lines = createInterface({ input: child.stdout })
  const submitted = new Promise<string>((resolve, reject) => {
    lines.on('line', line => { if (line.startsWith('submitted ')) resolve(line.slice('submitted '.length)) })
    lines.on('close', () => { reject(new Error(`child ended before submitting: ${stderr}`)) })
  })
  const id = await within(submitted, 20_000, 'child submission')
  child.kill('SIGKILL')
  t.is(await within(exited, 10_000, 'child exit'), 'SIGKILL')

  await b.relay.start()
  const sender = await net.open({ orgs: [G01] }, key, dir)
  t.is((await sender.relay.outboxRecord(id))?.deliveries[0]?.state, 'queued', 'the 202 survived the kill')
  await sender.relay.start()
  const view = await until(async () => {
    const v = await sender.relay.outboxRecord(id)
    return v?.deliveries[0]?.state === 'delivered' ? v : undefined
  }, 15_000, 'delivered after restart')
  t.is(view.deliveries[0]?.node, b.peerId)
  t.is((await b.relay.inboxEntry(id))?.length, 'CONG-VAN-KHAN '.length * 20_000)
  t.deepEqual((await b.inbox.list({ limit: 10 })).entries.map(e => e.id), [id])
})
