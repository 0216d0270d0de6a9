/**
 * A small RFC 4180 reader: comma-separated cells, CRLF or LF between records, cells quoted with
 * `"` may hold commas, line breaks and `""` for a quote. A quote inside an unquoted cell is kept
 * as text; text after a closing quote marks the record malformed (reported, not dropped).
 */
import { LienthongError } from '@lienthong/errors'
import { DirectoryErrorCode } from './errors.js'

/** One record: its cells, the line it starts on, and why it is malformed if it is. */
export interface CsvRecord {
  cells: string[]
  line: number
  malformed?: string
}

/** Split CSV text into records. Blank lines are skipped. Throws `directory-bad-format` on an unterminated quote. */
export function readCsvRecords (text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  let cells: string[] = []
  let cellText = ''
  let line = 1
  let recordLine = 1
  let malformed: string | undefined
  let i = 0
  const n = text.length

  const endRecord = (): void => {
    cells.push(cellText)
    const blank = cells.length === 1 && cells[0]?.trim() === '' && malformed === undefined
    if (!blank) {
      const record: CsvRecord = { cells, line: recordLine }
      if (malformed !== undefined) record.malformed = malformed
      records.push(record)
    }
    cells = []
    cellText = ''
    malformed = undefined
  }

  while (i < n) {
    const ch = text[i]
    if (ch === '"' && cellText.trim() === '') {
      // a quoted cell: read to the closing quote
      const openedAt = line
      cellText = ''
      i++
      for (;;) {
        if (i >= n) {
          throw new LienthongError(DirectoryErrorCode.BAD_FORMAT, 'unterminated quoted cell', { line: openedAt })
        }
        const c = text[i]
        if (c === '"') {
          if (text[i + 1] === '"') { cellText += '"'; i += 2; continue }
          i++
          break
        }
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++
        cellText += c
        i++
      }
      // after the closing quote only a separator may follow
      while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] !== ' ' && text[i] !== '\t') malformed ??= 'text after a closing quote'
        i++
      }
      continue
    }
    if (ch === ',') {
      cells.push(cellText)
      cellText = ''
      i++
    } else if (ch === '\r' || ch === '\n') {
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1
      endRecord()
      line++
      recordLine = line
    } else {
      cellText += ch
      i++
    }
  }
  if (cellText !== '' || cells.length > 0) endRecord()
  return records
}
