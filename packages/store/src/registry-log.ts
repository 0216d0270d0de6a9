import { LienthongError, type ErrorMeta } from '@lienthong/errors'
import {
  DEFAULT_FIRST_SEQ, ENTRY_HASH_LENGTH, NAMESPACE, REGISTRY_HEAD_KEY, REGISTRY_HEAD_LENGTH
} from './constants.js'
import type { BatchOp, Database, Namespace } from './database.js'
import { StoreErrorCode } from './errors.js'
import { assertSeq, bytesEqual, decodeSeq, encodeSeq, isArray, view } from './codec.js'

/** A registry log entry as stored: opaque signed bytes, their seq and their 32-byte hash. */
export interface RegistryLogEntry {
  seq: number
  hash: Uint8Array
  bytes: Uint8Array
}

/** The last stored entry. */
export interface RegistryLogHead {
  seq: number
  hash: Uint8Array
}

/** A stored checkpoint: opaque signed bytes covering the log up to `seq`. */
export interface RegistryCheckpoint {
  seq: number
  bytes: Uint8Array
}

/** Options of {@link RegistryLogStore.open}. */
export interface RegistryLogStoreOptions {
  /** Seq the first entry of an empty log must carry. Default {@link DEFAULT_FIRST_SEQ} (1). */
  firstSeq?: number
}

const HEAD_KEY = new TextEncoder().encode(REGISTRY_HEAD_KEY)

function corrupt (reason: string, meta: ErrorMeta = {}): LienthongError {
  return new LienthongError(StoreErrorCode.CORRUPT, 'registry log on disk is inconsistent', { reason, ...meta })
}

function decodeEntry (key: Uint8Array, value: Uint8Array): RegistryLogEntry {
  const seq = decodeSeq(key)
  if (seq === undefined || key.length !== 8 || value.length < ENTRY_HASH_LENGTH) throw corrupt('entry-malformed')
  return { seq, hash: view(value, 0, ENTRY_HASH_LENGTH), bytes: view(value, ENTRY_HASH_LENGTH) }
}

function checkEntry (entry: RegistryLogEntry, index: number): void {
  if (typeof entry !== 'object' || entry === null) throw new TypeError(`entry ${index} is not an object`)
  assertSeq(entry.seq, `entry ${index} seq`)
  if (!(entry.hash instanceof Uint8Array) || entry.hash.length !== ENTRY_HASH_LENGTH) {
    throw new TypeError(`entry ${index} hash must be a ${ENTRY_HASH_LENGTH}-byte Uint8Array`)
  }
  if (!(entry.bytes instanceof Uint8Array)) throw new TypeError(`entry ${index} bytes must be a Uint8Array`)
}

/**
 * Durable storage of the registry log: entries by seq, the head record and
 * checkpoints, in three namespaces of one {@link Database}. Knows nothing of the
 * entries' contents: verification belongs to @lienthong/registry, before append.
 */
export class RegistryLogStore {
  readonly #db: Database
  readonly #entries: Namespace
  readonly #meta: Namespace
  readonly #checkpoints: Namespace
  readonly #firstSeq: number
  #head: RegistryLogHead | undefined
  #checkpoint: RegistryCheckpoint | undefined
  #tail: Promise<void> = Promise.resolve()

  private constructor (db: Database, firstSeq: number) {
    this.#db = db
    this.#entries = db.namespace(NAMESPACE.REGISTRY_LOG_ENTRY)
    this.#meta = db.namespace(NAMESPACE.REGISTRY_LOG_META)
    this.#checkpoints = db.namespace(NAMESPACE.REGISTRY_LOG_CHECKPOINT)
    this.#firstSeq = firstSeq
  }

  /**
   * Load the head and the latest checkpoint, checking that the head entry exists,
   * that its stored hash matches the head record, that no entry lies beyond it and
   * that the latest checkpoint does not either. Throws `store-corrupt` otherwise.
   */
  static async open (db: Database, options: RegistryLogStoreOptions = {}): Promise<RegistryLogStore> {
    const firstSeq = options.firstSeq ?? DEFAULT_FIRST_SEQ
    assertSeq(firstSeq, 'firstSeq')
    const store = new RegistryLogStore(db, firstSeq)
    await store.#load()
    return store
  }

  async #load (): Promise<void> {
    const [lastCheckpoint] = await this.#checkpoints.iterator({ reverse: true, limit: 1 }).all()
    if (lastCheckpoint !== undefined) {
      const seq = decodeSeq(lastCheckpoint[0])
      if (seq === undefined || lastCheckpoint[0].length !== 8) throw corrupt('checkpoint-malformed')
      this.#checkpoint = { seq, bytes: view(lastCheckpoint[1]) }
    }
    const record = await this.#meta.get(HEAD_KEY)
    if (record === undefined) {
      const [anyEntry] = await this.#entries.keys({ limit: 1 }).all()
      if (anyEntry !== undefined) throw corrupt('head-missing', { firstStoredSeq: decodeSeq(anyEntry) ?? null })
      if (this.#checkpoint !== undefined) throw corrupt('checkpoint-beyond-head', { checkpointSeq: this.#checkpoint.seq })
      return
    }
    const seq = decodeSeq(record)
    if (record.length !== REGISTRY_HEAD_LENGTH || seq === undefined) throw corrupt('head-malformed', { length: record.length })
    const hash = view(record, 8)
    const stored = await this.#entries.get(encodeSeq(seq))
    if (stored === undefined) throw corrupt('head-entry-missing', { seq })
    const entry = decodeEntry(encodeSeq(seq), stored)
    if (!bytesEqual(entry.hash, hash)) throw corrupt('head-hash-mismatch', { seq })
    const [beyond] = await this.#entries.keys({ gt: encodeSeq(seq), limit: 1 }).all()
    if (beyond !== undefined) throw corrupt('entries-beyond-head', { seq, beyondSeq: decodeSeq(beyond) ?? null })
    if (this.#checkpoint !== undefined && this.#checkpoint.seq > seq) {
      throw corrupt('checkpoint-beyond-head', { seq, checkpointSeq: this.#checkpoint.seq })
    }
    this.#head = { seq, hash }
  }

  /** The last stored entry's seq and hash, or undefined for an empty log. */
  head (): RegistryLogHead | undefined {
    return this.#head === undefined ? undefined : { seq: this.#head.seq, hash: this.#head.hash.slice() }
  }

  /** The seq the next appended entry must carry. */
  nextSeq (): number {
    return this.#head === undefined ? this.#firstSeq : this.#head.seq + 1
  }

  /** The checkpoint with the highest seq (the most recently stored one on a tie). */
  latestCheckpoint (): RegistryCheckpoint | undefined {
    return this.#checkpoint === undefined ? undefined : { seq: this.#checkpoint.seq, bytes: this.#checkpoint.bytes.slice() }
  }

  /**
   * Append entries (and optionally store a checkpoint) in one synced LevelDB batch:
   * when the promise resolves all of it is on disk, when it rejects none of it is.
   * Entries must continue exactly from {@link nextSeq} with consecutive seqs, else
   * `store-seq-gap` (this covers duplicates too). A checkpoint must not be older than
   * the latest stored one nor beyond the resulting head, else `store-checkpoint-invalid`.
   * Appends are serialised in call order.
   */
  async append (entries: readonly RegistryLogEntry[], checkpoint?: RegistryCheckpoint): Promise<void> {
    if (!isArray(entries)) throw new TypeError('entries must be an array')
    const run = this.#tail.then(() => this.#append(entries, checkpoint))
    this.#tail = run.catch(() => {})
    return run
  }

  async #append (entries: readonly RegistryLogEntry[], checkpoint: RegistryCheckpoint | undefined): Promise<void> {
    entries.forEach(checkEntry)
    const expected = this.nextSeq()
    entries.forEach((entry, index) => {
      if (entry.seq !== expected + index) {
        throw new LienthongError(StoreErrorCode.SEQ_GAP, 'registry entries do not continue from the stored head',
          { expected: expected + index, got: entry.seq, index })
      }
    })
    const last = entries[entries.length - 1]
    const newHead = last === undefined ? this.#head : { seq: last.seq, hash: last.hash.slice() }
    const ops: BatchOp[] = entries.map(entry => {
      const value = new Uint8Array(ENTRY_HASH_LENGTH + entry.bytes.length)
      value.set(entry.hash, 0)
      value.set(entry.bytes, ENTRY_HASH_LENGTH)
      return { type: 'put', namespace: this.#entries, key: encodeSeq(entry.seq), value }
    })
    let newCheckpoint = this.#checkpoint
    if (checkpoint !== undefined) {
      if (typeof checkpoint !== 'object' || checkpoint === null) throw new TypeError('checkpoint must be an object')
      assertSeq(checkpoint.seq, 'checkpoint seq')
      if (!(checkpoint.bytes instanceof Uint8Array)) throw new TypeError('checkpoint bytes must be a Uint8Array')
      const headSeq = newHead?.seq ?? -1
      const latestSeq = this.#checkpoint?.seq ?? -1
      if (checkpoint.seq > headSeq || checkpoint.seq < latestSeq) {
        throw new LienthongError(StoreErrorCode.CHECKPOINT_INVALID, 'checkpoint is older than the latest or beyond the head',
          { seq: checkpoint.seq, headSeq, latestSeq })
      }
      newCheckpoint = { seq: checkpoint.seq, bytes: checkpoint.bytes.slice() }
      ops.push({ type: 'put', namespace: this.#checkpoints, key: encodeSeq(checkpoint.seq), value: newCheckpoint.bytes })
    }
    if (ops.length === 0) return
    if (newHead !== undefined && last !== undefined) {
      const record = new Uint8Array(REGISTRY_HEAD_LENGTH)
      record.set(encodeSeq(newHead.seq), 0)
      record.set(newHead.hash, 8)
      ops.push({ type: 'put', namespace: this.#meta, key: HEAD_KEY, value: record })
    }
    await this.#db.batch(ops, { sync: true })
    this.#head = newHead
    this.#checkpoint = newCheckpoint
  }

  /** Up to `limit` stored entries with seq ≥ `fromSeq`, in seq order. */
  async read (fromSeq: number, limit: number): Promise<RegistryLogEntry[]> {
    assertSeq(fromSeq, 'fromSeq')
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer')
    const rows = await this.#entries.iterator({ gte: encodeSeq(fromSeq), limit }).all()
    return rows.map(([key, value]) => decodeEntry(key, value))
  }

  /** Every stored entry with seq ≥ `fromSeq` (default: all), in seq order, from one snapshot. */
  async * entries (fromSeq = 0): AsyncGenerator<RegistryLogEntry, void, undefined> {
    assertSeq(fromSeq, 'fromSeq')
    for await (const [key, value] of this.#entries.iterator({ gte: encodeSeq(fromSeq) })) {
      yield decodeEntry(key, value)
    }
  }
}
