import { readFileSync } from 'node:fs'
import test, { type ExecutionContext } from 'ava'
import {
  DirectoryErrorCode, formatPlan, nationalDirectoryView, parseUnitList, planImport, type ImportPlan
} from '../../src/directory/index.js'

// from dist/test/directory back to the sources
function fixture (name: string): string {
  return readFileSync(new URL(`../../../test/directory/fixtures/${name}`, import.meta.url), 'utf8')
}

const view = nationalDirectoryView()

function checkSeedPlan (t: ExecutionContext, plan: ImportPlan): void {
  t.is(plan.mode, 'names')
  t.is(plan.kind, 'province')
  t.is(plan.asOfSource, 'best-match')
  t.is(plan.asOf, '2025-06-30')
  t.is(plan.inForce, 63)
  t.is(plan.rows, 65)
  t.deepEqual(plan.errors, [])
  t.deepEqual(plan.additions, [])
  t.deepEqual(plan.updates, [])
  t.is(plan.unchanged.length, 62)

  const anomalies = plan.anomalies.map(a => [a.code, a.name, a.row])
  t.deepEqual(anomalies, [
    [DirectoryErrorCode.NOT_A_PROVINCE, 'Đà Lạt', plan.anomalies[0]?.row],
    [DirectoryErrorCode.UNIT_DISSOLVED, 'Hà Tây', plan.anomalies[1]?.row],
    [DirectoryErrorCode.NOT_A_PROVINCE, 'Vũng Tàu', plan.anomalies[2]?.row],
    [DirectoryErrorCode.UNIT_MISSING, 'Bà Rịa - Vũng Tàu', null]
  ])
  const [daLat, haTay, vungTau, brvt] = plan.anomalies
  t.is(daLat?.detail.belongsTo, '000.00.00.H36')
  t.is(daLat?.detail.belongsToName, 'Lâm Đồng')
  t.is(vungTau?.detail.belongsTo, '000.00.00.H02')
  t.is(vungTau?.detail.nowIn, '000.00.00.H29')
  t.regex(vungTau?.message ?? '', /Bà Rịa - Vũng Tàu/)
  t.is(haTay?.detail.code, '000.00.00.H00')
  t.is(haTay?.detail.closedAt, '2008-08-01')
  t.is(haTay?.detail.resolvesTo, '000.00.00.H26')
  t.regex(haTay?.message ?? '', /Hà Nội/)
  t.is(brvt?.detail.code, '000.00.00.H02')
  t.is(brvt?.detail.closedAt, '2025-07-01')
  t.is(brvt?.detail.successor, '000.00.00.H29')
  t.regex(brvt?.message ?? '', /closed on 2025-07-01.*Thành phố Hồ Chí Minh \(000\.00\.00\.H29\)/)

  // provinces closed in 2025 are not anomalies, but their entry says where they went
  const thaiBinh = plan.unchanged.find(u => u.given === 'Thái Bình')
  t.is(thaiBinh?.code, '000.00.00.H54')
  t.regex(thaiBinh?.notes.join(' ') ?? '', /closed on 2025-07-01.*Hưng Yên \(000\.00\.00\.H31\)/)
  t.is(plan.unchanged.filter(u => u.notes.some(n => n.startsWith('closed'))).length, 29 - 1) // Bà Rịa - Vũng Tàu is missing
  t.is(plan.unchanged.find(u => u.given === 'Hồ Chí Minh')?.code, '000.00.00.H29')
  t.deepEqual(plan.unchanged.find(u => u.given === 'Thừa Thiên Huế')?.notes, ['now named Thành phố Huế'])
  t.deepEqual(plan.unchanged.find(u => u.given === 'Hà Nội')?.notes, [])
}

test('the seed province list (text) imports with exactly the four anomalies and nothing else', t => {
  const list = parseUnitList(fixture('seed-provinces.txt'), 'text')
  t.is(list.rows.length, 65)
  const plan = planImport(list, view)
  checkSeedPlan(t, plan)
  t.deepEqual(plan.anomalies.map(a => a.row), [16, 26, 64, null])
})

test('the seed province list (CSV) gives the same plan', t => {
  const list = parseUnitList(fixture('seed-provinces.csv'), 'csv')
  t.is(list.rows.length, 65)
  const plan = planImport(list, view)
  checkSeedPlan(t, plan)
  t.deepEqual(plan.anomalies.map(a => a.row), [17, 27, 65, null])
})

test('the seed province list as JSON objects without codes gives the same plan', t => {
  const names = parseUnitList(fixture('seed-provinces.txt'), 'text').rows.map(r => ({ name: r.name }))
  const plan = planImport(parseUnitList(JSON.stringify(names), 'json'), view)
  checkSeedPlan(t, plan)
  t.deepEqual(plan.anomalies.map(a => a.row), [16, 26, 64, null])
})

test('formatPlan prints the scope, the anomalies and the closure notes', t => {
  const out = formatPlan(planImport(parseUnitList(fixture('seed-provinces.txt'), 'text'), view))
  t.regex(out, /^Directory import: 65 rows, a list of provinces by name, checked against the 63 provinces in force on 2025-06-30/)
  t.regex(out, /0 to add, 0 to update, 62 unchanged, 4 anomalies, 0 bad rows/)
  for (const code of ['directory-not-a-province', 'directory-unit-dissolved', 'directory-unit-missing']) t.true(out.includes(code))
  t.regex(out, /row 55 +000\.00\.00\.H54 +Thái Bình: closed on 2025-07-01/)
  t.true(out.endsWith('\n'))
})

test('a list of today\'s 34 names matches the current directory with no anomaly', t => {
  const names = view.units.filter(u => u.kind === 'province' && u.status === 'active').map(u => u.name)
  const plan = planImport(parseUnitList(names.join('\n'), 'text'), view)
  t.is(plan.asOfSource, 'current')
  t.is(plan.asOf, undefined)
  t.is(plan.inForce, 34)
  t.deepEqual(plan.anomalies, [])
  t.is(plan.unchanged.length, 34)
})

test('asOf: the seed list checked today flags closed provinces as dissolved and the new missing none', t => {
  const plan = planImport(parseUnitList(fixture('seed-provinces.txt'), 'text'), view, { asOf: '2025-07-01' })
  t.is(plan.asOfSource, 'option')
  t.is(plan.inForce, 34)
  const count = (code: string): number => plan.anomalies.filter(a => a.code === code).length
  t.is(count(DirectoryErrorCode.UNIT_DISSOLVED), 28 + 1) // 2025 closures named in the list, and Hà Tây
  t.is(count(DirectoryErrorCode.NOT_A_PROVINCE), 2)
  t.is(count(DirectoryErrorCode.UNIT_MISSING), 0)
  t.throws(() => planImport([], view, { asOf: '1 July 2025' }), { instanceOf: RangeError })
})

test('a list of ministry names is recognised as such; unknown names are anomalies', t => {
  const plan = planImport(parseUnitList('Bộ Công an\nBộ Y tế\nBộ Không Tồn Tại\n', 'text'), view)
  t.is(plan.kind, 'ministry')
  t.deepEqual(plan.anomalies.filter(a => a.code === DirectoryErrorCode.UNKNOWN_UNIT).map(a => a.name), ['Bộ Không Tồn Tại'])
  t.is(plan.anomalies.filter(a => a.code === DirectoryErrorCode.UNIT_MISSING).length, 23)
})

test('a list of codes: additions, updates with field diffs, unchanged, closed codes and bad rows', t => {
  const csv = [
    'code,name,parent,kind',
    '000.00.00.H29,TP. Hồ Chí Minh,,',
    '000.00.00.H31,Tỉnh Hưng Yên mới,,',
    '000.00.12.H29,Sở Nội vụ,,',
    '000.00.13.H29,Sở Tài chính,000.00.00.H29,',
    '000.00.00.H54,Thái Bình,,',
    '000.00.00.X01,Đơn vị lạ,,',
    '000.00.01.H77,Sở ở tỉnh lạ,,',
    ',Bộ Y tế,,',
    ',Không có mã,,',
    '000.00.00.H57,Thừa Thiên Huế,,',
    '000.00.00.H99,Hà Nội,,province',
    'bad,Bad,,'
  ].join('\n')
  const plan = planImport(parseUnitList(csv, 'csv'), view)
  t.is(plan.mode, 'codes')
  t.deepEqual(plan.additions.map(a => [a.row, a.code, a.kind, a.level, a.parent]), [
    [4, '000.00.12.H29', 'agency', 2, '000.00.00.H29'],
    [5, '000.00.13.H29', 'agency', 2, '000.00.00.H29'],
    [12, '000.00.00.H99', 'province', 1, undefined]
  ])
  t.deepEqual(plan.updates.map(u => [u.row, u.code, u.changes]), [
    [3, '000.00.00.H31', [{ field: 'name', from: 'Hưng Yên', to: 'Tỉnh Hưng Yên mới' }]]
  ])
  t.deepEqual(plan.unchanged.map(u => [u.row, u.code, u.notes]), [
    [2, '000.00.00.H29', ['spelled "TP. Hồ Chí Minh" in the list']],
    [9, '000.00.00.G18', ['no code given; matched by name to 000.00.00.G18']],
    [11, '000.00.00.H57', ['former name "Thừa Thiên Huế" in the list']]
  ])
  t.deepEqual(plan.anomalies.map(a => [a.code, a.row]), [
    [DirectoryErrorCode.UNIT_DISSOLVED, 6],
    [DirectoryErrorCode.NAME_CONFLICT, 12]
  ])
  t.is(plan.anomalies[0]?.detail.resolvesTo, '000.00.00.H31')
  t.deepEqual(plan.errors.map(e => [e.row, e.field, e.code]), [
    [7, 'kind', DirectoryErrorCode.BAD_KIND],
    [8, 'parent', DirectoryErrorCode.UNKNOWN_PARENT],
    [10, 'code', DirectoryErrorCode.MISSING_CODE],
    [13, 'code', DirectoryErrorCode.BAD_CODE]
  ])
  const out = formatPlan(plan)
  t.regex(out, /~ row 3 +000\.00\.00\.H31 +Hưng Yên: name: "Hưng Yên" -> "Tỉnh Hưng Yên mới"/)
  t.regex(out, /\+ row 4 +000\.00\.12\.H29 +Sở Nội vụ +\(agency, level 2, under 000\.00\.00\.H29\)/)
  t.regex(out, /x row 13 +directory-bad-code \(code\)/)
})

test('a code closed in 2025 is unchanged with a note when checked before the reorganisation', t => {
  const plan = planImport(parseUnitList('code,name\n000.00.00.H54,Thái Bình\n', 'csv'), view, { asOf: '2025-06-30' })
  t.deepEqual(plan.anomalies, [])
  t.is(plan.unchanged.length, 1)
  t.regex(plan.unchanged[0]?.notes[0] ?? '', /^closed on 2025-07-01, merged into Hưng Yên \(000\.00\.00\.H31\), to which its code resolves$/)
})

test('a view with chained mergers: the anomaly names the direct successor and the unit now in force', t => {
  const chained = {
    units: [
      { code: '000.00.00.H01', name: 'Tỉnh Một', kind: 'province' as const, status: 'retired' as const, successor: '000.00.00.H02', validTo: '2020-01-01' },
      { code: '000.00.00.H02', name: 'Tỉnh Hai', kind: 'province' as const, status: 'retired' as const, successor: '000.00.00.H03', validTo: '2024-01-01' },
      { code: '000.00.00.H03', name: 'Tỉnh Ba', kind: 'province' as const, status: 'active' as const }
    ]
  }
  const plan = planImport(parseUnitList('Một\nBa\n', 'text'), chained)
  t.is(plan.asOfSource, 'current')
  t.deepEqual(plan.anomalies.map(a => [a.code, a.row]), [[DirectoryErrorCode.UNIT_DISSOLVED, 1]])
  t.regex(plan.anomalies[0]?.message ?? '', /no longer exists: closed on 2020-01-01, merged into Tỉnh Hai \(000\.00\.00\.H02\); its code now resolves to Tỉnh Ba \(000\.00\.00\.H03\)/)
  t.is(plan.anomalies[0]?.detail.resolvesTo, '000.00.00.H03')
})
