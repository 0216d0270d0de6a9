/**
 * The result of checking a unit list against the directory: what it would add or change, what it
 * confirms, and what looks wrong.
 */
import type { JsonValue } from '@lienthong/errors'
import type { NotAProvince } from './data.js'
import type { DirectoryErrorCode } from './errors.js'
import type { ImportUnitKind, IsoDate } from './types.js'
import type { UnitListRowError } from './unit-row.js'

/** One field an update changes. */
export interface PlanFieldChange {
  field: 'name' | 'kind' | 'level' | 'parent'
  from: string | number | null
  to: string | number
}

/** A unit the list adds (a code the directory does not hold). */
export interface PlanAddition {
  row: number
  code: string
  name: string
  kind: ImportUnitKind
  level: number
  parent?: string
}

/** A unit the list changes. */
export interface PlanUpdate {
  row: number
  code: string
  /** The unit's name in the directory. */
  name: string
  changes: PlanFieldChange[]
  notes: string[]
}

/** A row that matches the directory as it is (notes say e.g. that the unit has since closed). */
export interface PlanUnchanged {
  row: number
  code: string
  /** The unit's name in the directory. */
  name: string
  /** The name as written in the list. */
  given: string
  notes: string[]
}

/** Something in the list that an operator should look at; it blocks nothing by itself. */
export interface ImportAnomaly {
  code: DirectoryErrorCode
  /** The row at fault, or null for a unit the list leaves out. */
  row: number | null
  name: string
  message: string
  detail: Record<string, JsonValue>
}

/** What importing a list would do. */
export interface ImportPlan {
  /** `codes` when some row carries a code; `names` for a list of names only. */
  mode: 'codes' | 'names'
  /** For a list of names: the kind of unit it was recognised as listing. */
  kind?: ImportUnitKind
  /** The date the list was checked at; undefined means the directory as it is now. */
  asOf?: IsoDate
  /** Where `asOf` comes from: the caller, the period the list matches best, or now. */
  asOfSource: 'option' | 'best-match' | 'current'
  /** For a list of names: how many units of that kind were in force at `asOf`. */
  inForce?: number
  /** Valid rows considered. */
  rows: number
  additions: PlanAddition[]
  updates: PlanUpdate[]
  unchanged: PlanUnchanged[]
  anomalies: ImportAnomaly[]
  /** Rows that cannot be used: parse errors and rows the plan cannot place. */
  errors: UnitListRowError[]
}

/** Options of `planImport`. */
export interface PlanImportOptions {
  /** Check the list as of this date (`YYYY-MM-DD`) instead of finding the best match or now. */
  asOf?: IsoDate
  /** Names that are not provinces; defaults to the shipped `NOT_PROVINCES`. */
  notProvinces?: readonly NotAProvince[]
  /**
   * A list of names is never matched to a period that ended before this date; defaults to
   * {@link IDENTIFIER_CODES_SINCE}.
   */
  codesSince?: IsoDate
}

/**
 * The year identifier codes began (QCVN 102:2016/BTTTT). Before it the directory only holds
 * history (Hà Tây, merged in 2008), so a list is not matched to a period that ended earlier.
 */
export const IDENTIFIER_CODES_SINCE: IsoDate = '2016-01-01'
