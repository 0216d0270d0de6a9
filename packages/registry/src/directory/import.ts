/**
 * The checker behind `lienthong-coordinator directory import FILE [--dry-run]`: parse a unit
 * list ({@link parseUnitList}), compare it with the directory ({@link planImport}) and print the
 * plan ({@link formatPlan}).
 *
 * @example
 * ```ts
 * const list = parseUnitList(text, 'text')
 * const plan = planImport(list, nationalDirectoryView())
 * process.stdout.write(formatPlan(plan))
 * ```
 */
import { NOT_PROVINCES } from './data.js'
import { DirectoryErrorCode } from './errors.js'
import { planNames } from './import-names.js'
import { IDENTIFIER_CODES_SINCE, type PlanFieldChange, type ImportPlan, type PlanImportOptions } from './import-types.js'
import { unitNameKey } from './normalize.js'
import type { ParsedUnitList } from './parse-units.js'
import type { UnitListRow } from './unit-row.js'
import { ISO_DATE, inForce, ViewIndex, type DirectoryView } from './view.js'

export { parseUnitList, MAX_UNIT_LIST_CHARS, MAX_UNIT_LIST_ROWS, type ParsedUnitList, type UnitListFormat } from './parse-units.js'
export { formatPlan } from './format-plan.js'

function planCodes (rows: readonly UnitListRow[], index: ViewIndex, plan: ImportPlan, asOf: string | undefined): void {
  const listed = new Set(rows.flatMap(r => r.code === undefined ? [] : [r.code]))
  const when = asOf === undefined ? 'now' : `on ${asOf}`
  for (const row of rows) {
    if (row.code === undefined) {
      const found = [...new Set(index.named(row.name).filter(m => inForce(m.unit, asOf)).map(m => m.unit))]
      const [unit] = found
      if (found.length > 1) {
        plan.anomalies.push({
          code: DirectoryErrorCode.AMBIGUOUS_NAME,
          row: row.row,
          name: row.name,
          message: `${row.name} has no code and names ${found.length} units in force ${when}`,
          detail: { codes: found.map(u => u.code) }
        })
      } else if (unit === undefined) {
        plan.errors.push({ row: row.row, field: 'code', code: DirectoryErrorCode.MISSING_CODE, message: 'the row has no code and its name matches no unit', value: row.name })
      } else {
        plan.unchanged.push({ row: row.row, code: unit.code, name: unit.name, given: row.name, notes: [`no code given; matched by name to ${unit.code}`] })
      }
      continue
    }
    const unit = index.get(row.code)
    if (unit === undefined) {
      if (row.kind === undefined || row.level === undefined) {
        plan.errors.push({ row: row.row, field: 'kind', code: DirectoryErrorCode.BAD_KIND, message: 'a new unit needs a kind the code does not imply', value: row.code })
        continue
      }
      if (row.parent !== undefined && index.get(row.parent) === undefined && !listed.has(row.parent)) {
        plan.errors.push({ row: row.row, field: 'parent', code: DirectoryErrorCode.UNKNOWN_PARENT, message: 'the parent is in neither the directory nor the list', value: row.parent })
        continue
      }
      const clash = index.named(row.name).map(m => m.unit)
        .find(u => u.kind === row.kind && inForce(u, asOf) && (u.parent ?? null) === (row.parent ?? null))
      if (clash !== undefined) {
        plan.anomalies.push({
          code: DirectoryErrorCode.NAME_CONFLICT,
          row: row.row,
          name: row.name,
          message: `new code ${row.code} carries the name of ${clash.name} (${clash.code}), in force ${when}`,
          detail: { code: row.code, existing: clash.code }
        })
      }
      const addition: ImportPlan['additions'][number] = { row: row.row, code: row.code, name: row.name, kind: row.kind, level: row.level }
      if (row.parent !== undefined) addition.parent = row.parent
      plan.additions.push(addition)
      continue
    }
    const closed = asOf === undefined || unit.validTo === undefined ? unit.status === 'retired' : asOf >= unit.validTo
    if (closed) {
      const closure = index.closure(unit)
      plan.anomalies.push({
        code: DirectoryErrorCode.UNIT_DISSOLVED,
        row: row.row,
        name: row.name,
        message: `${unit.name} (${unit.code}) ${asOf === undefined ? 'no longer exists' : `no longer existed ${when}`}: ${closure.text}`,
        detail: closure.detail
      })
      continue
    }
    const notes: string[] = []
    const changes: PlanFieldChange[] = []
    if (row.name !== unit.name) {
      const key = unitNameKey(row.name)
      if (key === unitNameKey(unit.name)) notes.push(`spelled "${row.name}" in the list`)
      else if ((unit.aliases ?? []).some(a => unitNameKey(a) === key)) notes.push(`former name "${row.name}" in the list`)
      else changes.push({ field: 'name', from: unit.name, to: row.name })
    }
    if (row.kind !== undefined && row.kind !== unit.kind) changes.push({ field: 'kind', from: unit.kind, to: row.kind })
    if (row.level !== undefined && unit.level !== undefined && row.level !== unit.level) changes.push({ field: 'level', from: unit.level, to: row.level })
    if (row.parent !== undefined && row.parent !== unit.parent) changes.push({ field: 'parent', from: unit.parent ?? null, to: row.parent })
    if (!inForce(unit, asOf)) notes.push(`in force from ${unit.validFrom ?? '?'}`)
    if (asOf !== undefined && !inForce(unit, undefined)) notes.push(index.closure(unit).text)
    if (changes.length > 0) plan.updates.push({ row: row.row, code: unit.code, name: unit.name, changes, notes })
    else plan.unchanged.push({ row: row.row, code: unit.code, name: unit.name, given: row.name, notes })
  }
}

function isRowArray (list: ParsedUnitList | readonly UnitListRow[]): list is readonly UnitListRow[] {
  return Array.isArray(list)
}

/**
 * Compare a parsed unit list with the directory and say what importing it would do.
 *
 * A list where some row carries a code is checked row by row: unknown codes are additions, known
 * ones updates (field diffs) or unchanged, closed ones anomalies. A list of names only is
 * recognised as a list of one kind (provinces, unless it names others more), checked against
 * the units of that kind in force at `opts.asOf` or, by default, in the period it matches best;
 * then every row that is not such a unit (`directory-not-a-province`, `directory-unit-dissolved`,
 * `directory-unknown-unit`) and every unit left out (`directory-unit-missing`) is an anomaly.
 * A row naming a unit in force at that date but closed since is not an anomaly: its entry notes
 * the closure and the successor its code resolves to. Parse errors are carried into `errors`.
 * Throws RangeError for a malformed `opts.asOf`, and `directory-unresolvable` when the view's
 * successor chains are broken.
 */
export function planImport (list: ParsedUnitList | readonly UnitListRow[], directory: DirectoryView, opts: PlanImportOptions = {}): ImportPlan {
  const rows: readonly UnitListRow[] = isRowArray(list) ? list : list.rows
  const given: unknown = rows
  if (!Array.isArray(given)) throw new TypeError('list must be a ParsedUnitList or an array of rows')
  if (opts.asOf !== undefined && !ISO_DATE.test(opts.asOf)) throw new RangeError('asOf must be a date YYYY-MM-DD')
  if (opts.codesSince !== undefined && !ISO_DATE.test(opts.codesSince)) throw new RangeError('codesSince must be a date YYYY-MM-DD')
  const index = new ViewIndex(directory)
  const plan: ImportPlan = {
    mode: rows.some(r => r.code !== undefined) ? 'codes' : 'names',
    asOfSource: opts.asOf === undefined ? 'current' : 'option',
    rows: rows.length,
    additions: [],
    updates: [],
    unchanged: [],
    anomalies: [],
    errors: isRowArray(list) ? [] : [...list.errors]
  }
  if (plan.mode === 'codes') {
    if (opts.asOf !== undefined) plan.asOf = opts.asOf
    planCodes(rows, index, plan, opts.asOf)
  } else {
    const names: { asOf?: string, notProvinces: typeof NOT_PROVINCES, codesSince: string } = {
      notProvinces: opts.notProvinces ?? NOT_PROVINCES,
      codesSince: opts.codesSince ?? IDENTIFIER_CODES_SINCE
    }
    if (opts.asOf !== undefined) names.asOf = opts.asOf
    planNames(rows, index, plan, names)
  }
  plan.errors.sort((a, b) => a.row - b.row)
  return plan
}
