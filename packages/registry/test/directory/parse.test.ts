import test from 'ava'
import fc from 'fast-check'
import { isLienthongError } from '@lienthong/errors'
import { DirectoryErrorCode, parseUnitList, type UnitListRowError } from '../../src/directory/index.js'
import { codeLevel, parentCode } from '../../src/directory/unit-row.js'

function codes (errors: readonly UnitListRowError[]): Array<[number, string | null, string]> {
  return errors.map(e => [e.row, e.field, e.code])
}

test('CSV: header, RFC 4180 quoting, BOM, implied level/kind/parent, bad rows reported by row, field and code', t => {
  const csv = '\uFEFFcode,name,level,kind,note\r\n' +
    '000.00.00.H29,"Thành phố Hồ Chí Minh",1,province,x\r\n' +
    '000.00.12.H29,"Sở ""Nội vụ"", TP.HCM",,,\r\n' +
    'H29,Bad code,,,\r\n' +
    '000.00.00.H31,,,,\r\n' +
    '000.00.00.H29,Again,,,\r\n' +
    '\r\n' +
    '000.00.00.G01,Bộ Công an,2,province,\r\n' +
    '"000.00.00.G02","Bộ\nCông Thương"\r\n' +
    '000.00.00.G03,Bộ Giáo dục,1,ministry,x,extra\r\n'
  const list = parseUnitList(csv, 'csv')
  t.deepEqual(list.ignoredColumns, ['note'])
  t.deepEqual(list.rows.map(r => [r.row, r.code, r.name, r.level, r.kind, r.parent]), [
    [2, '000.00.00.H29', 'Thành phố Hồ Chí Minh', 1, 'province', undefined],
    [3, '000.00.12.H29', 'Sở "Nội vụ", TP.HCM', 2, 'agency', '000.00.00.H29'],
    [9, '000.00.00.G02', 'Bộ Công Thương', 1, 'ministry', undefined]
  ])
  t.deepEqual(codes(list.errors), [
    [4, 'code', 'directory-bad-code'],
    [5, 'name', 'directory-missing-name'],
    [6, 'code', 'directory-duplicate-row'],
    [8, 'level', 'directory-bad-level'],
    [8, 'kind', 'directory-bad-kind'],
    [11, null, 'directory-bad-row']
  ])
  t.is(list.errors.find(e => e.code === 'directory-duplicate-row')?.firstRow, 2)
})

test('CSV: whole-input problems throw directory-bad-format; text after a closing quote is a bad row', t => {
  t.throws(() => parseUnitList('', 'csv'), { code: DirectoryErrorCode.BAD_FORMAT })
  t.throws(() => parseUnitList('code,title\n1,2\n', 'csv'), { code: DirectoryErrorCode.BAD_FORMAT })
  t.throws(() => parseUnitList('name,name\nx,y\n', 'csv'), { code: DirectoryErrorCode.BAD_FORMAT })
  t.throws(() => parseUnitList('name\n"An Giang\n', 'csv'), { code: DirectoryErrorCode.BAD_FORMAT })
  const list = parseUnitList('name\n"An Giang"x\nCà Mau', 'csv')
  t.deepEqual(codes(list.errors), [[2, null, 'directory-bad-row']])
  t.deepEqual(list.rows.map(r => r.name), ['Cà Mau'])
})

test('CSV: parent and level are checked against the code', t => {
  const list = parseUnitList([
    'code,name,parent,level',
    '000.00.12.H29,Sở A,000.00.00.H31,',
    '000.00.00.H29,HCM,000.00.00.H01,',
    '000.00.13.H29,Sở B,not-a-code,',
    '000.00.14.H29,Sở C,000.00.00.H29,2',
    '000.00.15.H29,Sở D,,7',
    ',Chỉ có tên,000.00.00.H29,2'
  ].join('\n'), 'csv')
  t.deepEqual(codes(list.errors), [
    [2, 'parent', 'directory-bad-parent'],
    [3, 'parent', 'directory-bad-parent'],
    [4, 'parent', 'directory-bad-parent'],
    [6, 'level', 'directory-bad-level']
  ])
  t.deepEqual(list.rows.map(r => [r.row, r.code, r.parent, r.level]), [
    [5, '000.00.14.H29', '000.00.00.H29', 2],
    [7, undefined, '000.00.00.H29', 2]
  ])
})

test('JSON: an array of objects; non-objects, wrong types, bad codes, missing names and duplicates reported', t => {
  const json = JSON.stringify([
    { code: '000.00.00.H01', name: 'An Giang', extra: true },
    'An Giang',
    { code: 5, name: 'Number code' },
    { code: '000.00.00.H02', name: '' },
    { code: '000.00.00.H01', name: 'Again' },
    { name: 42 },
    { name: 'Kiên Giang', level: 1, kind: 'province' },
    { name: 'kien giang' },
    { code: null, name: 'Cà Mau', parent: null }
  ])
  const list = parseUnitList(json, 'json')
  t.deepEqual(list.rows.map(r => [r.row, r.code, r.name]), [
    [1, '000.00.00.H01', 'An Giang'],
    [7, undefined, 'Kiên Giang'],
    [9, undefined, 'Cà Mau']
  ])
  t.deepEqual(codes(list.errors), [
    [2, null, 'directory-bad-row'],
    [3, 'code', 'directory-bad-code'],
    [4, 'name', 'directory-missing-name'],
    [5, 'code', 'directory-duplicate-row'],
    [6, 'name', 'directory-bad-name'],
    [8, 'name', 'directory-duplicate-row']
  ])
  t.throws(() => parseUnitList('{"name":"x"}', 'json'), { code: DirectoryErrorCode.BAD_FORMAT })
  t.throws(() => parseUnitList('[{"name":', 'json'), { code: DirectoryErrorCode.BAD_FORMAT })
})

test('text: one name per line, bullets stripped, blank lines skipped, duplicates and bare bullets reported', t => {
  const text = '• An Giang\n  - Bắc Ninh\r\n* Cà Mau\n\n3. Đồng Nai\n•\nAN GIANG\n' + 'x'.repeat(301) + '\nHà\u0007Nội\n'
  const list = parseUnitList(text, 'text')
  t.deepEqual(list.rows.map(r => [r.row, r.name]), [[1, 'An Giang'], [2, 'Bắc Ninh'], [3, 'Cà Mau'], [5, 'Đồng Nai']])
  t.deepEqual(codes(list.errors), [
    [6, 'name', 'directory-missing-name'],
    [7, 'name', 'directory-duplicate-row'],
    [8, 'name', 'directory-bad-name'],
    [9, 'name', 'directory-bad-name']
  ])
})

test('programmer mistakes throw TypeError; oversized input throws directory-too-large', t => {
  t.throws(() => parseUnitList(5 as unknown as string, 'text'), { instanceOf: TypeError })
  t.throws(() => parseUnitList('x', 'xml' as 'csv'), { instanceOf: TypeError })
  t.throws(() => parseUnitList('x'.repeat(8_000_001), 'text'), { code: DirectoryErrorCode.TOO_LARGE })
  t.throws(() => parseUnitList('a\n'.repeat(100_001), 'text'), { code: DirectoryErrorCode.TOO_LARGE })
})

test('code levels and parents are read right to left', t => {
  t.is(codeLevel('000.00.00.H29'), 1)
  t.is(codeLevel('000.00.12.H29'), 2)
  t.is(codeLevel('000.05.12.H29'), 3)
  t.is(codeLevel('123.05.12.H29'), 4)
  t.is(parentCode('000.00.00.H29'), undefined)
  t.is(parentCode('000.00.12.H29'), '000.00.00.H29')
  t.is(parentCode('000.05.12.H29'), '000.00.12.H29')
  t.is(parentCode('123.05.12.H29'), '000.05.12.H29')
})

const csvish = fc.array(fc.oneof(
  fc.constantFrom('code', 'name', 'level', 'kind', 'parent', ',', '"', '""', '\n', '\r\n', '\uFEFF', '•', '000.00.00.H29', '1', 'province'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 })
), { maxLength: 40 }).map(parts => parts.join(''))

test('property: parseUnitList never throws anything but LienthongError on arbitrary text', t => {
  for (const format of ['csv', 'json', 'text'] as const) {
    fc.assert(fc.property(fc.oneof(csvish, fc.string({ maxLength: 200 }), fc.json()), text => {
      try {
        const list = parseUnitList(text, format)
        // nothing dropped silently: every row is either accepted or reported
        for (const row of list.rows) if (row.name.length === 0) return false
        return true
      } catch (err) {
        return isLienthongError(err)
      }
    }), { numRuns: 300 })
  }
  t.pass()
})

test('property: every CSV data row is accepted or reported', t => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('', '000.00.00.H01', '000.00.00.H02', 'bad'), fc.string({ maxLength: 8 })), { maxLength: 30 }), cells => {
    const text = 'code,name\n' + cells.map(([c, n]) => `${c},"${n.replace(/"/g, '""')}"`).join('\n')
    const list = parseUnitList(text, 'csv')
    return list.rows.length + list.errors.filter((e, i, all) => all.findIndex(x => x.row === e.row) === i).length === cells.length
  }), { numRuns: 200 })
  t.pass()
})
