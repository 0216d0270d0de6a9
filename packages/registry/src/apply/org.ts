import { nationalOrgLevel } from '../codes.js'
import { RegistryErrorCode } from '../errors.js'
import type { OrgCreateOp, OrgMergeOp, OrgRenameOp, OrgRetireOp, OrgSource, OrgUpdateOp } from '../ops.js'
import { compact } from '../parse/fields.js'
import type { EntryContext, OrgHistoryItem, OrgRecord, OrgSourceRecord } from '../types.js'
import { activeOrg, appendUnique, refuse, stamp, targetOrg } from './common.js'
import type { Draft } from './draft.js'

function withHistory (org: OrgRecord, item: OrgHistoryItem, changes: Partial<OrgRecord>): OrgRecord {
  return compact({ ...org, ...changes, updatedSeq: item.seq, history: Object.freeze([...org.history, Object.freeze(item)]) })
}

function sourceRecord (source: OrgSource): OrgSourceRecord {
  return Object.freeze({ ...source, refs: Object.freeze([...source.refs]) })
}

/** A parent, when given, must exist and be active. */
function checkParent (draft: Draft, parent: string | undefined, field: string): void {
  if (parent !== undefined) activeOrg(draft, parent, field)
}

export function applyOrgCreate (draft: Draft, op: OrgCreateOp, ctx: EntryContext): void {
  if (draft.closedCodes.has(op.code)) throw refuse(RegistryErrorCode.CODE_CLOSED, 'a closed code is never reissued', { code: op.code })
  if (draft.orgs.has(op.code)) throw refuse(RegistryErrorCode.ORG_EXISTS, 'an organisation with this code exists', { code: op.code })
  checkParent(draft, op.parent, 'parent')
  draft.putOrg(compact({
    code: op.code,
    name: op.name,
    level: op.level ?? nationalOrgLevel(op.code),
    parent: op.parent,
    kind: op.kind,
    status: 'active',
    validFrom: op.validFrom ?? ctx.at,
    aliases: Object.freeze([...op.aliases ?? []]),
    predecessors: Object.freeze([]),
    source: op.source === undefined ? undefined : sourceRecord(op.source),
    createdSeq: ctx.seq,
    updatedSeq: ctx.seq,
    history: Object.freeze([Object.freeze({ ...stamp(ctx), change: 'created' as const })])
  }))
}

export function applyOrgUpdate (draft: Draft, op: OrgUpdateOp, ctx: EntryContext): void {
  const org = activeOrg(draft, op.code, 'code')
  checkParent(draft, op.fields.parent, 'fields.parent')
  const { aliases, source, ...rest } = op.fields
  const changes: Partial<OrgRecord> = {
    ...rest,
    ...(aliases === undefined ? {} : { aliases: Object.freeze([...aliases]) }),
    ...(source === undefined ? {} : { source: sourceRecord(source) })
  }
  const fields = Object.freeze(Object.keys(op.fields).sort())
  draft.putOrg(withHistory(org, { ...stamp(ctx), change: 'updated', fields }, changes))
}

export function applyOrgRename (draft: Draft, op: OrgRenameOp, ctx: EntryContext): void {
  const org = activeOrg(draft, op.code, 'code')
  const changes = org.name === op.name ? {} : { name: op.name, aliases: appendUnique(org.aliases, [org.name]) }
  draft.putOrg(withHistory(org, { ...stamp(ctx), change: 'renamed', name: org.name }, changes))
}

export function applyOrgMerge (draft: Draft, op: OrgMergeOp, ctx: EntryContext): void {
  const into = targetOrg(draft, op.into, 'into')
  const sources = op.from.map((code, i) => activeOrg(draft, code, `from[${i}]`))
  const validTo = op.at ?? ctx.at
  for (const from of sources) {
    draft.putOrg(withHistory(from, { ...stamp(ctx), change: 'merged-into', successor: into.code }, {
      status: 'retired', successor: into.code, validTo
    }))
    draft.closeCode(from.code)
  }
  const renamed = op.name !== undefined && op.name !== into.name
  const item: OrgHistoryItem = { ...stamp(ctx), change: 'absorbed', from: Object.freeze([...op.from]) }
  if (renamed) item.name = into.name
  draft.putOrg(withHistory(into, item, {
    predecessors: appendUnique(into.predecessors, op.from),
    ...(renamed ? { name: op.name, aliases: appendUnique(into.aliases, [into.name]) } : {})
  }))
}

export function applyOrgRetire (draft: Draft, op: OrgRetireOp, ctx: EntryContext): void {
  const org = activeOrg(draft, op.code, 'code')
  if (op.successor === undefined) {
    // Codes already redirected here would lose their successor: their chain must end at an active unit.
    if (org.predecessors.length > 0) {
      throw refuse(RegistryErrorCode.SUCCESSOR_REQUIRED, 'other codes redirect here, so retiring needs a successor', { code: op.code })
    }
  } else {
    const successor = targetOrg(draft, op.successor, 'successor')
    draft.putOrg(withHistory(successor, { ...stamp(ctx), change: 'absorbed', from: Object.freeze([org.code]) }, {
      predecessors: appendUnique(successor.predecessors, [org.code])
    }))
  }
  const item: OrgHistoryItem = { ...stamp(ctx), change: 'retired' }
  if (op.successor !== undefined) item.successor = op.successor
  draft.putOrg(withHistory(org, item, { status: 'retired', successor: op.successor, validTo: ctx.at }))
  draft.closeCode(org.code)
}
