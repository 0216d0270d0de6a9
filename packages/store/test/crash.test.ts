import test from 'ava'
import { openDatabase, RegistryLogStore } from '@lienthong/store'
import { entriesFrom, spawnChild, tempDir } from './helpers.js'

test('after SIGKILL every append the child reported done is on disk and the log opens clean', async t => {
  const dir = await tempDir(t)
  const child = spawnChild(t, ['append', dir])
  const killAfter = 200
  await child.waitForLine(l => l === `done ${killAfter}` || Number(l.split(' ')[1]) > killAfter)
  child.proc.kill('SIGKILL')
  const exit = await child.exited
  t.is(exit.signal, 'SIGKILL')

  const reported = child.lines.filter(l => l.startsWith('done ')).map(l => Number(l.slice(5)))
  const lastReported = Math.max(...reported)
  t.true(lastReported >= killAfter)

  const db = await openDatabase(dir)
  t.teardown(async () => { await db.close() })
  const log = await RegistryLogStore.open(db)
  const head = log.head()
  t.truthy(head)
  t.true(head!.seq >= lastReported, `head ${head?.seq} < reported ${lastReported}`)
  t.deepEqual(await log.read(1, head!.seq + 10), entriesFrom(1, head!.seq))
  t.log(`child reported ${lastReported}, disk head ${head?.seq}`)
})
