import { LienthongError, type ErrorMeta } from '@lienthong/errors'
import { RegistryErrorCode } from '../errors.js'
import type { EntryContext, OrgRecord } from '../types.js'
import type { Draft } from './draft.js'

/** A refusal with a stable code. */
export function refuse (code: string, message: string, meta: ErrorMeta = {}): LienthongError {
  return new LienthongError(code, message, meta)
}

/** The context fields copied into a history item (no undefined keys). */
export function stamp (ctx: EntryContext): EntryContext {
  const out: EntryContext = { seq: ctx.seq, at: ctx.at, actor: ctx.actor }
  if (ctx.reason !== undefined) out.reason = ctx.reason
  return out
}

/** An existing organisation, or `registry-unknown-org`. */
export function knownOrg (draft: Draft, code: string, field: string): OrgRecord {
  const org = draft.orgs.get(code)
  if (org === undefined) throw refuse(RegistryErrorCode.UNKNOWN_ORG, 'no organisation with this code', { code, field })
  return org
}

/** An existing, active organisation: `registry-unknown-org` or `registry-code-closed` otherwise. */
export function activeOrg (draft: Draft, code: string, field: string): OrgRecord {
  if (draft.closedCodes.has(code)) throw refuse(RegistryErrorCode.CODE_CLOSED, 'this code is closed', { code, field })
  const org = knownOrg(draft, code, field)
  if (org.status !== 'active') throw refuse(RegistryErrorCode.CODE_CLOSED, 'this code is closed', { code, field })
  return org
}

/** A merge target or successor: known and active, else `registry-unknown-org` / `registry-merge-target-retired`. */
export function targetOrg (draft: Draft, code: string, field: string): OrgRecord {
  const org = knownOrg(draft, code, field)
  if (org.status !== 'active' || draft.closedCodes.has(code)) {
    throw refuse(RegistryErrorCode.MERGE_TARGET_RETIRED, 'the merge target or successor is retired', { code, field })
  }
  return org
}

/** Append to a frozen list without duplicates. */
export function appendUnique (list: readonly string[], items: readonly string[]): readonly string[] {
  const out = [...list]
  for (const item of items) if (!out.includes(item)) out.push(item)
  return Object.freeze(out)
}
