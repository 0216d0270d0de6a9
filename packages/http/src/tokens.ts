import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { readSecretFile, writeSecretFile } from '@lienthong/crypto'
import { LienthongError } from '@lienthong/errors'
import type { MiddlewareHandler } from 'hono'
import { HttpErrorCode } from './errors.js'
import { HttpError } from './problem.js'

/** A token as stored: only its SHA-256 is kept, the token itself is shown once. */
export interface TokenRecord {
  name: string
  role: string
  sha256: string
  createdAt: string
  revokedAt?: string
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/
const TOKEN_PREFIX = 'lt_'

/** A cheap version of the file: modification time and size (a new token always changes the size). */
function mtimeOf (path: string): string {
  if (!existsSync(path)) return 'absent'
  const st = statSync(path)
  return `${st.mtimeMs}:${st.size}`
}

function readRecords (path: string): TokenRecord[] {
  if (!existsSync(path)) return []
  const data = JSON.parse(readSecretFile(path)) as { tokens?: TokenRecord[] }
  return Array.isArray(data.tokens) ? data.tokens : []
}

function hashToken (token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

/**
 * API tokens in a 0600 JSON file next to the data: hashed, named, with a role, revocable.
 * Roles are ordered (e.g. viewer < operator < security < admin); a token satisfies every role
 * up to its own.
 */
export class TokenStore {
  readonly #path: string
  readonly #roles: readonly string[]
  #records: TokenRecord[]
  #mtimeMs: string

  private constructor (path: string, roles: readonly string[], records: TokenRecord[]) {
    this.#path = path
    this.#roles = roles
    this.#records = records
    this.#mtimeMs = mtimeOf(path)
  }

  /** Open (or start) the token file at `path`; refuses a file readable by others. */
  static open (path: string, roles: readonly string[]): TokenStore {
    if (roles.length === 0) throw new TypeError('roles must not be empty')
    return new TokenStore(path, roles, readRecords(path))
  }

  get roles (): readonly string[] { return this.#roles }

  /** Create a token; returns the secret, which is not stored and cannot be shown again. */
  create (name: string, role: string): { token: string, record: TokenRecord } {
    if (!NAME_PATTERN.test(name)) throw new LienthongError('token-bad-name', 'a token name is 1-64 letters, digits, ".", "_", "@" or "-"', { name: name.slice(0, 80) })
    if (!this.#roles.includes(role)) throw new LienthongError('token-bad-role', `role must be one of ${this.#roles.join(', ')}`, { role: role.slice(0, 40) })
    if (this.#records.some((r) => r.name === name && r.revokedAt === undefined)) {
      throw new LienthongError('token-exists', `a token named "${name}" exists; revoke it first or choose another name`, { name })
    }
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url')
    const record: TokenRecord = { name, role, sha256: hashToken(token).toString('hex'), createdAt: new Date().toISOString() }
    this.#records = [...this.#records, record]
    this.#save()
    return { token, record }
  }

  /** Revoke every live token with this name; false when there was none. */
  revoke (name: string): boolean {
    let changed = false
    this.#records = this.#records.map((r) => {
      if (r.name !== name || r.revokedAt !== undefined) return r
      changed = true
      return { ...r, revokedAt: new Date().toISOString() }
    })
    if (changed) this.#save()
    return changed
  }

  list (): readonly TokenRecord[] { return this.#records }

  /** The live record a presented token belongs to (constant-time hash comparison). */
  verify (token: string): TokenRecord | undefined {
    // Another process (`token create`) may have changed the file: reload it when it did.
    const mtime = mtimeOf(this.#path)
    if (mtime !== this.#mtimeMs) {
      this.#records = readRecords(this.#path)
      this.#mtimeMs = mtime
    }
    const presented = hashToken(token)
    let found: TokenRecord | undefined
    for (const record of this.#records) {
      if (record.revokedAt !== undefined) continue
      const stored = Buffer.from(record.sha256, 'hex')
      if (stored.length === presented.length && timingSafeEqual(stored, presented)) found = record
    }
    return found
  }

  /** Does `role` reach `minimum` in the ordering? */
  allows (role: string, minimum: string): boolean {
    const have = this.#roles.indexOf(role)
    const need = this.#roles.indexOf(minimum)
    if (need < 0) throw new TypeError(`unknown role ${minimum}`)
    return have >= need
  }

  #save (): void {
    writeSecretFile(this.#path, JSON.stringify({ tokens: this.#records }, null, 2) + '\n', { overwrite: true })
    this.#mtimeMs = mtimeOf(this.#path)
  }
}

/**
 * Hono middleware: `Authorization: Bearer TOKEN` with at least `minimumRole`. 401 `unauthorized`
 * when missing or unknown, 403 `forbidden` when the role is too low. Sets `c.var.tokenName`.
 */
export function bearerAuth (store: TokenStore, minimumRole: string): MiddlewareHandler<{ Variables: { tokenName: string, tokenRole: string } }> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer ([A-Za-z0-9_\-.~+/=]{8,200})$/.exec(header)
    if (match?.[1] === undefined) {
      c.header('www-authenticate', 'Bearer')
      throw new HttpError(401, HttpErrorCode.UNAUTHORIZED, 'missing or malformed bearer token (Authorization: Bearer TOKEN)')
    }
    const record = store.verify(match[1])
    if (record === undefined) {
      c.header('www-authenticate', 'Bearer error="invalid_token"')
      throw new HttpError(401, HttpErrorCode.UNAUTHORIZED, 'unknown or revoked token')
    }
    if (!store.allows(record.role, minimumRole)) {
      throw new HttpError(403, HttpErrorCode.FORBIDDEN, `this needs the ${minimumRole} role; token "${record.name}" has ${record.role}`, { needed: minimumRole, role: record.role })
    }
    c.set('tokenName', record.name)
    c.set('tokenRole', record.role)
    await next()
  }
}
