import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ExecutionContext } from 'ava'
import { generateNodeKey, peerIdFromPublicKeyBytes, type NodeKey } from '@lienthong/crypto'
import { LienthongError } from '@lienthong/errors'
import { createHost, type Host } from '@lienthong/protocol'
import { RegistryWriter, type NodeAdmitOp, type RegistryOp } from '@lienthong/registry'
import { openDatabase, type Database } from '@lienthong/store'
import { createRegistrySync, RegistryReplica, type RegistryAlarm, type RegistrySync } from '../../src/sync/index.js'

export const NETWORK = 'lienthong-test'
export const T0 = 1_750_000_000_000

/** A fresh temp folder, removed when the test ends (registered first, so it runs last). */
export async function tempDir (t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-sync-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** A database in `dir` (or a new temp folder), closed when the test ends. */
export async function tempDb (t: ExecutionContext, dir?: string): Promise<Database> {
  const db = await openDatabase(join(dir ?? await tempDir(t), 'db'))
  t.teardown(async () => { await db.close() })
  return db
}

/** A writer on a fixed clock (1 s per entry from T0): the same ops give the same signed bytes. */
export function fixedWriter (key: NodeKey): RegistryWriter {
  let now = T0
  return RegistryWriter.genesis(key, { network: NETWORK, at: T0, now: () => (now += 1000) })
}

/** `count` org.create ops with national codes `VVV.ZZ.01.H29` from `start`. */
export function orgOps (start: number, count: number): RegistryOp[] {
  return Array.from({ length: count }, (_, i) => {
    const n = start + i
    const code = `${String(1 + Math.floor(n / 100)).padStart(3, '0')}.${String(n % 100).padStart(2, '0')}.01.H29`
    return { type: 'org.create' as const, code, name: `Đơn vị ${n}` }
  })
}

export function admitOp (key: NodeKey, orgs: string[]): NodeAdmitOp {
  return {
    type: 'node.admit',
    peerId: peerIdFromPublicKeyBytes(key.publicKey),
    publicKey: key.publicKey,
    sealingPublicKey: key.sealingPublicKey,
    addresses: ['/ip4/127.0.0.1/tcp/4001'],
    orgs,
    contacts: { email: ['ops@example.gov.vn'], phone: ['+84 24 0000 0000'] }
  }
}

/** A running sync node: host on 127.0.0.1:0, LevelDB in `dir`, replica and sync service. */
export interface SyncNode {
  key: NodeKey
  host: Host
  db: Database
  replica: RegistryReplica
  sync: RegistrySync
  address: string
  /** Stop sync, host and database (idempotent); also run at teardown. */
  stop: () => Promise<void>
}

export interface SyncNodeInit {
  coordinatorKey: NodeKey
  /** This node is the coordinator (signs checkpoints). */
  coordinator?: boolean
  key?: NodeKey
  dir?: string
  antiEntropyIntervalMs?: number
  checkpointIntervalMs?: number
  syncPeers?: (peerId: string) => boolean
}

export async function startNode (t: ExecutionContext, init: SyncNodeInit): Promise<SyncNode> {
  const dir = init.dir ?? await tempDir(t)
  const key = init.key ?? (init.coordinator === true ? init.coordinatorKey : generateNodeKey())
  const db = await openDatabase(join(dir, 'db'))
  const replica = await RegistryReplica.open({ db, coordinatorKey: init.coordinatorKey.publicKey, network: NETWORK })
  const host = await createHost({ key, listen: ['/ip4/127.0.0.1/tcp/0'] })
  const sync = createRegistrySync({
    host,
    replica,
    ...(init.coordinator === true ? { coordinatorKey: init.coordinatorKey } : {}),
    ...(init.antiEntropyIntervalMs === undefined ? {} : { antiEntropyIntervalMs: init.antiEntropyIntervalMs }),
    ...(init.checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs: init.checkpointIntervalMs }),
    ...(init.syncPeers === undefined ? {} : { syncPeers: init.syncPeers })
  })
  await sync.start()
  let stopped: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    stopped ??= (async () => {
      await sync.stop()
      await host.stop()
      await db.close()
    })()
    await stopped
  }
  t.teardown(stop)
  const address = host.multiaddrs[0]
  if (address === undefined) throw new Error('host has no address')
  return { key, host, db, replica, sync, address, stop }
}

/** Resolves once `replica.seq >= seq` (at once if it already is); rejects after `timeoutMs`. */
export async function waitForSeq (replica: RegistryReplica, seq: number, timeoutMs = 10_000): Promise<void> {
  if (replica.seq >= seq) return
  const { promise, resolve, reject } = Promise.withResolvers<void>()
  const off = replica.on('applied', e => { if (e.seq >= seq) resolve() })
  const timer = setTimeout(() => { reject(new Error(`seq ${seq} not reached within ${timeoutMs} ms (at ${replica.seq})`)) }, timeoutMs)
  try {
    await promise
  } finally {
    clearTimeout(timer)
    off()
  }
}

/** Resolves with the next alarm of `code`; call before the action that should raise it. */
export async function nextAlarm (replica: RegistryReplica, code: string, timeoutMs = 10_000): Promise<RegistryAlarm> {
  const { promise, resolve, reject } = Promise.withResolvers<RegistryAlarm>()
  const off = replica.on('alarm', a => { if (a.code === code) resolve(a) })
  const timer = setTimeout(() => { reject(new Error(`no ${code} alarm within ${timeoutMs} ms`)) }, timeoutMs)
  try {
    return await promise
  } finally {
    clearTimeout(timer)
    off()
  }
}

/**
 * A Database whose next `batch` fails once `failNext` is set (fault injection around a real
 * LevelDB: everything else goes through).
 */
export function flakyDb (db: Database): Database & { failNext: boolean } {
  const wrapper = {
    failNext: false,
    location: db.location,
    namespace: db.namespace.bind(db),
    close: async () => { await db.close() },
    batch: async (...args: Parameters<Database['batch']>) => {
      if (wrapper.failNext) {
        wrapper.failNext = false
        throw new LienthongError('store-write-failed', 'injected write failure')
      }
      await db.batch(...args)
    }
  }
  return wrapper
}

export function bytesEqual (a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b))
}
