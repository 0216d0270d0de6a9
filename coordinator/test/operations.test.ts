import test from 'ava'
import { createServer } from 'node:http'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { silentLogger } from '@lienthong/errors'
import { MembershipStore, registryNodeState } from '@lienthong/membership'
import { RegistryReplica } from '@lienthong/protocol'
import { parseNetworkFile } from '@lienthong/registry'
import { openDatabase } from '@lienthong/store'
import { startCoordinator } from '../src/app.js'
import { healthProblems, NotifyHealth } from '../src/health.js'
import { initCoordinator } from '../src/init.js'
import { admitNode, until } from './fixture.js'
import { runCli, tempDir } from './helpers.js'

const UNITS = 'code,name,parent,level,kind\n000.00.01.H29,Văn phòng UBND Thành phố Hồ Chí Minh,000.00.00.H29,2,agency\n000.00.02.H29,Sở Nội vụ Thành phố Hồ Chí Minh,000.00.00.H29,2,agency\n'

test('directory import: --actor is in --help; a dry run works while the coordinator runs; applying is refused then, and audited once stopped', async (t) => {
  const root = await tempDir(t)
  const dir = join(root, 'coord')
  await initCoordinator({ data: dir, name: 'import-test' })
  const list = join(root, 'units.csv')
  await writeFile(list, UNITS)
  t.regex((await runCli(['directory', 'import', '--help'])).stdout, /--actor NAME/)

  const running = await startCoordinator({ data: dir, listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0', logger: silentLogger })
  const seqWhileRunning = running.replica.seq
  const dry = await runCli(['directory', 'import', list, '--data', dir, '--dry-run'])
  const apply = await runCli(['directory', 'import', list, '--data', dir, '--actor', 'nguyen.van.a'])
  t.is(running.replica.seq, seqWhileRunning)
  await running.close()
  t.is(dry.code, 0, dry.stderr)
  t.regex(dry.stdout, /2 to add/)
  t.regex(dry.stdout, /dry run: 2 registry operation/)
  t.is(apply.code, 1)
  t.regex(apply.stderr, /stop it to apply the import \(--dry-run works while it runs\) \[data-dir-in-use\]/)
  t.is((await runCli(['directory', 'import', list, '--data', dir, '--actor', 'has space'])).code, 2)

  const applied = await runCli(['directory', 'import', list, '--data', dir, '--actor', 'nguyen.van.a'])
  t.is(applied.code, 0, applied.stderr)
  t.regex(applied.stdout, /applied 2 registry entries/)

  const network = parseNetworkFile(JSON.parse(await readFile(join(dir, 'network.json'), 'utf8')))
  const db = await openDatabase(join(dir, 'db'))
  t.teardown(() => db.close())
  const replica = await RegistryReplica.open({ db, coordinatorKey: network.coordinatorKey, network: network.name })
  const last = replica.entry(replica.seq)
  t.is(last?.entry.actor, 'nguyen.van.a')
  t.is(last?.entry.reason, 'directory import of units.csv')
  const store = await MembershipStore.open(db, { nodeState: registryNodeState(() => replica.state) })
  const audit = await store.audit.list({ order: 'desc', limit: 1 })
  t.like(audit[0], { actor: 'nguyen.van.a', action: 'directory.import', target: 'units.csv', reason: 'directory import of units.csv' })
  t.like(audit[0]?.detail, { additions: 2, updates: 0, entries: 2, seq: replica.seq })
})

test('health: degraded with notify-sms-failing while the SMS gateway refuses alerts', async (t) => {
  let refusals = 0
  const gateway = createServer((req, res) => { refusals++; req.resume(); res.writeHead(503).end() })
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { gateway.close(() => { resolve() }) }))
  const port = (gateway.address() as { port: number }).port

  const dir = join(await tempDir(t), 'coord')
  await initCoordinator({ data: dir, name: 'health-test' })
  const path = join(dir, 'config.json')
  const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, unknown>>
  config.monitor = { heartbeatIntervalMs: 1000, offlineAfterMs: 2000 }
  config.notify = { ...config.notify, sms: { url: `http://127.0.0.1:${port}/send` }, operators: { emails: [], phones: ['+84 24 0000 0000'] } }
  await writeFile(path, JSON.stringify(config))
  const c = await startCoordinator({ data: dir, listen: ['/ip4/127.0.0.1/tcp/0'], http: '127.0.0.1:0', logger: silentLogger })
  t.teardown(() => c.close())
  const health = async (): Promise<{ status: string, problems: string[] }> => await (await fetch(`${c.httpUrl}/v1/health`)).json() as { status: string, problems: string[] }

  t.like(await health(), { status: 'ok', problems: [] })
  // A node that never heartbeats goes offline after 2 s; the alert's SMS is refused.
  await admitNode(c)
  await until(async () => (await health()).status === 'degraded', 'a degraded health', 20_000)
  t.deepEqual((await health()).problems, ['notify-sms-failing'])
  t.true(refusals > 0)
})

test('health problems: a stopped monitor, an unreadable store, and a channel failing until its next accepted send', async (t) => {
  const notify = new NotifyHealth()
  const ok = { monitorRunning: () => true, probeStore: () => Promise.resolve(), notify }
  t.deepEqual(await healthProblems(ok), [])
  t.deepEqual(await healthProblems({ ...ok, monitorRunning: () => false }), ['monitor-stopped'])
  t.deepEqual(await healthProblems({ ...ok, probeStore: () => Promise.reject(new Error('closed')) }), ['store-unavailable'])

  notify.observe({ channel: 'email', to: 'a@b.vn', status: 'pending', attempts: 1, tries: [{ at: 10, error: 'smtp-421' }] })
  notify.observe({ channel: 'sms', to: '+84', status: 'skipped', attempts: 0, tries: [] })
  t.deepEqual(await healthProblems(ok), ['notify-email-failing'])
  // An older attempt reported late does not hide a newer failure.
  notify.observe({ channel: 'email', to: 'c@d.vn', status: 'sent', attempts: 1, tries: [{ at: 5 }] })
  t.deepEqual(notify.problems(), ['notify-email-failing'])
  notify.observe({ channel: 'email', to: 'a@b.vn', status: 'sent', attempts: 2, tries: [{ at: 10, error: 'smtp-421' }, { at: 20 }] })
  t.deepEqual(notify.problems(), [])
})
