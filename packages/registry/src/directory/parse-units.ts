/**
 * Reading unit lists for `lienthong-coordinator directory import`: CSV with a header row, a JSON
 * array of objects, or plain text with one name per line. Every row is validated; a bad row is
 * reported with its row number, field and a stable code, never dropped silently.
 */
import { LienthongError } from '@lienthong/errors'
import { readCsvRecords } from './csv.js'
import { DirectoryErrorCode } from './errors.js'
import { unitNameKey } from './normalize.js'
import { validateRow, type RawRow, type UnitListRowError, type UnitListRow } from './unit-row.js'

/** The formats a unit list may come in. */
export type UnitListFormat = 'csv' | 'json' | 'text'

/** The rows of a unit list that can be used, and the rows that cannot. */
export interface ParsedUnitList {
  format: UnitListFormat
  rows: UnitListRow[]
  errors: UnitListRowError[]
  /** CSV columns that were present and ignored. */
  ignoredColumns: string[]
}

/** Largest accepted input, in UTF-16 code units (a national list is well under 1 MB). */
export const MAX_UNIT_LIST_CHARS = 8_000_000
/** Most rows accepted in one list. */
export const MAX_UNIT_LIST_ROWS = 100_000

const COLUMNS = ['code', 'name', 'parent', 'level', 'kind'] as const
// A leading bullet or list number: "•", "-", "*", "–", "—", "·", "◦", "▪", "‣", "+", "1.", "2)".
const BULLET = /^(?:[•\-*–—·◦▪‣+]|\d{1,4}[.)])\s*/u

function tooMany (rows: number): LienthongError {
  return new LienthongError(DirectoryErrorCode.TOO_LARGE, 'the list has too many rows', { rows, limit: MAX_UNIT_LIST_ROWS })
}

function parseCsv (text: string): { raws: Array<{ raw: RawRow, row: number, malformed?: string }>, ignored: string[] } {
  const records = readCsvRecords(text)
  const header = records.shift()
  if (header === undefined) throw new LienthongError(DirectoryErrorCode.BAD_FORMAT, 'the CSV has no header row', {})
  const names = header.cells.map(c => c.trim().toLowerCase())
  if (!names.includes('name')) {
    throw new LienthongError(DirectoryErrorCode.BAD_FORMAT, 'the CSV header has no "name" column', { line: header.line })
  }
  if (new Set(names).size !== names.length) {
    throw new LienthongError(DirectoryErrorCode.BAD_FORMAT, 'the CSV header repeats a column', { line: header.line })
  }
  if (records.length > MAX_UNIT_LIST_ROWS) throw tooMany(records.length)
  const ignored = names.filter(n => !(COLUMNS as readonly string[]).includes(n))
  const raws = records.map(record => {
    const raw: Record<string, string> = {}
    names.forEach((column, i) => {
      const value = record.cells[i]
      if ((COLUMNS as readonly string[]).includes(column) && value !== undefined) raw[column] = value
    })
    const malformed = record.cells.length > names.length
      ? `the row has ${record.cells.length} cells, the header ${names.length}`
      : record.malformed
    return malformed === undefined ? { raw, row: record.line } : { raw, row: record.line, malformed }
  })
  return { raws, ignored }
}

function parseJson (text: string): Array<{ raw: RawRow, row: number, malformed?: string }> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new LienthongError(DirectoryErrorCode.BAD_FORMAT, 'the input is not valid JSON', {})
  }
  if (!Array.isArray(value)) throw new LienthongError(DirectoryErrorCode.BAD_FORMAT, 'the JSON is not an array of units', {})
  if (value.length > MAX_UNIT_LIST_ROWS) throw tooMany(value.length)
  return value.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return { raw: {}, row: index + 1, malformed: 'the element is not an object' }
    }
    const obj = item as Record<string, unknown>
    const raw: RawRow = {}
    for (const column of COLUMNS) {
      if (Object.prototype.hasOwnProperty.call(obj, column)) raw[column] = obj[column]
    }
    return { raw, row: index + 1 }
  })
}

function parseText (text: string): Array<{ raw: RawRow, row: number }> {
  const out: Array<{ raw: RawRow, row: number }> = []
  text.split(/\r\n|\n|\r/).forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed === '') return
    out.push({ raw: { name: trimmed.replace(BULLET, '') }, row: index + 1 })
    if (out.length > MAX_UNIT_LIST_ROWS) throw tooMany(out.length)
  })
  return out
}

/**
 * Parse a unit list.
 *
 * - `csv`: a header row naming the columns (`name` required; `code`, `parent`, `level`, `kind`
 *   optional; other columns ignored and listed), RFC 4180 quoting, a leading BOM tolerated;
 * - `json`: an array of objects with those fields;
 * - `text`: one name per line, leading bullets (`•`, `-`, `*`, …) stripped, blank lines skipped.
 *
 * Rows are numbered by the line they start on (CSV, text) or their 1-based index (JSON). Bad rows
 * land in `errors` (`directory-bad-code`, `directory-missing-name`, `directory-duplicate-row`, …).
 * Throws `LienthongError` `directory-bad-format` when the input as a whole is unreadable and
 * `directory-too-large` beyond {@link MAX_UNIT_LIST_CHARS} or {@link MAX_UNIT_LIST_ROWS}.
 *
 * @example
 * ```ts
 * const { rows, errors } = parseUnitList('code,name\n000.00.00.H29,Thành phố Hồ Chí Minh\n', 'csv')
 * ```
 */
export function parseUnitList (text: string, format: UnitListFormat): ParsedUnitList {
  if (typeof text !== 'string') throw new TypeError('text must be a string')
  if (format !== 'csv' && format !== 'json' && format !== 'text') throw new TypeError('format must be csv, json or text')
  if (text.length > MAX_UNIT_LIST_CHARS) {
    throw new LienthongError(DirectoryErrorCode.TOO_LARGE, 'the list is too large', { chars: text.length, limit: MAX_UNIT_LIST_CHARS })
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  let ignoredColumns: string[] = []
  let raws: Array<{ raw: RawRow, row: number, malformed?: string }>
  if (format === 'csv') {
    const csv = parseCsv(body)
    raws = csv.raws
    ignoredColumns = csv.ignored
  } else {
    raws = format === 'json' ? parseJson(body) : parseText(body)
  }

  const rows: UnitListRow[] = []
  const errors: UnitListRowError[] = []
  const firstRowOf = new Map<string, number>()
  for (const { raw, row, malformed } of raws) {
    if (malformed !== undefined) {
      errors.push({ row, field: null, code: DirectoryErrorCode.BAD_ROW, message: malformed })
      continue
    }
    const result = validateRow(raw, row)
    if (Array.isArray(result)) {
      errors.push(...result)
      continue
    }
    const key = result.code ?? 'name:' + unitNameKey(result.name)
    const first = firstRowOf.get(key)
    if (first !== undefined) {
      const field = result.code === undefined ? 'name' : 'code'
      errors.push({
        row,
        field,
        code: DirectoryErrorCode.DUPLICATE_ROW,
        message: `the row repeats row ${first}`,
        value: result.code ?? result.name,
        firstRow: first
      })
      continue
    }
    firstRowOf.set(key, row)
    rows.push(result)
  }
  return { format, rows, errors, ignoredColumns }
}
