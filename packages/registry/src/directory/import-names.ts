/**
 * Checking a list of names without codes: recognise which kind of unit it lists, find the period
 * of the directory it matches best, then report every row that does not belong and every unit
 * the list leaves out.
 */
import type { NotAProvince } from './data.js'
import { DirectoryErrorCode } from './errors.js'
import type { ImportPlan } from './import-types.js'
import { unitNameKey } from './normalize.js'
import type { ImportUnitKind, IsoDate } from './types.js'
import type { UnitListRow } from './unit-row.js'
import { ISO_DATE, dayBefore, inForce, type DirectoryViewUnit, type ViewIndex } from './view.js'

const KIND_PREFERENCE: readonly ImportUnitKind[] = ['province', 'ministry', 'council', 'agency']
const KIND_WORD: Record<ImportUnitKind, string> = { province: 'province', ministry: 'ministry', council: 'council', agency: 'unit' }

/** The kind most rows name (a list of names is a list of provinces unless it names others more). */
function recogniseKind (rows: readonly UnitListRow[], index: ViewIndex): ImportUnitKind {
  const counts = new Map<ImportUnitKind, number>()
  for (const row of rows) {
    for (const kind of new Set(index.named(row.name).map(m => m.unit.kind))) counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  let best: ImportUnitKind = 'province'
  for (const kind of KIND_PREFERENCE) if ((counts.get(kind) ?? 0) > (counts.get(best) ?? 0)) best = kind
  return best
}

/**
 * The date the list matches best: each period in which the set of units in force did not change
 * is scored (units named minus units left out); the latest of the best wins. Periods that ended
 * before `codesSince` are not candidates. Returns undefined for "now".
 */
function bestDate (rows: readonly UnitListRow[], units: readonly DirectoryViewUnit[], index: ViewIndex, codesSince: IsoDate): IsoDate | undefined {
  const changes = [...new Set(units.flatMap(u => [u.validFrom, u.validTo]).filter((d): d is string => d !== undefined && ISO_DATE.test(d)))].sort()
  const candidates: Array<IsoDate | undefined> = changes.filter(end => end > codesSince).map(dayBefore)
  candidates.push(undefined)
  const kinds = new Set(units.map(u => u.kind))
  let best: { date: IsoDate | undefined, score: number } | undefined
  for (const date of candidates) {
    const named = new Set<string>()
    for (const row of rows) {
      for (const m of index.named(row.name)) if (kinds.has(m.unit.kind) && inForce(m.unit, date)) named.add(m.unit.code)
    }
    const score = 2 * named.size - units.filter(u => inForce(u, date)).length
    if (best === undefined || score >= best.score) best = { date, score }
  }
  return best?.date
}

/** Fill `plan` for a list of names (no row carries a code). */
export function planNames (
  rows: readonly UnitListRow[], index: ViewIndex, plan: ImportPlan,
  opts: { asOf?: IsoDate, notProvinces: readonly NotAProvince[], codesSince: IsoDate }
): void {
  const kind = recogniseKind(rows, index)
  const units = index.units.filter(u => u.kind === kind)
  const asOf = opts.asOf ?? bestDate(rows, units, index, opts.codesSince)
  plan.kind = kind
  if (opts.asOf !== undefined) plan.asOfSource = 'option'
  else plan.asOfSource = asOf === undefined ? 'current' : 'best-match'
  if (asOf !== undefined) plan.asOf = asOf
  plan.inForce = units.filter(u => inForce(u, asOf)).length
  const when = asOf === undefined ? 'now' : `on ${asOf}`
  const named = new Map<string, number>()

  for (const row of rows) {
    const matches = index.named(row.name).filter(m => m.unit.kind === kind)
    if (matches.length === 0) {
      const key = unitNameKey(row.name)
      const np = kind === 'province' ? opts.notProvinces.find(p => unitNameKey(p.name) === key) : undefined
      if (np === undefined) {
        plan.anomalies.push({
          code: DirectoryErrorCode.UNKNOWN_UNIT,
          row: row.row,
          name: row.name,
          message: `${row.name} is not a ${KIND_WORD[kind]} in the directory`,
          detail: { kind }
        })
        continue
      }
      const owner = index.get(np.belongsTo)
      let message = `${row.name} is not a province: ${np.what}`
      const detail: ImportPlan['anomalies'][number]['detail'] = { what: np.what, belongsTo: np.belongsTo }
      if (owner !== undefined) {
        detail.belongsToName = owner.name
        if (owner.status === 'active') {
          message += `; it belongs to ${owner.name} (${owner.code})`
        } else {
          const closure = index.closure(owner)
          message += `; it belonged to ${owner.name} (${owner.code}), ${closure.text}`
          if (closure.detail.resolvesTo !== undefined) detail.nowIn = closure.detail.resolvesTo
          if (closure.detail.resolvesToName !== undefined) detail.nowInName = closure.detail.resolvesToName
        }
      }
      plan.anomalies.push({ code: DirectoryErrorCode.NOT_A_PROVINCE, row: row.row, name: row.name, message, detail })
      continue
    }
    const current = [...new Set(matches.filter(m => inForce(m.unit, asOf)).map(m => m.unit))]
    if (current.length > 1) {
      plan.anomalies.push({
        code: DirectoryErrorCode.AMBIGUOUS_NAME,
        row: row.row,
        name: row.name,
        message: `${row.name} names ${current.length} units in force ${when}`,
        detail: { codes: current.map(u => u.code) }
      })
      continue
    }
    const unit = current[0]
    if (unit === undefined) {
      const gone = matches[0]?.unit
      if (gone === undefined) continue
      const notYet = asOf !== undefined && gone.validFrom !== undefined && asOf < gone.validFrom
      const closure = index.closure(gone)
      plan.anomalies.push({
        code: notYet ? DirectoryErrorCode.UNKNOWN_UNIT : DirectoryErrorCode.UNIT_DISSOLVED,
        row: row.row,
        name: row.name,
        message: notYet
          ? `${row.name} (${gone.code}) did not exist yet ${when}; it dates from ${gone.validFrom ?? '?'}`
          : `${row.name} (${gone.code}) ${asOf === undefined ? 'no longer exists' : `no longer existed ${when}`}: ${closure.text}`,
        detail: notYet ? { code: gone.code, validFrom: gone.validFrom ?? null } : closure.detail
      })
      continue
    }
    const first = named.get(unit.code)
    if (first !== undefined) {
      plan.errors.push({
        row: row.row,
        field: 'name',
        code: DirectoryErrorCode.DUPLICATE_ROW,
        message: `the row names ${unit.name} (${unit.code}) again, as row ${first} does`,
        value: row.name,
        firstRow: first
      })
      continue
    }
    named.set(unit.code, row.row)
    const notes: string[] = []
    if (matches.find(m => m.unit === unit)?.alias === true) notes.push(`now named ${unit.name}`)
    if (asOf !== undefined && !inForce(unit, undefined)) notes.push(index.closure(unit).text)
    plan.unchanged.push({ row: row.row, code: unit.code, name: unit.name, given: row.name, notes })
  }

  for (const unit of units) {
    if (!inForce(unit, asOf) || named.has(unit.code)) continue
    let message = `${unit.name} (${unit.code}) is missing from the list`
    let detail: ImportPlan['anomalies'][number]['detail'] = { code: unit.code }
    if (unit.status !== 'active') {
      const closure = index.closure(unit)
      message += `; it has itself since been ${closure.text}`
      detail = closure.detail
    }
    plan.anomalies.push({ code: DirectoryErrorCode.UNIT_MISSING, row: null, name: unit.name, message, detail })
  }
}
