import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { LienthongError } from '@lienthong/errors'
import { Level } from 'level'
import { NAMESPACE, SCHEMA_KEY, SCHEMA_VERSION, type NamespaceName } from './constants.js'
import { isArray } from './codec.js'
import { StoreErrorCode } from './errors.js'
import { forNative, prefixed } from './transient.js'

type RootLevel = Level<Uint8Array, Uint8Array>

function createNamespace (root: RootLevel, name: NamespaceName) {
  return root.sublevel<Uint8Array, Uint8Array>(name, { keyEncoding: 'view', valueEncoding: 'view' })
}

/**
 * A prefixed namespace of the database: a level sublevel with Uint8Array keys and
 * values. Read from it directly (`get`, `iterator`, ...); write through
 * {@link Database.batch} so writes to several namespaces stay atomic.
 */
export type Namespace = ReturnType<typeof createNamespace>

const NO_BYTES = new Uint8Array(0)

/**
 * LevelDB's memtable size (its default is 4 MiB). Every memtable becomes a level-0 file, and each
 * level-0 compaction rewrites the level-1 files its key range overlaps: with the namespaces written
 * side by side, that is most of level 1 each time. Four times fewer level-0 files measured, at full
 * 1 KiB load, ≈ 15 µs less CPU per envelope on the sender and ≈ 30 µs on the receiver (compaction
 * thread: 38–42 → 23–29 and 48–57 → 22 µs). The cost is memory under write load only: up to two
 * memtables (the one written, the one being flushed), so ≤ 32 MiB where the default needs ≤ 8.
 */
const WRITE_BUFFER_BYTES = 16 * 1024 * 1024

/** The bytes LevelDB puts before every key of `namespace`. */
export function namespacePrefix (namespace: Namespace): Uint8Array {
  return namespace.prefixKey(NO_BYTES, 'view')
}

/**
 * `namespace.getMany(keys)`, read on the root with the keys prefixed here into transient bytes
 * (the sublevel would give each prefixed key an array of its own).
 */
export async function getManyIn (namespace: Namespace, keys: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
  const prefix = namespacePrefix(namespace)
  return await namespace.db.getMany(keys.map(key => prefixed(prefix, key)))
}

/** One write of a {@link Database.batch}. */
export type BatchOp =
  | { type: 'put', namespace: Namespace, key: Uint8Array, value: Uint8Array }
  | { type: 'del', namespace: Namespace, key: Uint8Array }

/** Options of {@link Database.batch}. */
export interface BatchOptions {
  /** fsync before resolving. Default true: a resolved write survives a crash. */
  sync?: boolean
}

/** Anything that writes batches: a {@link Database}, or a wrapper around one. */
export interface BatchWriter {
  batch(ops: readonly BatchOp[], options?: BatchOptions): Promise<void>
}

/** The one LevelDB of a node, split into namespaces (see constants.ts for the key layout). */
export interface Database extends BatchWriter {
  /** Absolute path of the LevelDB folder. */
  readonly location: string
  /** The namespace with this name (the same object on every call). */
  namespace(name: NamespaceName): Namespace
  /**
   * Write all ops atomically in one LevelDB batch: either every op lands or none.
   * Throws TypeError for a malformed op (before anything is written),
   * `store-write-failed` for a LevelDB failure, `store-closed` after close().
   */
  batch(ops: readonly BatchOp[], options?: BatchOptions): Promise<void>
  /** Close LevelDB and release the folder lock. Idempotent. */
  close(): Promise<void>
}

function levelCode (err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined
  return typeof err.code === 'string' ? err.code : undefined
}

function levelCause (err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'cause' in err ? err.cause : undefined
}

class LevelDatabase implements Database {
  readonly location: string
  readonly #root: RootLevel
  readonly #namespaces = new Map<NamespaceName, Namespace>()
  // The key prefix of each namespace of this database.
  readonly #prefixes = new Map<Namespace, Uint8Array>()

  constructor (location: string, root: RootLevel) {
    this.location = location
    this.#root = root
  }

  namespace (name: NamespaceName): Namespace {
    let ns = this.#namespaces.get(name)
    if (ns === undefined) {
      if (!(Object.values(NAMESPACE) as string[]).includes(name)) throw new TypeError(`unknown namespace: ${String(name)}`)
      ns = createNamespace(this.#root, name)
      this.#namespaces.set(name, ns)
      this.#prefixes.set(ns, namespacePrefix(ns))
    }
    return ns
  }

  async batch (ops: readonly BatchOp[], options: BatchOptions = {}): Promise<void> {
    if (!isArray(ops)) throw new TypeError('ops must be an array')
    if (this.#root.status !== 'open') {
      throw new LienthongError(StoreErrorCode.CLOSED, 'database is closed', { location: this.location })
    }
    const levelOps = ops.map((op, index) => this.#toLevelOp(op, index))
    if (levelOps.length === 0) return
    // A chained batch on the root with keys prefixed here: the same atomic LevelDB write as
    // `root.batch(array)`, at a fifth of its main-thread cost per op (the array form clones and
    // re-encodes every op through its sublevel). Still abstract-level's public API, so close()
    // waits for a write in progress.
    let batch: ReturnType<RootLevel['batch']> | undefined
    try {
      batch = this.#root.batch()
      for (const op of levelOps) {
        if (op.value === undefined) batch.del(op.key)
        else batch.put(op.key, op.value)
      }
      await batch.write({ sync: options.sync ?? true })
    } catch (err) {
      await batch?.close().catch(() => {}) // closes itself once written; not if a put threw
      const code = levelCode(err)
      if (code === 'LEVEL_DATABASE_NOT_OPEN') {
        throw new LienthongError(StoreErrorCode.CLOSED, 'database is closed', { location: this.location }, { cause: err })
      }
      throw new LienthongError(StoreErrorCode.WRITE_FAILED, 'database write failed',
        { location: this.location, levelCode: code ?? null, ops: levelOps.length }, { cause: err })
    }
  }

  // Keys prefixed here and small values copied, into transient bytes (see transient.ts): the
  // binding copies both at once, and arrays of their own cost a malloc or a move off V8's heap each.
  #toLevelOp (op: BatchOp, index: number): { key: Uint8Array, value: Uint8Array | undefined } {
    if (typeof op !== 'object' || op === null) throw new TypeError(`op ${index} is not an object`)
    const prefix = this.#prefixes.get(op.namespace)
    if (prefix === undefined) throw new TypeError(`op ${index}: namespace is not one of this database`)
    if (!(op.key instanceof Uint8Array)) throw new TypeError(`op ${index}: key must be a Uint8Array`)
    if (op.type === 'put') {
      if (!(op.value instanceof Uint8Array)) throw new TypeError(`op ${index}: value must be a Uint8Array`)
      return { key: prefixed(prefix, op.key), value: forNative(op.value) }
    }
    if (op.type === 'del') return { key: prefixed(prefix, op.key), value: undefined }
    throw new TypeError(`op ${index}: type must be 'put' or 'del'`)
  }

  async close (): Promise<void> {
    await this.#root.close()
  }
}

async function checkSchema (db: Database): Promise<void> {
  const meta = db.namespace(NAMESPACE.META)
  const key = new TextEncoder().encode(SCHEMA_KEY)
  const stored = await meta.get(key)
  if (stored === undefined) {
    const value = new Uint8Array(4)
    new DataView(value.buffer).setUint32(0, SCHEMA_VERSION)
    await db.batch([{ type: 'put', namespace: meta, key, value }], { sync: true })
    return
  }
  const version = stored.length === 4 ? new DataView(stored.buffer, stored.byteOffset, 4).getUint32(0) : -1
  if (version !== SCHEMA_VERSION) {
    throw new LienthongError(StoreErrorCode.SCHEMA_UNSUPPORTED, 'data folder uses an unsupported key layout',
      { location: db.location, version, supported: SCHEMA_VERSION })
  }
}

/**
 * Open (creating if needed) the LevelDB at `path`: the folder LevelDB owns, e.g.
 * `<data folder>/db`. Throws `store-locked` when another process (or another open
 * in this process) holds it, `store-corrupt` when LevelDB reports corruption,
 * `store-schema-unsupported` for an unknown key layout, `store-open-failed` otherwise.
 */
export async function openDatabase (path: string): Promise<Database> {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string')
  const location = resolve(path)
  try {
    await mkdir(location, { recursive: true })
  } catch (err) {
    throw new LienthongError(StoreErrorCode.OPEN_FAILED, 'cannot create the database folder',
      { location, reason: levelCode(err) ?? null }, { cause: err })
  }
  const root: RootLevel = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view', writeBufferSize: WRITE_BUFFER_BYTES })
  try {
    await root.open()
  } catch (err) {
    const cause = levelCode(levelCause(err))
    if (cause === 'LEVEL_LOCKED') {
      throw new LienthongError(StoreErrorCode.LOCKED, 'data folder is in use by another process', { location }, { cause: err })
    }
    if (cause === 'LEVEL_CORRUPTION') {
      throw new LienthongError(StoreErrorCode.CORRUPT, 'LevelDB reports corruption', { location, reason: 'leveldb-corruption' }, { cause: err })
    }
    throw new LienthongError(StoreErrorCode.OPEN_FAILED, 'cannot open the database',
      { location, levelCode: cause ?? levelCode(err) ?? null }, { cause: err })
  }
  const db = new LevelDatabase(location, root)
  try {
    await checkSchema(db)
  } catch (err) {
    await db.close()
    throw err
  }
  return db
}
