import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { LienthongError } from '@lienthong/errors'
import { BLOB_READ_CHUNK_BYTES, BLOB_TEMP_PREFIX, BLOB_WRITE_BUFFER_BYTES, NAMESPACE } from './constants.js'
import type { BatchOp, Database, Namespace } from './database.js'
import {
  blobHashHex, ioError, isMissing, syncDir, writeAll, type BlobHash, type BlobInfo, type BlobWriteOptions
} from './blob-files.js'
import { BLOB_COLLECT_EVERY_BYTES, StreamCollector } from './blob-collect.js'
import { view } from './codec.js'
import { StoreErrorCode } from './errors.js'
import { KeyedLock } from './keyed-lock.js'
import { assertToken, assertUint, concatBytes, utf8 } from './record-codec.js'

/**
 * Content-addressed files: `<dir>/<hex[0..2]>/<hex[2..]>` by SHA-256. Writes stream
 * through a temp file in `dir` (hashed on the way, fsynced, renamed into place only
 * when hash and length match), so a payload is never held in memory and a crash leaves
 * at most a temp file, removed by {@link sweepTemp} at open. Owners (rows in the `blobs`
 * namespace) keep a blob alive: {@link release} deletes the file with its last owner,
 * and {@link delete} refuses while any owner remains. Publishing, owner changes and
 * deletion of one hash are serialised in this process.
 *
 * @example
 * ```ts
 * const blobs = await BlobStore.open(join(dataDir, 'blobs'), db)
 * const { hash } = await blobs.write(request.body, { maxBytes, owner: `outbox/${id}` })
 * for await (const chunk of blobs.read(hash)) response.write(chunk)
 * await blobs.release(hash, `outbox/${id}`)
 * ```
 */
export class BlobStore {
  /** Absolute path of the blob folder. */
  readonly dir: string
  readonly #owners: Namespace
  readonly #locks = new KeyedLock()
  readonly #activeTemps = new Set<string>()
  readonly #db: Database
  readonly #collector: StreamCollector

  private constructor (dir: string, db: Database, collectEveryBytes: number) {
    this.dir = dir
    this.#owners = db.namespace(NAMESPACE.BLOBS)
    this.#db = db
    this.#collector = new StreamCollector(collectEveryBytes)
  }

  /**
   * Create the folder if needed and remove temp files a crash left behind. `collectEveryBytes`:
   * a young-generation collection every so many bytes written or read, across all blob streams
   * (default 4 MiB; 0 turns it off), so that the garbage of large documents stays small
   * without a node-wide `--max-semi-space-size` (see blob-collect.ts).
   */
  static async open (dir: string, db: Database, options: { collectEveryBytes?: number } = {}): Promise<BlobStore> {
    if (typeof dir !== 'string' || dir === '') throw new TypeError('dir must be a non-empty string')
    const store = new BlobStore(resolve(dir), db, options.collectEveryBytes ?? BLOB_COLLECT_EVERY_BYTES)
    try {
      await mkdir(store.dir, { recursive: true })
    } catch (err) {
      throw ioError(err, 'open')
    }
    await store.sweepTemp()
    return store
  }

  /** How many young-generation collections blob streams ran (see `open`). */
  get collections (): number {
    return this.#collector.collections
  }

  /** Path of the file holding the blob (whether or not it exists). */
  path (hash: BlobHash): string {
    const hex = blobHashHex(hash)
    return join(this.dir, hex.slice(0, 2), hex.slice(2))
  }

  /** Remove temp files of writes that are not in progress; returns how many were removed. */
  async sweepTemp (): Promise<number> {
    let removed = 0
    try {
      for (const name of await readdir(this.dir)) {
        if (!name.startsWith(BLOB_TEMP_PREFIX) || this.#activeTemps.has(name)) continue
        await rm(join(this.dir, name), { force: true })
        removed++
      }
    } catch (err) {
      throw ioError(err, 'sweep')
    }
    return removed
  }

  /**
   * Stream `source` into the store and return its hash and length. Writing content that
   * is already stored is idempotent (the existing file is kept). On any failure — too
   * large, hash or length mismatch, a failing source, a file system error — the temp file
   * is removed and nothing is published; the source's own error is rethrown as is.
   */
  async write (source: AsyncIterable<Uint8Array>, options: BlobWriteOptions): Promise<BlobInfo> {
    if (source == null || typeof (source as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] !== 'function') {
      throw new TypeError('source must be an AsyncIterable<Uint8Array>')
    }
    const { maxBytes, expectedLength, owner } = options
    assertUint(maxBytes, 'maxBytes')
    if (expectedLength !== undefined) assertUint(expectedLength, 'expectedLength')
    if (owner !== undefined) assertToken(owner, 'owner')
    const expectedHash = options.expectedHash === undefined ? undefined : blobHashHex(options.expectedHash)
    if (expectedLength !== undefined && expectedLength > maxBytes) throw this.#tooLarge(expectedLength, maxBytes)

    const name = `${BLOB_TEMP_PREFIX}${randomBytes(12).toString('hex')}`
    const tempPath = join(this.dir, name)
    this.#activeTemps.add(name)
    let handle: FileHandle | undefined
    let fromSource = false
    try {
      handle = await open(tempPath, 'wx', 0o600)
      const hasher = createHash('sha256')
      const buffer = Buffer.allocUnsafe(BLOB_WRITE_BUFFER_BYTES)
      let buffered = 0
      let length = 0
      fromSource = true
      for await (const chunk of source) {
        fromSource = false
        if (!(chunk instanceof Uint8Array)) throw new TypeError('source must yield Uint8Array chunks')
        length += chunk.length
        if (length > maxBytes) throw this.#tooLarge(length, maxBytes)
        if (expectedLength !== undefined && length > expectedLength) throw this.#lengthMismatch(length, expectedLength)
        hasher.update(chunk)
        this.#collector.add(chunk.length)
        if (buffered + chunk.length > buffer.length) {
          await writeAll(handle, buffer, buffered)
          buffered = 0
        }
        if (chunk.length >= buffer.length) {
          await writeAll(handle, chunk, chunk.length)
        } else {
          buffer.set(chunk, buffered)
          buffered += chunk.length
        }
        fromSource = true
      }
      fromSource = false
      await writeAll(handle, buffer, buffered)
      if (expectedLength !== undefined && length !== expectedLength) throw this.#lengthMismatch(length, expectedLength)
      const hash = hasher.digest('hex')
      if (expectedHash !== undefined && hash !== expectedHash) {
        throw new LienthongError(StoreErrorCode.BLOB_HASH_MISMATCH, 'blob content does not match the expected hash', { length })
      }
      await handle.sync()
      await handle.close()
      handle = undefined
      await this.#locks.run(hash, async () => { await this.#publish(tempPath, hash, owner) })
      return { hash, length }
    } catch (err) {
      await handle?.close().catch(() => {})
      await rm(tempPath, { force: true }).catch(() => {})
      throw fromSource ? err : ioError(err, 'write')
    } finally {
      this.#activeTemps.delete(name)
    }
  }

  async #publish (tempPath: string, hash: string, owner: string | undefined): Promise<void> {
    const target = this.path(hash)
    if (await this.#exists(target)) {
      await unlink(tempPath)
    } else {
      const shard = join(this.dir, hash.slice(0, 2))
      await mkdir(shard, { recursive: true })
      await rename(tempPath, target)
      await syncDir(shard)
    }
    if (owner !== undefined) await this.#db.batch([this.#ownerOp('put', hash, owner)], { sync: true })
  }

  /**
   * The blob's content in chunks of up to `chunkBytes` (default 64 KiB), read from the
   * file as it is consumed. Throws `blob-not-found` (on the first `next()`) if it is absent.
   * With `reuse`, every chunk is read into the same buffer: for a consumer that is done with
   * a chunk when it asks for the next one (e.g. a decryptor that copies what it keeps), so a
   * large blob read leaves no chunk-sized garbage behind.
   */
  async * read (hash: BlobHash, chunkBytes = BLOB_READ_CHUNK_BYTES, options: { reuse?: boolean } = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const path = this.path(hash)
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) throw new RangeError('chunkBytes must be a positive integer')
    let handle: FileHandle
    try {
      handle = await open(path, 'r')
    } catch (err) {
      if (isMissing(err)) throw this.#notFound()
      throw ioError(err, 'read')
    }
    try {
      let reused: Buffer | undefined
      while (true) {
        const chunk = options.reuse === true ? (reused ??= Buffer.allocUnsafe(chunkBytes)) : Buffer.allocUnsafe(chunkBytes)
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null).catch(err => { throw ioError(err, 'read') })
        if (bytesRead === 0) return
        this.#collector.add(bytesRead)
        yield view(chunk, 0, bytesRead)
      }
    } finally {
      await handle.close()
    }
  }

  /** Hash and length of a stored blob, or undefined. */
  async stat (hash: BlobHash): Promise<BlobInfo | undefined> {
    const hex = blobHashHex(hash)
    try {
      const info = await stat(this.path(hex))
      return { hash: hex, length: info.size }
    } catch (err) {
      if (isMissing(err)) return undefined
      throw ioError(err, 'stat')
    }
  }

  /** Whether the blob is stored. */
  async has (hash: BlobHash): Promise<boolean> {
    return (await this.stat(hash)) !== undefined
  }

  /** The blob's owners, sorted. */
  async owners (hash: BlobHash): Promise<string[]> {
    const hex = blobHashHex(hash)
    const prefix = Buffer.from(hex, 'hex')
    const keys = await this.#owners.keys({ gt: prefix, lt: concatBytes(prefix, Uint8Array.of(0xff)) }).all()
    return keys.map(k => Buffer.from(k.subarray(32)).toString('utf8'))
  }

  /** Add an owner to a stored blob (idempotent); `blob-not-found` if it is absent. */
  async addOwner (hash: BlobHash, owner: string): Promise<void> {
    const hex = blobHashHex(hash)
    assertToken(owner, 'owner')
    await this.#locks.run(hex, async () => {
      if (!await this.#exists(this.path(hex))) throw this.#notFound()
      await this.#db.batch([this.#ownerOp('put', hex, owner)], { sync: true })
    })
  }

  /**
   * Remove an owner (idempotent) and delete the file if no owner remains. Returns true
   * when this call deleted the file.
   */
  async release (hash: BlobHash, owner: string): Promise<boolean> {
    const hex = blobHashHex(hash)
    assertToken(owner, 'owner')
    return await this.#locks.run(hex, async () => {
      await this.#db.batch([this.#ownerOp('del', hex, owner)], { sync: true })
      if ((await this.owners(hex)).length > 0) return false
      return await this.#unlink(hex)
    })
  }

  /** Delete a blob that has no owner; `blob-in-use` otherwise. Returns false if it was absent. */
  async delete (hash: BlobHash): Promise<boolean> {
    const hex = blobHashHex(hash)
    return await this.#locks.run(hex, async () => {
      const owners = await this.owners(hex)
      if (owners.length > 0) {
        throw new LienthongError(StoreErrorCode.BLOB_IN_USE, 'blob still has owners', { owners: owners.length })
      }
      return await this.#unlink(hex)
    })
  }

  /**
   * Remove what a crash or a broken stream left behind: first every owner `isLive` no longer
   * vouches for (e.g. `inbox/<id>` of an envelope whose payload was stored but which was never
   * accepted), then every file without an owner (a blob written, its owner never recorded).
   * Call at start, before any write or delivery runs: a write in progress owns nothing yet.
   */
  async sweepOrphans (isLive: (owner: string) => Promise<boolean>): Promise<{ released: number, deleted: number }> {
    if (this.#activeTemps.size > 0) throw new TypeError('sweepOrphans must run before any write')
    let released = 0
    // One pass over the owner rows; the hashes that keep a live owner need no query afterwards.
    const owned = new Set<string>()
    for (const key of await this.#owners.keys().all()) {
      if (key.length <= 32) continue
      const hex = Buffer.from(key.subarray(0, 32)).toString('hex')
      if (await isLive(Buffer.from(key.subarray(32)).toString('utf8'))) {
        owned.add(hex)
        continue
      }
      await this.release(hex, Buffer.from(key.subarray(32)).toString('utf8'))
      released++
    }
    let deleted = 0
    for (const hex of await this.#storedHashes()) {
      if (!owned.has(hex) && await this.delete(hex)) deleted++
    }
    return { released, deleted }
  }

  /** The hex hash of every blob file in the shard folders. */
  async #storedHashes (): Promise<string[]> {
    const out: string[] = []
    try {
      for (const shard of await readdir(this.dir)) {
        if (!/^[0-9a-f]{2}$/.test(shard)) continue
        for (const name of await readdir(join(this.dir, shard))) {
          if (/^[0-9a-f]{62}$/.test(name)) out.push(shard + name)
        }
      }
    } catch (err) {
      throw ioError(err, 'sweep')
    }
    return out
  }

  async #unlink (hex: string): Promise<boolean> {
    try {
      await unlink(this.path(hex))
      return true
    } catch (err) {
      if (isMissing(err)) return false
      throw ioError(err, 'delete')
    }
  }

  async #exists (path: string): Promise<boolean> {
    try {
      await stat(path)
      return true
    } catch (err) {
      if (isMissing(err)) return false
      throw ioError(err, 'stat')
    }
  }

  #ownerOp (type: 'put' | 'del', hex: string, owner: string): BatchOp {
    const key = concatBytes(Buffer.from(hex, 'hex'), utf8(owner))
    return type === 'put'
      ? { type, namespace: this.#owners, key, value: new Uint8Array(0) }
      : { type, namespace: this.#owners, key }
  }

  #notFound (): LienthongError {
    return new LienthongError(StoreErrorCode.BLOB_NOT_FOUND, 'no blob with this hash')
  }

  #tooLarge (length: number, maxBytes: number): LienthongError {
    return new LienthongError(StoreErrorCode.BLOB_TOO_LARGE, 'blob exceeds the size limit', { length, maxBytes })
  }

  #lengthMismatch (length: number, expectedLength: number): LienthongError {
    return new LienthongError(StoreErrorCode.BLOB_LENGTH_MISMATCH, 'blob length differs from the expected length',
      { length, expectedLength })
  }
}
