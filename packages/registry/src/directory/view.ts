/**
 * The directory as the importer sees it: a minimal view the registry's real state can be adapted
 * to, plus the questions the importer asks of it (in force on a date? known by this name?
 * closed, and resolving to whom?).
 */
import type { JsonValue } from '@lienthong/errors'
import { followSuccessors, nationalDirectorySnapshot } from './history.js'
import { unitNameKey } from './normalize.js'
import type { ImportUnitKind, IsoDate, DirectoryUnitStatus } from './types.js'

/** One unit of a {@link DirectoryView}. */
export interface DirectoryViewUnit {
  code: string
  name: string
  /** Former or other names the unit is known by. */
  aliases?: readonly string[]
  kind: ImportUnitKind
  level?: number
  parent?: string
  status: DirectoryUnitStatus
  successor?: string
  validFrom?: IsoDate
  /** First day the unit no longer exists. */
  validTo?: IsoDate
}

/** The directory an import is checked against (the registry state, or the national snapshot). */
export interface DirectoryView {
  units: readonly DirectoryViewUnit[]
}

/** The shipped national directory as a {@link DirectoryView} (its snapshot already fits the view). */
export function nationalDirectoryView (): DirectoryView {
  return nationalDirectorySnapshot()
}

/** A calendar date `YYYY-MM-DD`. */
export const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/

/** Is the unit in force on `date` (or now, when `date` is undefined)? */
export function inForce (unit: DirectoryViewUnit, date: IsoDate | undefined): boolean {
  if (date === undefined) return unit.status === 'active'
  if (unit.validFrom !== undefined && date < unit.validFrom) return false
  if (unit.validTo !== undefined) return date < unit.validTo
  return unit.status === 'active'
}

/** The day before an ISO date. */
export function dayBefore (date: IsoDate): IsoDate {
  const t = Date.parse(date + 'T00:00:00Z') - 86_400_000
  return new Date(t).toISOString().slice(0, 10)
}

/** Lookups over a view, built once per import. */
export class ViewIndex {
  readonly units: readonly DirectoryViewUnit[]
  private readonly byCode: Map<string, DirectoryViewUnit>
  private readonly byName = new Map<string, Array<{ unit: DirectoryViewUnit, alias: boolean }>>()

  constructor (view: DirectoryView) {
    const units: unknown = (view as { units?: unknown } | null)?.units
    if (!Array.isArray(units)) {
      throw new TypeError('directory must be a DirectoryView')
    }
    this.units = view.units
    this.byCode = new Map(view.units.map(u => [u.code, u]))
    for (const unit of view.units) {
      this.addName(unit.name, unit, false)
      for (const alias of unit.aliases ?? []) this.addName(alias, unit, true)
    }
  }

  private addName (name: string, unit: DirectoryViewUnit, alias: boolean): void {
    const key = unitNameKey(name)
    const list = this.byName.get(key) ?? []
    if (!list.some(m => m.unit === unit)) list.push({ unit, alias })
    this.byName.set(key, list)
  }

  get (code: string): DirectoryViewUnit | undefined {
    return this.byCode.get(code)
  }

  /** Units known by this name (current names first). */
  named (name: string): Array<{ unit: DirectoryViewUnit, alias: boolean }> {
    const list = this.byName.get(unitNameKey(name)) ?? []
    return [...list].sort((a, b) => Number(a.alias) - Number(b.alias))
  }

  /** The unit now in force that a code resolves to (itself when active). */
  resolve (code: string): DirectoryViewUnit | undefined {
    return followSuccessors(this.byCode, code)
  }

  /** "closed on D, merged into NAME (CODE), to which its code resolves", and as JSON detail. */
  closure (unit: DirectoryViewUnit): { text: string, detail: Record<string, JsonValue> } {
    const detail: Record<string, JsonValue> = { code: unit.code }
    let text = 'closed'
    if (unit.validTo !== undefined) { text += ` on ${unit.validTo}`; detail.closedAt = unit.validTo }
    const direct = unit.successor === undefined ? undefined : this.get(unit.successor)
    const final = this.resolve(unit.code)
    if (direct !== undefined) {
      detail.successor = direct.code
      detail.successorName = direct.name
    }
    if (final !== undefined && final !== unit) {
      detail.resolvesTo = final.code
      detail.resolvesToName = final.name
    }
    if (direct !== undefined) text += `, merged into ${direct.name} (${direct.code})`
    if (final !== undefined && final !== unit) {
      text += final === direct ? ', to which its code resolves' : `; its code now resolves to ${final.name} (${final.code})`
    }
    return { text, detail }
  }
}
