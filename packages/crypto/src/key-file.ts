import { createPrivateKey, randomBytes } from 'node:crypto'
import {
  closeSync, fchmodSync, fstatSync, fsyncSync, linkSync, lstatSync, openSync, readFileSync, renameSync,
  unlinkSync, writeFileSync
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { LienthongError } from '@lienthong/errors'
import { ED25519_PKCS8_PREFIX, ED25519_SEED_LENGTH, SECRET_FILE_MAX_BYTES, SECRET_FILE_MODE } from './constants.js'
import { CryptoErrorCode } from './errors.js'
import { nodeKeyFromSeed, type NodeKey } from './keys.js'

/** Options of `writeKeyFile` and `writeSecretFile`. */
export interface SecretFileWriteOptions {
  /** Replace an existing file (default false: refuse with `key-file-exists`). */
  overwrite?: boolean
}

const PEM_LABEL = 'PRIVATE KEY'
const PEM_BEGIN = `-----BEGIN ${PEM_LABEL}-----`
const PEM_END = `-----END ${PEM_LABEL}-----`

/**
 * Write a node key as a standard PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, ed25519, RFC 8410), so
 * `openssl pkey -in <path>` reads it. The file is created with mode 0600, atomically (temporary
 * file in the same folder, fsync, rename), and an existing file is refused with `key-file-exists`
 * unless `overwrite` is set.
 */
export function writeKeyFile (path: string, key: NodeKey, options: SecretFileWriteOptions = {}): void {
  if (!(key?.seed instanceof Uint8Array) || key.seed.length !== ED25519_SEED_LENGTH) throw new TypeError('key must be a NodeKey')
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, key.seed])
  const pem = Buffer.from(`${PEM_BEGIN}\n${der.toString('base64')}\n${PEM_END}\n`, 'latin1')
  try {
    writeSecret('key file', path, pem, options)
  } finally {
    der.fill(0)
    pem.fill(0)
  }
}

/**
 * Read a node key written by `writeKeyFile` (or by `openssl genpkey -algorithm ed25519`). Refuses
 * a missing file (`key-file-missing`), a file that group or others may access
 * (`key-file-permissions`) and anything but an unencrypted ed25519 PKCS#8 PEM (`key-file-malformed`).
 */
export function readKeyFile (path: string): NodeKey {
  const bytes = readSecret('key file', path)
  try {
    const text = bytes.toString('latin1')
    const begins = text.split('-----BEGIN ').length - 1
    if (begins !== 1 || !text.includes(PEM_BEGIN) || !text.includes(PEM_END)) {
      throw malformed('key file', path, 'not a PKCS#8 "PRIVATE KEY" PEM')
    }
    let seed: Uint8Array
    try {
      const key = createPrivateKey({ key: text, format: 'pem' })
      if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519')
      const d = key.export({ format: 'jwk' }).d
      if (d === undefined) throw new Error('no private part')
      seed = new Uint8Array(Buffer.from(d, 'base64url'))
    } catch {
      throw malformed('key file', path, 'not an ed25519 private key')
    }
    if (seed.length !== ED25519_SEED_LENGTH) throw malformed('key file', path, 'not an ed25519 private key')
    const key = nodeKeyFromSeed(seed)
    seed.fill(0)
    return key
  } finally {
    bytes.fill(0)
  }
}

/**
 * Write a secret (an API token, say) as UTF-8 text with the same rules as a key file: mode 0600,
 * atomic, no overwrite unless asked. Errors carry the `key-file-*` codes.
 */
export function writeSecretFile (path: string, text: string, options: SecretFileWriteOptions = {}): void {
  if (typeof text !== 'string') throw new TypeError('text must be a string')
  const bytes = Buffer.from(text, 'utf8')
  try {
    writeSecret('secret file', path, bytes, options)
  } finally {
    bytes.fill(0)
  }
}

/**
 * Read a secret file's text exactly as written (no trimming). Same refusals as `readKeyFile`;
 * `key-file-malformed` when it is not UTF-8 text.
 */
export function readSecretFile (path: string): string {
  const bytes = readSecret('secret file', path)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw malformed('secret file', path, 'not UTF-8 text')
  } finally {
    bytes.fill(0)
  }
}

function malformed (what: string, path: string, reason: string): LienthongError {
  return new LienthongError(CryptoErrorCode.KEY_FILE_MALFORMED, `${what} ${path}: ${reason}`, { path, reason })
}

function errnoCode (err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined
}

function readSecret (what: string, path: string): Buffer {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string')
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') {
      throw new LienthongError(CryptoErrorCode.KEY_FILE_MISSING, `${what} ${path} does not exist`, { path }, { cause: err })
    }
    throw err
  }
  try {
    // fstat on the open descriptor: the mode checked is the mode of the file that is read.
    const stat = fstatSync(fd)
    if (!stat.isFile()) throw malformed(what, path, 'not a regular file')
    // POSIX modes mean nothing on Windows, where access is governed by ACLs.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0')
      throw new LienthongError(
        CryptoErrorCode.KEY_FILE_PERMISSIONS,
        `${what} ${path} is accessible by group or others (mode ${mode}); run: chmod 600 ${path}`,
        { path, mode }
      )
    }
    if (stat.size > SECRET_FILE_MAX_BYTES) throw malformed(what, path, 'too large')
    return readFileSync(fd)
  } finally {
    closeSync(fd)
  }
}

function exists (path: string): boolean {
  try {
    lstatSync(path)
    return true
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false
    throw err
  }
}

function writeSecret (what: string, path: string, data: Uint8Array, options: SecretFileWriteOptions): void {
  if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string')
  const overwrite = options.overwrite === true
  const existsError = (): LienthongError =>
    new LienthongError(CryptoErrorCode.KEY_FILE_EXISTS, `${what} ${path} already exists; refusing to overwrite it`, { path })
  if (!overwrite && exists(path)) throw existsError()

  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  // 'wx' = O_CREAT | O_EXCL: the temporary file is ours, created 0600 (the umask can only remove bits).
  const fd = openSync(temp, 'wx', SECRET_FILE_MODE)
  try {
    try {
      fchmodSync(fd, SECRET_FILE_MODE)
      writeFileSync(fd, data)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    if (overwrite) {
      renameSync(temp, path)
    } else {
      publishNoReplace(temp, path, existsError)
    }
  } catch (err) {
    try { unlinkSync(temp) } catch { /* already renamed or never written */ }
    throw err
  }
  syncDirectory(dir)
}

/** Move `temp` to `path` unless `path` exists, without a window in which another writer could win. */
function publishNoReplace (temp: string, path: string, existsError: () => LienthongError): void {
  try {
    // link() fails with EEXIST atomically, where "check, then rename" would race.
    linkSync(temp, path)
  } catch (err) {
    const code = errnoCode(err)
    if (code === 'EEXIST') throw existsError()
    // Filesystems without hard links: fall back to check-then-rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err
    if (exists(path)) throw existsError()
    renameSync(temp, path)
    return
  }
  unlinkSync(temp)
}

/** fsync the folder so the new directory entry survives a crash (best effort: not every OS allows it). */
function syncDirectory (dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Opening or syncing a directory is refused on some platforms; the file itself is synced.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
