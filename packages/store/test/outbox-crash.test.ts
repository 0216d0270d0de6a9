import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { NAMESPACE, Outbox, openDatabase } from '@lienthong/store'
import { within } from './flow-helpers.js'
import { tempDir } from './helpers.js'

test('after SIGKILL every outbox submit the child reported done is on disk, due, and counted exactly', async t => {
  const dir = await tempDir(t)
  const script = fileURLToPath(new URL('./fixtures/outbox-child.js', import.meta.url))
  const child = spawn(process.execPath, [...process.execArgv, script, dir], { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<NodeJS.Signals | null>(resolve => { child.on('exit', (_code, signal) => { resolve(signal) }) })
  const reported: string[] = []
  const killAfter = 400
  const lines = createInterface({ input: child.stdout })
  const linesClosed = new Promise(resolve => { lines.on('close', resolve) })
  const enough = new Promise<void>((resolve, reject) => {
    lines.on('line', line => {
      if (line.startsWith('done ')) reported.push(line.slice(5))
      if (reported.length === killAfter) resolve()
    })
    lines.on('close', () => { reject(new Error(`child stopped early: ${stderr}`)) })
  })
  await within(enough, 30_000)
  child.kill('SIGKILL')
  t.is(await within(exited), 'SIGKILL')
  // lines already written to the pipe before the kill still count as reported
  await within(linesClosed)
  t.true(reported.length >= killAfter)

  const db = await openDatabase(dir)
  const outbox = await Outbox.open(db)
  t.teardown(async () => {
    await outbox.close()
    await db.close()
  })
  for (const id of reported) {
    const record = await outbox.get(id)
    t.truthy(record, `reported ${id} is missing`)
    if (record === undefined) return
  }
  // counters match what is actually stored, including submits that landed but were never reported
  const stored = await db.namespace(NAMESPACE.OUTBOX_DELIVERY).keys().all()
  const counts = outbox.counts()
  t.deepEqual(counts, { queued: stored.length, delivered: 0, failed: 0 })
  t.is(outbox.pendingPeers().reduce((sum, p) => sum + p.queued, 0), stored.length)
  const due = await outbox.due({ now: Number.MAX_SAFE_INTEGER, limit: 10_000 })
  t.is(due.length, stored.length)
  const dueIds = new Set(due.map(d => d.id))
  t.true(reported.every(id => dueIds.has(id)))
  t.log(`child reported ${reported.length} submits; ${(await db.namespace(NAMESPACE.OUTBOX).keys().all()).length} records on disk`)
})
