/**
 * One row of an imported unit list: the raw cells, their validation, and what a code implies
 * (its level, its parent, its kind).
 */
import { IDENTIFIER_CODE_PATTERN } from './data.js'
import { DirectoryErrorCode } from './errors.js'
import type { ImportUnitKind } from './types.js'

/** A valid row of a unit list. Fields implied by the code (level, parent, kind) are filled in. */
export interface UnitListRow {
  /** CSV and text: the line the row starts on (the CSV header is line 1). JSON: 1-based index. */
  row: number
  name: string
  code?: string
  parent?: string
  level?: number
  kind?: ImportUnitKind
}

/** A row that could not be used, with the field at fault and a stable code. */
export interface UnitListRowError {
  row: number
  /** The field at fault, or null for the row as a whole. */
  field: 'code' | 'name' | 'parent' | 'level' | 'kind' | null
  code: DirectoryErrorCode
  message: string
  /** The offending value, shortened to 100 characters. */
  value?: string
  /** For a duplicate: the row it repeats. */
  firstRow?: number
}

/** Cells of a row before validation: strings from CSV and text, anything from JSON. */
export interface RawRow {
  code?: unknown
  name?: unknown
  parent?: unknown
  level?: unknown
  kind?: unknown
}

/** The longest name accepted (the longest real unit names are about 120 characters). */
export const MAX_NAME_LENGTH = 300
const KINDS: readonly ImportUnitKind[] = ['ministry', 'province', 'council', 'agency']
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/**
 * The level a well-formed code stands for, read right to left: `000.00.00.M` 1, `000.00.YY.M` 2,
 * `000.ZZ.YY.M` 3, `VVV.ZZ.YY.M` 4 (the highest non-zero segment decides).
 */
export function codeLevel (code: string): number {
  const [v, z, y] = code.split('.')
  return v !== '000' ? 4 : z !== '00' ? 3 : y !== '00' ? 2 : 1
}

/** The code of the nearest unit above a well-formed code (undefined at level 1). */
export function parentCode (code: string): string | undefined {
  const [, z, y, m] = code.split('.')
  return [`000.${z}.${y}.${m}`, `000.00.${y}.${m}`, `000.00.00.${m}`].find(c => c !== code)
}

/** The kind a code implies: G ministry, H province, K council at level 1; agency below. */
export function codeKind (code: string): ImportUnitKind | undefined {
  if (codeLevel(code) !== 1) return 'agency'
  const letter = code.charAt(10)
  return letter === 'G' ? 'ministry' : letter === 'H' ? 'province' : letter === 'K' ? 'council' : undefined
}

function show (value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
  return text.length > 100 ? text.slice(0, 100) + '…' : text
}

function cell (value: unknown): unknown {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string') {
    const trimmed = value.trim()
    return trimmed === '' ? undefined : trimmed
  }
  return value
}

/**
 * Validate one row. Returns the row with implied fields filled in, or every error found in it.
 */
export function validateRow (raw: RawRow, row: number): UnitListRow | UnitListRowError[] {
  const errors: UnitListRowError[] = []
  const fail = (field: UnitListRowError['field'], code: DirectoryErrorCode, message: string, value: unknown): void => {
    errors.push({ row, field, code, message, value: show(value) })
  }
  const out: UnitListRow = { row, name: '' }

  const name = cell(raw.name)
  if (name === undefined) {
    errors.push({ row, field: 'name', code: DirectoryErrorCode.MISSING_NAME, message: 'the row has no name' })
  } else if (typeof name !== 'string') {
    fail('name', DirectoryErrorCode.BAD_NAME, 'the name is not text', name)
  } else {
    // line breaks and tabs inside a (quoted) name are just spacing
    const spaced = name.normalize('NFC').replace(/\s+/g, ' ')
    if (spaced.length > MAX_NAME_LENGTH || CONTROL.test(spaced)) {
      fail('name', DirectoryErrorCode.BAD_NAME, 'the name is too long or holds control characters', name)
    } else {
      out.name = spaced
    }
  }

  const code = cell(raw.code)
  if (code !== undefined) {
    if (typeof code !== 'string' || !IDENTIFIER_CODE_PATTERN.test(code)) {
      fail('code', DirectoryErrorCode.BAD_CODE, 'the code is not of the form 000.00.00.H29', code)
    } else {
      out.code = code
    }
  }

  const level = cell(raw.level)
  if (level !== undefined) {
    const n = typeof level === 'number' ? level : typeof level === 'string' && /^\d{1,2}$/.test(level) ? Number(level) : NaN
    const implied = out.code === undefined ? undefined : codeLevel(out.code)
    if (!Number.isInteger(n) || n < 1 || n > 4) fail('level', DirectoryErrorCode.BAD_LEVEL, 'the level is not 1, 2, 3 or 4', level)
    else if (implied !== undefined && implied !== n) fail('level', DirectoryErrorCode.BAD_LEVEL, `the code is of level ${implied}`, level)
    else out.level = n
  } else if (out.code !== undefined) {
    out.level = codeLevel(out.code)
  }

  const kind = cell(raw.kind)
  const impliedKind = out.code === undefined ? undefined : codeKind(out.code)
  if (kind !== undefined) {
    const k = typeof kind === 'string' ? kind.toLowerCase() : undefined
    if (k === undefined || !(KINDS as readonly string[]).includes(k)) {
      fail('kind', DirectoryErrorCode.BAD_KIND, `the kind is not one of ${KINDS.join(', ')}`, kind)
    } else if (impliedKind !== undefined && impliedKind !== k) {
      fail('kind', DirectoryErrorCode.BAD_KIND, `the code is of kind ${impliedKind}`, kind)
    } else {
      out.kind = k as ImportUnitKind
    }
  } else if (impliedKind !== undefined) {
    out.kind = impliedKind
  }

  const parent = cell(raw.parent)
  const impliedParent = out.code === undefined ? undefined : parentCode(out.code)
  if (parent !== undefined) {
    if (typeof parent !== 'string' || !IDENTIFIER_CODE_PATTERN.test(parent)) {
      fail('parent', DirectoryErrorCode.BAD_PARENT, 'the parent is not a code of the form 000.00.00.H29', parent)
    } else if (out.code !== undefined && impliedParent !== parent) {
      fail('parent', DirectoryErrorCode.BAD_PARENT, impliedParent === undefined
        ? 'a level-1 unit has no parent'
        : `the unit above ${out.code} is ${impliedParent}`, parent)
    } else {
      out.parent = parent
    }
  } else if (impliedParent !== undefined) {
    out.parent = impliedParent
  }

  return errors.length > 0 ? errors : out
}
