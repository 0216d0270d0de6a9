import { MAX_ALIASES, MAX_MERGE_SOURCES, MAX_SOURCE_REFS } from '../constants.js'
import type {
  OrgCreateOp, OrgKind, OrgMergeOp, OrgRenameOp, OrgRetireOp, OrgSource, OrgUpdateFields, OrgUpdateOp, SourceConfidence
} from '../ops.js'
import {
  badOp, compact, int, oneOf, onlyKeys, optOrgCode, optText, orgCode, orgCodeList, record, text, textList, time, type Raw
} from './fields.js'

const KINDS: readonly OrgKind[] = ['ministry', 'province', 'council', 'agency', 'unit', 'test']
const CONFIDENCES: readonly SourceConfidence[] = ['V', 'C', 'W', 'I']
const NAME = { max: 512 }
const MAX_LEVEL = 9

function source (value: unknown, op: string): OrgSource {
  const raw = record(value, op, 'source')
  onlyKeys(raw, ['confidence', 'refs', 'note'], op, 'source.')
  return compact({
    confidence: oneOf(raw.confidence, CONFIDENCES, op, 'source.confidence'),
    refs: textList(raw.refs, op, 'source.refs', { maxItems: MAX_SOURCE_REFS, max: 1024 }),
    note: optText(raw.note, op, 'source.note', { max: 2048 })
  })
}

function aliases (value: unknown, op: string, field: string): string[] {
  return textList(value, op, field, { maxItems: MAX_ALIASES, ...NAME })
}

export function parseOrgCreate (raw: Raw): OrgCreateOp {
  const op = 'org.create'
  onlyKeys(raw, ['type', 'code', 'name', 'level', 'parent', 'kind', 'validFrom', 'aliases', 'source'], op)
  const code = orgCode(raw.code, op, 'code')
  const parent = optOrgCode(raw.parent, op, 'parent')
  if (parent === code) throw badOp(op, 'parent', 'must not be the code itself')
  return compact({
    type: op,
    code,
    name: text(raw.name, op, 'name', NAME),
    level: raw.level === undefined ? undefined : int(raw.level, op, 'level', 1, MAX_LEVEL),
    parent,
    kind: raw.kind === undefined ? undefined : oneOf(raw.kind, KINDS, op, 'kind'),
    validFrom: raw.validFrom === undefined ? undefined : time(raw.validFrom, op, 'validFrom'),
    aliases: raw.aliases === undefined ? undefined : aliases(raw.aliases, op, 'aliases'),
    source: raw.source === undefined ? undefined : source(raw.source, op)
  })
}

export function parseOrgUpdate (raw: Raw): OrgUpdateOp {
  const op = 'org.update'
  onlyKeys(raw, ['type', 'code', 'fields'], op)
  const code = orgCode(raw.code, op, 'code')
  const f = record(raw.fields, op, 'fields')
  onlyKeys(f, ['level', 'parent', 'kind', 'validFrom', 'aliases', 'source'], op, 'fields.')
  if (Object.keys(f).length === 0) throw badOp(op, 'fields', 'must set at least one field')
  const parent = optOrgCode(f.parent, op, 'fields.parent')
  if (parent === code) throw badOp(op, 'fields.parent', 'must not be the code itself')
  const fields: OrgUpdateFields = compact({
    level: f.level === undefined ? undefined : int(f.level, op, 'fields.level', 1, MAX_LEVEL),
    parent,
    kind: f.kind === undefined ? undefined : oneOf(f.kind, KINDS, op, 'fields.kind'),
    validFrom: f.validFrom === undefined ? undefined : time(f.validFrom, op, 'fields.validFrom'),
    aliases: f.aliases === undefined ? undefined : aliases(f.aliases, op, 'fields.aliases'),
    source: f.source === undefined ? undefined : source(f.source, op)
  })
  return { type: op, code, fields }
}

export function parseOrgRename (raw: Raw): OrgRenameOp {
  const op = 'org.rename'
  onlyKeys(raw, ['type', 'code', 'name'], op)
  return { type: op, code: orgCode(raw.code, op, 'code'), name: text(raw.name, op, 'name', NAME) }
}

export function parseOrgMerge (raw: Raw): OrgMergeOp {
  const op = 'org.merge'
  onlyKeys(raw, ['type', 'from', 'into', 'at', 'name'], op)
  const from = orgCodeList(raw.from, op, 'from', 1, MAX_MERGE_SOURCES)
  const into = orgCode(raw.into, op, 'into')
  if (from.includes(into)) throw badOp(op, 'from', 'must not contain the merge target')
  return compact({
    type: op,
    from,
    into,
    at: raw.at === undefined ? undefined : time(raw.at, op, 'at'),
    name: optText(raw.name, op, 'name', NAME)
  })
}

export function parseOrgRetire (raw: Raw): OrgRetireOp {
  const op = 'org.retire'
  onlyKeys(raw, ['type', 'code', 'successor'], op)
  const code = orgCode(raw.code, op, 'code')
  const successor = optOrgCode(raw.successor, op, 'successor')
  if (successor === code) throw badOp(op, 'successor', 'must not be the code itself')
  return compact({ type: op, code, successor })
}
