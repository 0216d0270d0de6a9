import test from 'ava'
import { chmod, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseNetworkFile } from '@lienthong/registry'
import { parseConfig, readConfig } from '../src/config.js'
import { runCli, tempDir } from './helpers.js'

async function initialised (t: Parameters<typeof tempDir>[0], ...flags: string[]): Promise<string> {
  const dir = join(await tempDir(t), 'coord')
  const res = await runCli(['init', '--data', dir, ...flags])
  t.is(res.code, 0, res.stderr)
  return dir
}

async function editConfig (dir: string, edit: (config: { notify: { sms: { url: string }, smtp: Record<string, unknown> } }) => void): Promise<string> {
  const path = join(dir, 'config.json')
  const config = JSON.parse(await readFile(path, 'utf8')) as { notify: { sms: { url: string }, smtp: Record<string, unknown> } }
  edit(config)
  await writeFile(path, JSON.stringify(config))
  return path
}

test('init writes config.json 0600; start refuses it group/world readable once it holds secrets', async (t) => {
  const dir = await initialised(t)
  const path = join(dir, 'config.json')
  t.is((await stat(path)).mode & 0o777, 0o600)

  // Without secrets a readable file is accepted (it documents defaults only).
  await chmod(path, 0o644)
  t.is((await readConfig(path)).notify.sms.url, '')

  await editConfig(dir, (c) => { c.notify.sms.url = 'https://sms.example.vn/send?key=s3cret' })
  const refused = await t.throwsAsync(readConfig(path))
  t.is((refused as { code?: string }).code, 'config-file-permissions')
  t.false(refused?.message.includes('s3cret'), 'the secret is not repeated in the error')
  const cli = await runCli(['start', '--data', dir])
  t.is(cli.code, 1)
  t.regex(cli.stderr, /chmod 600 .*config\.json.*\[config-file-permissions\]/)

  await editConfig(dir, (c) => { c.notify.sms.url = ''; c.notify.smtp.auth = { user: 'u', pass: 'p' } })
  t.is(((await t.throwsAsync(readConfig(path))) as { code?: string }).code, 'config-file-permissions')
  await chmod(path, 0o640)
  t.is(((await t.throwsAsync(readConfig(path))) as { code?: string }).code, 'config-file-permissions')
  await chmod(path, 0o600)
  t.deepEqual((await readConfig(path)).notify.smtp.auth, { user: 'u', pass: 'p' })
})

test('notify.smtp.secure follows the port unless set: 465 is implicit TLS, others STARTTLS', async (t) => {
  const secure = (smtp: Record<string, unknown>): boolean => parseConfig({ notify: { smtp } }).notify.smtp.secure
  t.false(secure({}))
  t.true(secure({ port: 465 }))
  t.false(secure({ port: 587 }))
  t.false(secure({ port: 25, secure: null }))
  t.false(secure({ port: 465, secure: false }))
  t.true(secure({ port: 587, secure: true }))

  // init leaves it null in the file, so that setting port 465 later means TLS.
  const dir = await initialised(t)
  const path = await editConfig(dir, (c) => {
    t.is(c.notify.smtp.secure, null)
    c.notify.smtp.port = 465
  })
  t.true((await readConfig(path)).notify.smtp.secure)
})

test('init --announce (repeatable) and --public-url are what network.json publishes', async (t) => {
  const announce = ['/dns4/lienthong.example.gov.vn/tcp/7401', '/ip4/203.0.113.7/tcp/7401']
  const dir = await initialised(t, '--listen', '/ip4/127.0.0.1/tcp/0', '--announce', announce[0] ?? '', '--announce', announce[1] ?? '', '--public-url', 'https://lienthong.example.gov.vn')
  const network = parseNetworkFile(JSON.parse(await readFile(join(dir, 'network.json'), 'utf8')))
  t.deepEqual(network.coordinator.addresses, announce.map((a) => `${a}/p2p/${network.coordinator.peerId}`))
  t.is(network.coordinator.http, 'https://lienthong.example.gov.vn')
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { announce: string[], publicUrl: string }
  t.deepEqual(config.announce, announce)
  t.is(config.publicUrl, 'https://lienthong.example.gov.vn')

  const help = await runCli(['init', '--help'])
  t.regex(help.stdout, /--announce MULTIADDR/)
  const bad = await runCli(['init', '--data', join(dir, '..', 'other'), '--announce', 'lienthong.example.gov.vn:7401'])
  t.is(bad.code, 1)
  t.regex(bad.stderr, /announce\.0.*\[config-invalid\]/)
})
