import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ExecutionContext } from 'ava'
import { SMTPServer } from 'smtp-server'
import { generateNodeKey, peerIdFromPublicKeyBytes, type NodeKey } from '@lienthong/crypto'
import {
  ConnectionMonitor, createNotifier, type Alert, type ConnectionMonitorComponents, type HeartbeatReport, type Notifier, type NotifierInit
} from '@lienthong/monitor'
import { RegistryReplica } from '@lienthong/protocol'
import { RegistryWriter, type NodeAdmitOp, type RegistryOp } from '@lienthong/registry'
import { openDatabase, type Database } from '@lienthong/store'

export const NETWORK = 'lienthong-monitor-test'
export const OPERATORS = { emails: ['noc@vpcp.gov.vn'], phones: ['+84 80 40000'] }

/** A fresh temp folder, removed when the test ends (registered first, so it runs last). */
export async function tempDir (t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-monitor-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** A node admitted to the registry, with its contacts. */
export interface TestNode {
  key: NodeKey
  peerId: string
  org: string
  email: string
  phone: string
}

function admitOp (node: TestNode): NodeAdmitOp {
  return {
    type: 'node.admit',
    peerId: node.peerId,
    publicKey: node.key.publicKey,
    sealingPublicKey: node.key.sealingPublicKey,
    addresses: ['/ip4/127.0.0.1/tcp/4001'],
    orgs: [node.org],
    contacts: { email: [node.email], phone: [node.phone] }
  }
}

/** The coordinator side: a temp LevelDB holding a real registry replica with `count` admitted nodes. */
export interface Fixture {
  dir: string
  db: Database
  coordinatorKey: NodeKey
  replica: RegistryReplica
  nodes: TestNode[]
  /** Append ops as the coordinator does (signed, persisted, applied). */
  append: (ops: RegistryOp[]) => Promise<void>
}

export async function fixture (t: ExecutionContext, count = 1): Promise<Fixture> {
  const dir = await tempDir(t)
  const db = await openDatabase(join(dir, 'db'))
  t.teardown(async () => { await db.close() })
  const coordinatorKey = generateNodeKey()
  const nodes = Array.from({ length: count }, (_, i): TestNode => {
    const key = generateNodeKey()
    return { key, peerId: peerIdFromPublicKeyBytes(key.publicKey), org: `000.00.${String(10 + i)}.H29`, email: `vanthu${i}@hanoi.gov.vn`, phone: `+84 24 3825 ${String(1000 + i)}` }
  })
  // The registry is built by a writer (genesis, units, admissions) and applied into the replica.
  const writer = RegistryWriter.genesis(coordinatorKey, { network: NETWORK })
  writer.appendOps(nodes.map((n, i) => ({ type: 'org.create' as const, code: n.org, name: `Sở Nội vụ số ${i} Hà Nội` })), { actor: 'admin' })
  for (const node of nodes) writer.appendOp(admitOp(node), { actor: 'admin' })
  const replica = await RegistryReplica.open({ db, coordinatorKey: coordinatorKey.publicKey, network: NETWORK })
  await replica.apply(writer.registry.entriesAfter(-1, 1000))
  const append = async (ops: RegistryOp[]): Promise<void> => { await replica.append(coordinatorKey, ops, { actor: 'admin' }) }
  return { dir, db, coordinatorKey, replica, nodes, append }
}

/** A heartbeat report as a node would send it. */
export function report (registrySeq: number, addresses: string[] = ['/ip4/127.0.0.1/tcp/4001']): HeartbeatReport {
  return {
    version: '0.1.0',
    sentAt: Date.now(),
    addresses,
    registrySeq,
    queues: { queued: 3, delivered: 40, failed: 1, inboxUnacked: 2 },
    counters: { sent: 44, received: 12, refused: 0 }
  }
}

/** A message the SMTP server accepted. */
export interface ReceivedMail {
  to: string[]
  /** The decoded plain-text body. */
  text: string
}

/** Decode the text body of a simple single-part message (base64 or quoted-printable, as nodemailer picks). */
function bodyText (raw: string): string {
  const split = raw.indexOf('\r\n\r\n')
  const headers = raw.slice(0, split)
  const body = raw.slice(split + 4)
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase()
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8')
  if (encoding !== 'quoted-printable') return body
  const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`)
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'))
}

/** A real SMTP server on 127.0.0.1 (port 0) collecting messages; `failNext` refuses that many with 451. */
export interface SmtpSink {
  port: number
  messages: ReceivedMail[]
  failNext: number
  refused: number
}

export async function startSmtp (t: ExecutionContext, failNext = 0): Promise<SmtpSink> {
  const sink: SmtpSink = { port: 0, messages: [], failNext, refused: 0 }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onData (stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => { chunks.push(chunk) })
      stream.on('end', () => {
        if (sink.failNext > 0) {
          sink.failNext--
          sink.refused++
          callback(Object.assign(new Error('mailbox busy, try later'), { responseCode: 451 }))
          return
        }
        sink.messages.push({ to: session.envelope.rcptTo.map(r => r.address), text: bodyText(Buffer.concat(chunks).toString('utf8')) })
        callback()
      })
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { resolve() })
  })
  sink.port = (server.server.address() as AddressInfo).port
  t.teardown(async () => { await new Promise<void>(resolve => { server.close(() => { resolve() }) }) })
  return sink
}

/** A local HTTP SMS gateway: records every request and answers with the next queued status (200 when none). */
export interface SmsSink {
  url: string
  requests: Array<{ to: string, text: string, status: number }>
  statuses: number[]
}

export async function startSmsSink (t: ExecutionContext, statuses: number[] = []): Promise<SmsSink> {
  const sink: SmsSink = { url: '', requests: [], statuses }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => { chunks.push(chunk) })
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string, text: string }
      const status = sink.statuses.shift() ?? 200
      sink.requests.push({ to: body.to, text: body.text, status })
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', () => { resolve() }) })
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms?key=secret`
  t.teardown(async () => {
    server.closeAllConnections()
    await new Promise<void>(resolve => { server.close(() => { resolve() }) })
  })
  return sink
}

/** A notifier on the test sinks, retrying fast. */
export function testNotifier (t: ExecutionContext, smtp: SmtpSink | null, sms: SmsSink | null, init: NotifierInit = {}): Notifier {
  const notifier = createNotifier({
    smtp: smtp === null ? null : { host: '127.0.0.1', port: smtp.port, secure: false, from: 'lienthong@vpcp.gov.vn' },
    sms: sms === null ? null : { url: sms.url },
    retry: { initialDelayMs: 50, maxDelayMs: 200, maxAgeMs: 60_000 },
    timeoutMs: 5000,
    ...init
  })
  t.teardown(async () => { await notifier.close() })
  return notifier
}

/**
 * Timing of the alert tests: a threshold of two and a half heartbeat intervals. Sending takes a
 * few hundred ms (the test SMTP server alone waits 100 ms before its greeting) and up to a second
 * on a busy 2-core box: the interval leaves room for that.
 */
export const HEARTBEAT_MS = 2000
export const OFFLINE_AFTER_MS = 5000

/** The alert once every one of its notifications was sent (and there is at least one). */
export function allSent (alert: Alert | undefined): Alert | undefined {
  return alert !== undefined && alert.notifications.length > 0 && alert.notifications.every(n => n.status === 'sent') ? alert : undefined
}

/** A monitor at the alert-test timing that notifies through a real SMTP server and SMS sink started for the test. */
export async function startAlertingMonitor (t: ExecutionContext, fx: Fixture): Promise<{ monitor: ConnectionMonitor, smtp: SmtpSink, sms: SmsSink }> {
  const smtp = await startSmtp(t)
  const sms = await startSmsSink(t)
  const monitor = await startMonitor(t, {
    replica: fx.replica, db: fx.db, notifier: testNotifier(t, smtp, sms),
    offlineAfterMs: OFFLINE_AFTER_MS, heartbeatIntervalMs: HEARTBEAT_MS, operators: OPERATORS
  })
  return { monitor, smtp, sms }
}

/** A started monitor, stopped when the test ends. */
export async function startMonitor (t: ExecutionContext, components: ConnectionMonitorComponents): Promise<ConnectionMonitor> {
  const monitor = new ConnectionMonitor(components)
  await monitor.start()
  t.teardown(async () => { await monitor.stop() })
  return monitor
}

/**
 * Resolves once `check()` holds, evaluated now and after every monitor event (and every registry
 * change when `replica` is given); rejects after `timeoutMs` (a bound, not a synchronisation sleep).
 */
export async function until<T> (monitor: ConnectionMonitor, check: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number, replica?: RegistryReplica } = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000
  const { promise, resolve, reject } = Promise.withResolvers<T>()
  let busy = false
  let again = false
  const evaluate = (): void => {
    if (busy) { again = true; return }
    busy = true
    void (async () => {
      try {
        do {
          again = false
          const value = await check()
          if (value !== undefined) { resolve(value); return }
        } while (again)
      } catch (err) {
        reject(err)
      } finally {
        busy = false
      }
    })()
  }
  const offs = (['alert', 'notification', 'status', 'addresses'] as const).map(type => monitor.on(type, evaluate))
  if (options.replica !== undefined) offs.push(options.replica.on('applied', evaluate))
  const timer = setTimeout(() => { reject(new Error(`condition not met within ${timeoutMs} ms`)) }, timeoutMs)
  evaluate()
  try {
    return await promise
  } finally {
    clearTimeout(timer)
    for (const off of offs) off()
  }
}

/** A node's heartbeat loop straight into `recordHeartbeat` (the node's behaviour, not a wait). */
export interface HeartbeatLoop {
  stop: () => void
  /** Resolves once `n` heartbeats have been recorded (bounded by `timeoutMs`). */
  reached: (n: number, timeoutMs?: number) => Promise<void>
}

export function heartbeatLoop (monitor: ConnectionMonitor, peerId: string, intervalMs: number, registrySeq: () => number): HeartbeatLoop {
  let count = 0
  const waiters: Array<{ n: number, resolve: () => void }> = []
  const beat = (): void => {
    monitor.recordHeartbeat(peerId, report(registrySeq())).then(() => {
      count++
      for (const w of waiters.filter(w => count >= w.n)) w.resolve()
    }, () => {})
  }
  beat()
  const timer = setInterval(beat, intervalMs)
  return {
    stop: () => { clearInterval(timer) },
    reached: async (n, timeoutMs = 10_000) => {
      if (count >= n) return
      const { promise, resolve, reject } = Promise.withResolvers<void>()
      waiters.push({ n, resolve })
      const timeout = setTimeout(() => { reject(new Error(`${n} heartbeats not recorded within ${timeoutMs} ms`)) }, timeoutMs)
      try {
        await promise
      } finally {
        clearTimeout(timeout)
      }
    }
  }
}
