import test from 'ava'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseNetworkFile } from '@lienthong/registry'
import { ROOT, runCli, tempDir } from './helpers.js'

const SEED = join(ROOT, 'packages', 'registry', 'test', 'directory', 'fixtures', 'seed-provinces.txt')

test('--help documents every command; an unknown command and a bad flag fail with a one-line reason', async (t) => {
  const help = await runCli(['--help'])
  t.is(help.code, 0)
  for (const word of ['init', 'start', 'directory import']) t.true(help.stdout.includes(word), word)
  const initHelp = await runCli(['init', '--help'])
  t.is(initHelp.code, 0)
  t.true(initHelp.stdout.includes('network.json'))
  const unknown = await runCli(['frobnicate'])
  t.is(unknown.code, 2)
  t.regex(unknown.stderr, /unknown command "frobnicate"/)
  const badFlag = await runCli(['init', '--data', '/tmp/x', '--colour'])
  t.is(badFlag.code, 2)
  t.is(badFlag.stderr.trim().split('\n').length, 1)
  const missing = await runCli(['init'])
  t.is(missing.code, 2)
  t.regex(missing.stderr, /--data is required \[usage\]/)
})

test('init creates the key (0600), config with every key, network.json and the directory; refuses to run twice', async (t) => {
  const dir = join(await tempDir(t), 'coord')
  const first = await runCli(['init', '--data', dir, '--name', 'test-net'])
  t.is(first.code, 0, first.stderr)
  t.regex(first.stdout, /initialised network "test-net"/)
  t.is((await stat(join(dir, 'coordinator.key'))).mode & 0o777, 0o600)
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, Record<string, unknown>>
  t.is(config.monitor?.offlineAfterMs, 300000)
  t.truthy(config.notify?.smtp)
  const network = parseNetworkFile(JSON.parse(await readFile(join(dir, 'network.json'), 'utf8')))
  t.is(network.name, 'test-net')
  t.true(first.stdout.includes(network.coordinator.peerId))

  const second = await runCli(['init', '--data', dir])
  t.is(second.code, 1)
  t.regex(second.stderr, /\[data-dir-initialised\]/)
  const badName = await runCli(['init', '--data', join(dir, 'x'), '--name', 'Bad Name'])
  t.is(badName.code, 2)
})

test('directory import of the seed province list reports exactly its four anomalies and applies nothing', async (t) => {
  const dir = join(await tempDir(t), 'coord')
  t.is((await runCli(['init', '--data', dir])).code, 0)
  const res = await runCli(['directory', 'import', SEED, '--data', dir, '--dry-run'])
  t.is(res.code, 3, res.stderr)
  const anomalies = res.stdout.split('\n').filter((l) => l.trim().startsWith('!'))
  t.is(anomalies.length, 4)
  t.is(anomalies.filter((l) => l.includes('directory-not-a-province')).length, 2)
  t.true(anomalies.some((l) => l.includes('directory-unit-dissolved') && l.includes('Hà Tây')))
  t.true(anomalies.some((l) => l.includes('directory-unit-missing') && l.includes('Bà Rịa') && l.includes('000.00.00.H29')))
  t.regex(res.stdout, /dry run: 0 registry operation/)
})

test('directory import applies a clean list of new sub-units as signed entries, then finds nothing to do', async (t) => {
  const root = await tempDir(t)
  const dir = join(root, 'coord')
  t.is((await runCli(['init', '--data', dir])).code, 0)
  const list = join(root, 'units.csv')
  await writeFile(list, 'code,name,parent,level,kind\n000.00.01.H29,Văn phòng UBND Thành phố Hồ Chí Minh,000.00.00.H29,2,agency\n000.00.02.H29,Sở Nội vụ Thành phố Hồ Chí Minh,000.00.00.H29,2,agency\n')
  const dry = await runCli(['directory', 'import', list, '--data', dir, '--dry-run'])
  t.is(dry.code, 0, dry.stdout + dry.stderr)
  t.regex(dry.stdout, /2 to add/)
  const applied = await runCli(['directory', 'import', list, '--data', dir])
  t.is(applied.code, 0, applied.stderr)
  t.regex(applied.stdout, /applied 2 registry entries/)
  const again = await runCli(['directory', 'import', list, '--data', dir])
  t.is(again.code, 0)
  t.regex(again.stdout, /nothing to apply/)
  const bad = join(root, 'bad.csv')
  await writeFile(bad, 'code,name\n000.00.01.H29\n12.34,Somewhere\n')
  const refused = await runCli(['directory', 'import', bad, '--data', dir])
  t.is(refused.code, 3)
  t.regex(refused.stdout, /not applied/)
})

test('start refuses a config above the 30-minute rule, naming the key', async (t) => {
  const dir = join(await tempDir(t), 'coord')
  t.is((await runCli(['init', '--data', dir])).code, 0)
  const configPath = join(dir, 'config.json')
  const config = JSON.parse(await readFile(configPath, 'utf8')) as { monitor: { offlineAfterMs: number } }
  config.monitor.offlineAfterMs = 31 * 60 * 1000
  await writeFile(configPath, JSON.stringify(config))
  const res = await runCli(['start', '--data', dir])
  t.is(res.code, 1)
  t.regex(res.stderr, /monitor\.offlineAfterMs: must be at most 1800000.*\[config-invalid\]/)
  const missing = await runCli(['start', '--data', join(dir, 'nope')])
  t.is(missing.code, 1)
  t.regex(missing.stderr, /run `lienthong-coordinator init` first \[config-missing\]/)
})
