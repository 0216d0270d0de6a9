import { open, type FileHandle } from 'node:fs/promises'
import { LienthongError, isLienthongError } from '@lienthong/errors'
import { StoreErrorCode } from './errors.js'

const HEX_HASH = /^[0-9a-f]{64}$/

/** A blob's SHA-256 as 64 lower-case hex characters, or its 32 raw bytes. */
export type BlobHash = string | Uint8Array

/** What a stored blob is: its hash (hex) and length in bytes. */
export interface BlobInfo {
  hash: string
  length: number
}

/** Options of `BlobStore.write`. */
export interface BlobWriteOptions {
  /** Hard bound on the blob's length: more bytes fail with `blob-too-large`. */
  maxBytes: number
  /** Fail with `blob-hash-mismatch` unless the content hashes to this. */
  expectedHash?: BlobHash
  /** Fail with `blob-length-mismatch` unless the content has exactly this many bytes. */
  expectedLength?: number
  /** Record this owner (e.g. `inbox/<id>`) in the same locked step that publishes the blob. */
  owner?: string
}

/** The hex form of a blob hash; TypeError unless it is 32 bytes or 64 hex characters. */
export function blobHashHex (hash: BlobHash): string {
  if (hash instanceof Uint8Array && hash.length === 32) return Buffer.from(hash).toString('hex')
  if (typeof hash === 'string' && HEX_HASH.test(hash.toLowerCase())) return hash.toLowerCase()
  throw new TypeError('hash must be 32 bytes or 64 hex characters')
}

/** Wrap a Node system error (it has `syscall`) as `blob-io-failed`; anything else is returned as is. */
export function ioError (err: unknown, op: string): unknown {
  if (isLienthongError(err) || typeof err !== 'object' || err === null || !('syscall' in err)) return err
  const errno = 'code' in err && typeof err.code === 'string' ? err.code : null
  return new LienthongError(StoreErrorCode.BLOB_IO_FAILED, 'blob file operation failed',
    { op, syscall: String(err.syscall), errno }, { cause: err })
}

/** True for ENOENT. */
export function isMissing (err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT'
}

/** fsync a directory, so a rename inside it survives a crash. */
export async function syncDir (dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Write `bytes[0..length)` fully (FileHandle.write may write less than asked). */
export async function writeAll (handle: FileHandle, bytes: Uint8Array, length: number): Promise<void> {
  let offset = 0
  while (offset < length) {
    const { bytesWritten } = await handle.write(bytes, offset, length - offset)
    offset += bytesWritten
  }
}
