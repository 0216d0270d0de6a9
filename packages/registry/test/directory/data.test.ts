import test from 'ava'
import {
  COUNCILS, HA_TAY, IDENTIFIER_CODE_PATTERN, MINISTRIES, NOT_PROVINCES, PROVINCES_BEFORE_2025, REFORM_2025,
  unitNameKey, type DirectoryUnit
} from '../../src/directory/index.js'
import { foldName } from '../../src/directory/normalize.js'

const ALL: readonly DirectoryUnit[] = [...MINISTRIES, ...PROVINCES_BEFORE_2025, HA_TAY, ...COUNCILS]

function byCode (code: string): DirectoryUnit {
  const unit = ALL.find(u => u.code === code)
  if (unit === undefined) throw new Error(`no unit ${code}`)
  return unit
}

test('25 ministry-level G codes, 63 provinces before 2025, all codes well-formed and unique', t => {
  t.is(MINISTRIES.length, 25)
  t.true(MINISTRIES.every(u => u.kind === 'ministry' && /\.G\d\d$/.test(u.code)))
  t.is(PROVINCES_BEFORE_2025.length, 63)
  t.true(PROVINCES_BEFORE_2025.every(u => u.kind === 'province' && /\.H\d\d$/.test(u.code)))
  t.deepEqual(
    PROVINCES_BEFORE_2025.map(u => u.code),
    Array.from({ length: 63 }, (_, i) => `000.00.00.H${String(i + 1).padStart(2, '0')}`)
  )
  t.true(ALL.every(u => IDENTIFIER_CODE_PATTERN.test(u.code) && u.level === 1))
  t.is(new Set(ALL.map(u => u.code)).size, ALL.length)
  t.is(new Set(PROVINCES_BEFORE_2025.map(u => unitNameKey(u.name))).size, 63)
})

test('every unit keeps a confidence letter and at least one source', t => {
  for (const unit of ALL) {
    t.true(['V', 'C', 'W', 'I'].includes(unit.confidence), unit.code)
    t.true(unit.sources.length > 0 && unit.sources.every(s => s.length > 0), unit.code)
  }
  // the verified codes of the facts keep their letters
  t.is(byCode('000.00.00.H27').confidence, 'V')
  t.is(byCode('000.00.00.H29').confidence, 'C')
  t.is(byCode('000.00.00.H22').confidence, 'W')
  t.is(byCode('000.00.00.H54').confidence, 'V')
  t.is(byCode('000.00.00.K54').confidence, 'V')
})

test('the five codes the facts leave open are assigned H23-H26, H28, inferred, with a note', t => {
  const assigned = new Map([
    ['000.00.00.H23', 'Hải Dương'],
    ['000.00.00.H24', 'Hải Phòng'],
    ['000.00.00.H25', 'Hà Nam'],
    ['000.00.00.H26', 'Hà Nội'],
    ['000.00.00.H28', 'Hậu Giang']
  ])
  for (const [code, name] of assigned) {
    const unit = byCode(code)
    t.is(unit.name, name)
    t.is(unit.confidence, 'I')
    t.truthy(unit.note)
    t.true(unit.sources.some(s => s.startsWith('inferred')))
  }
  // the notes of the four truly ambiguous ones name the alternative code
  t.regex(byCode('000.00.00.H26').note ?? '', /would give H24$/)
  t.regex(byCode('000.00.00.H24').note ?? '', /would give H26$/)
})

test('Hà Tây carries a placeholder code that no issued code can take, and says so', t => {
  t.is(HA_TAY.code, '000.00.00.H00')
  t.is(HA_TAY.kind, 'province')
  t.is(HA_TAY.confidence, 'I')
  t.regex(HA_TAY.note ?? '', /placeholder/)
  t.false(PROVINCES_BEFORE_2025.some(u => u.code === HA_TAY.code))
})

test('the 2025 reorganisation leaves 34 units: 11 unchanged plus 23 merged, each predecessor once', t => {
  t.is(REFORM_2025.effective, '2025-07-01')
  t.is(REFORM_2025.unchanged.length + REFORM_2025.merged.length, 34)
  const names = [...REFORM_2025.unchanged, ...REFORM_2025.merged.flatMap(m => m.from)].map(unitNameKey)
  t.is(names.length, 63)
  t.deepEqual(names.sort(), PROVINCES_BEFORE_2025.map(u => unitNameKey(u.name)).sort())
  t.true(REFORM_2025.merged.every(m => m.from.includes(m.into)))
})

test('shipped data is frozen: a caller cannot change what the next one reads', t => {
  t.throws(() => { (MINISTRIES[0] as { name: string }).name = 'x' }, { instanceOf: TypeError })
  t.throws(() => { (PROVINCES_BEFORE_2025[0]?.sources as string[]).push('x') }, { instanceOf: TypeError })
  t.throws(() => { (REFORM_2025.merged as unknown as unknown[]).pop() }, { instanceOf: TypeError })
  t.is(MINISTRIES[0]?.name, 'Bộ Công an')
})

test('not-provinces point at a province of the directory', t => {
  t.deepEqual(NOT_PROVINCES.map(p => p.name), ['Đà Lạt', 'Vũng Tàu'])
  for (const p of NOT_PROVINCES) t.is(byCode(p.belongsTo).kind, 'province')
})

test('name folding ignores case, diacritics, đ, punctuation and administrative prefixes', t => {
  t.is(foldName('Bà Rịa – Vũng Tàu'), 'ba ria vung tau')
  t.is(foldName('ĐẮK NÔNG'), 'dak nong')
  t.is(unitNameKey('Hoà Bình'), unitNameKey('Hòa Bình'))
  t.is(unitNameKey('Thành phố Hồ Chí Minh'), 'ho chi minh')
  t.is(unitNameKey('TP. Hồ Chí Minh'), 'ho chi minh')
  t.is(unitNameKey('tỉnh Quảng Ninh'), 'quang ninh')
  t.is(unitNameKey('Thanh Hóa'), 'thanh hoa')
  t.throws(() => foldName(5 as unknown as string), { instanceOf: TypeError })
})
