/**
 * End to end: the same scripted path as `npm start` (scripts/src/devnet/start.ts, the real CLI
 * processes), in a temp folder, then every claim of its summary checked against the running
 * network, every printed curl line run, Ctrl-C (SIGINT) stopping every process, and a second
 * start reusing the data.
 */
import test, { type ExecutionContext } from 'ava'
import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CoordinatorClient, NodeClient, type OutboxView } from '@lienthong/client'

const run = promisify(execFile)
// The devnet's command line, found through its workspace package (scripts/dist/src/devnet/start.js).
const START = join(fileURLToPath(new URL('.', import.meta.resolve('@lienthong/scripts/package.json'))), 'dist', 'src', 'devnet', 'start.js')

/** The fields of the devnet summary (scripts/src/devnet/summary.ts) this test checks. */
interface Summary {
  dataDir: string
  reused: boolean
  readyMs: number
  coordinator: { url: string, adminToken: string, pid: number }
  nodes: Array<{ name: string, org: string, url: string, token: string, peerId: string, membership: string, pid: number, steps: string[], promotion?: { forced: boolean, reason: string }, rssKiB?: number }>
  promotion: { forced: boolean, reason: string, note: string }
  sample?: { id: string, from: string, to: string[], received: Array<{ org: string, text: string }>, outbox: OutboxView }
  memory: { nodes: number, totalKiB: number }
  curl: Array<{ what: string, command: string, expect: string }>
}

interface Running {
  summary: Summary
  /** Send SIGINT (Ctrl-C) and wait for the devnet to exit; resolves to its exit code. */
  interrupt: () => Promise<number | null>
  exited: Promise<number | null>
}

function alive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch { return false }
}

/** Start the devnet CLI and wait (bounded) for its one-line JSON summary on stdout. */
async function startDevnet (t: ExecutionContext, dir: string, args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [START, '--dir', dir, '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  const exited = new Promise<number | null>((resolve) => { child.once('exit', (code) => { resolve(code) }) })
  t.teardown(async () => {
    // A failed test must not leave processes behind: Ctrl-C, then SIGKILL the devnet and its children.
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGINT')
    const timer = setTimeout(() => { child.kill('SIGKILL') }, 20_000)
    await exited
    clearTimeout(timer)
    const record = await readFile(join(dir, 'run.json'), 'utf8').catch(() => undefined)
    for (const c of record === undefined ? [] : (JSON.parse(record) as { children: Array<{ pid: number }> }).children) if (alive(c.pid)) process.kill(c.pid, 'SIGKILL')
  })
  const summary = await new Promise<Summary>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no summary within 110 s; progress:\n${stderr}`)) }, 110_000)
    createInterface({ input: child.stdout }).once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line) as Summary) })
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`the devnet exited (${code}) before it was ready:\n${stderr}`)) })
  })
  t.log(`ready in ${(summary.readyMs / 1000).toFixed(1)} s (${summary.reused ? 'reused' : 'first run'}); node RSS ${summary.nodes.map((n) => Math.round((n.rssKiB ?? 0) / 1024)).join(', ')} MB`)
  return { summary, exited, interrupt: async () => { child.kill('SIGINT'); return await exited } }
}

async function tempDir (t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-devnet-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function hasCurl (): Promise<boolean> {
  return await run('sh', ['-c', 'command -v curl']).then(() => true, () => false)
}

test.serial('npm start: every node official, the sample delivered with statuses 01 and 06, the curl lines work, Ctrl-C stops everything', async (t) => {
  t.timeout(180_000)
  const dir = await tempDir(t)
  const { summary, interrupt } = await startDevnet(t, dir, ['--ports', 'ephemeral'])
  const coordinator = new CoordinatorClient({ baseUrl: summary.coordinator.url, token: summary.coordinator.adminToken })
  t.false(summary.reused)
  t.deepEqual(summary.nodes.map((n) => n.org), ['000.00.00.G22', '000.00.00.H26', '000.00.00.H29', '000.00.00.H15'])

  // Every node official, as each node and the coordinator's public registry say, through the real workflow.
  const official = (await new CoordinatorClient({ baseUrl: summary.coordinator.url }).nodes({ state: 'official' })).nodes
  for (const n of summary.nodes) {
    t.is(n.membership, 'official')
    t.deepEqual(n.steps, ['join', 'approve', 'promote'], n.name)
    t.is((await new NodeClient({ baseUrl: n.url, token: n.token }).health()).membership, 'official', n.name)
    const record = official.find((o) => o.peerId === n.peerId)
    t.deepEqual(record?.orgs, [n.org])
    t.deepEqual(record?.history.map((h) => h.event), ['admitted', 'promoted'])
    // The summary says how each node was promoted: after its conformance pass, or forced (and says so).
    t.is(record?.history[1]?.reason, n.promotion?.reason, n.name)
    if (n.promotion?.forced === true) t.true(summary.promotion.forced && summary.promotion.note.includes(n.name))
    else t.true((await coordinator.conformance(n.peerId)).passed, `${n.name} passed the conformance exchange`)
  }
  t.is(summary.promotion.forced, summary.nodes.some((n) => n.promotion?.forced === true))
  const joins = (await coordinator.joinRequests()).requests
  t.is(joins.length, 4)
  t.true(joins.every((r) => r.status === 'approved' && r.assessment?.ok === true && r.checklist.security?.ok === true))
  const audit = (await coordinator.audit({ limit: 1000 })).entries.map((e) => e.action)
  t.is(audit.filter((a) => a === 'join.approve').length, 4)
  t.is(audit.filter((a) => a === 'node.promote').length, 4)

  // The sample: delivered to the three provinces, read, acknowledged, statuses 01 and 06 back on G22's outbox.
  const [g22, ...provinces] = summary.nodes
  const sample = summary.sample!
  t.deepEqual(sample.to, provinces.map((p) => p.org))
  const outbox = await new NodeClient({ baseUrl: g22!.url, token: g22!.token }).outbox(sample.id)
  t.is(outbox.deliveries.length, 3)
  t.true(outbox.deliveries.every((d) => d.state === 'delivered' && d.receipt !== null))
  for (const p of provinces) {
    t.deepEqual(outbox.statuses.filter((s) => s.from === p.org).map((s) => s.code), ['01', '06'], p.name)
    const node = new NodeClient({ baseUrl: p.url, token: p.token })
    t.true((await node.inboxEntry(sample.id)).acked)
    const text = await (await node.payload(sample.id)).text()
    t.regex(text, /Văn bản mẫu do 000\.00\.00\.G22 gửi/)
    t.is(sample.received.find((r) => r.org === p.org)?.text, text)
  }
  t.is(summary.memory.nodes, 4)
  t.true(summary.memory.totalKiB > 0)
  const text = await readFile(join(dir, 'summary.txt'), 'utf8')
  for (const n of summary.nodes) t.true(text.includes(n.url) && text.includes(n.token), n.name)

  // Every printed curl line answers JSON with what it promises.
  t.true(summary.curl.length >= 4 && summary.curl.length <= 6)
  if (await hasCurl()) {
    for (const line of summary.curl) {
      const { stdout } = await run('sh', ['-c', line.command])
      const body = JSON.parse(stdout) as Record<string, unknown>
      t.true(line.expect in body, `${line.what}: ${stdout.slice(0, 200)}`)
    }
  } else {
    t.log('curl is not installed: the curl lines were not run')
  }

  // Ctrl-C: every process stops and nothing is left behind.
  t.is(await interrupt(), 0)
  for (const pid of [summary.coordinator.pid, ...summary.nodes.map((n) => n.pid)]) t.false(alive(pid), `pid ${pid} is gone`)
  t.false(existsSync(join(dir, 'run.json')))
})

test.serial('a second npm start reuses the data: same nodes, URLs and tokens, nothing joined again', async (t) => {
  t.timeout(180_000)
  const dir = await tempDir(t)
  const first = await startDevnet(t, dir, ['--base-port', '0', '--no-sample', '--exit'])
  t.is(await first.exited, 0)
  const second = await startDevnet(t, dir, ['--base-port', '0'])
  const again = second.summary
  t.true(again.reused)
  t.deepEqual(again.nodes.map((n) => [n.peerId, n.url, n.token]), first.summary.nodes.map((n) => [n.peerId, n.url, n.token]))
  t.is(again.coordinator.url, first.summary.coordinator.url)
  t.true(again.nodes.every((n) => n.membership === 'official' && n.steps.length === 0))
  const joins = (await new CoordinatorClient({ baseUrl: again.coordinator.url, token: again.coordinator.adminToken }).joinRequests()).requests
  t.is(joins.length, 4, 'no node joined twice')
  t.true(again.sample!.outbox.deliveries.every((d) => d.state === 'delivered'))
  t.is(await second.interrupt(), 0)
  for (const pid of [again.coordinator.pid, ...again.nodes.map((n) => n.pid)]) t.false(alive(pid), `pid ${pid} is gone`)
})
