import test from 'ava'
import {
  DirectoryErrorCode, foldDirectoryEvents, nationalDirectoryEvents, nationalDirectorySnapshot, resolveDirectoryCode,
  type DirectoryEntry, type DirectoryEvent
} from '../../src/directory/index.js'

// facts.reform2025: the 11 unchanged units and the 23 merged units, with the codes they keep.
const ACTIVE_2025: ReadonlyArray<readonly [string, string]> = [
  ['H26', 'Hà Nội'], ['H57', 'Thành phố Huế'], ['H35', 'Lai Châu'], ['H18', 'Điện Biên'], ['H52', 'Sơn La'],
  ['H37', 'Lạng Sơn'], ['H49', 'Quảng Ninh'], ['H56', 'Thanh Hóa'], ['H41', 'Nghệ An'], ['H27', 'Hà Tĩnh'],
  ['H14', 'Cao Bằng'],
  ['H60', 'Tuyên Quang'], ['H38', 'Lào Cai'], ['H55', 'Thái Nguyên'], ['H44', 'Phú Thọ'], ['H06', 'Bắc Ninh'],
  ['H31', 'Hưng Yên'], ['H24', 'Hải Phòng'], ['H42', 'Ninh Bình'], ['H50', 'Quảng Trị'], ['H15', 'Đà Nẵng'],
  ['H48', 'Quảng Ngãi'], ['H21', 'Gia Lai'], ['H32', 'Khánh Hòa'], ['H36', 'Lâm Đồng'], ['H16', 'Đắk Lắk'],
  ['H29', 'Thành phố Hồ Chí Minh'], ['H19', 'Đồng Nai'], ['H53', 'Tây Ninh'], ['H13', 'Cần Thơ'],
  ['H61', 'Vĩnh Long'], ['H20', 'Đồng Tháp'], ['H12', 'Cà Mau'], ['H01', 'An Giang']
]
const INFERRED_ACTIVE = new Set(['H26', 'H24', 'H35', 'H18', 'H52', 'H56', 'H14', 'H60', 'H38', 'H55', 'H44', 'H06',
  'H31', 'H42', 'H50', 'H15', 'H48', 'H21', 'H32', 'H36', 'H16', 'H19', 'H53', 'H13', 'H61', 'H20', 'H12'])

const snapshot = nationalDirectorySnapshot()

function unit (code: string): DirectoryEntry {
  const found = snapshot.units.find(u => u.code === code)
  if (found === undefined) throw new Error(`no unit ${code}`)
  return found
}

test('after folding the events exactly 34 provincial People\'s Committees are active, all present by code', t => {
  const active = snapshot.units.filter(u => u.kind === 'province' && u.status === 'active')
  t.is(active.length, 34)
  t.deepEqual(active.map(u => u.code).sort(), ACTIVE_2025.map(([c]) => `000.00.00.${c}`).sort())
  for (const [level1, name] of ACTIVE_2025) {
    const u = unit(`000.00.00.${level1}`)
    t.is(u.name, name)
    t.is(u.status, 'active')
    t.is(u.confidence === 'I', INFERRED_ACTIVE.has(level1), `${level1} confidence ${u.confidence}`)
  }
})

test('25 ministries are active and every unit keeps its confidence and sources', t => {
  t.is(snapshot.units.filter(u => u.kind === 'ministry' && u.status === 'active').length, 25)
  t.is(snapshot.units.filter(u => u.kind === 'province').length, 64)
  for (const u of snapshot.units) {
    t.true(['V', 'C', 'W', 'I'].includes(u.confidence), u.code)
    t.true(u.sources.length > 0, u.code)
  }
})

test('Thái Bình (H54) resolves to Hưng Yên; H29 is Thành phố Hồ Chí Minh; Hà Tây resolves to Hà Nội', t => {
  const thaiBinh = unit('000.00.00.H54')
  t.is(thaiBinh.status, 'retired')
  t.is(thaiBinh.validTo, '2025-07-01')
  t.is(resolveDirectoryCode(snapshot, '000.00.00.H54')?.name, 'Hưng Yên')
  t.is(resolveDirectoryCode(snapshot, '000.00.00.H54')?.code, '000.00.00.H31')
  t.is(unit('000.00.00.H29').name, 'Thành phố Hồ Chí Minh')
  t.is(resolveDirectoryCode(snapshot, '000.00.00.H02')?.code, '000.00.00.H29')
  const haTay = unit('000.00.00.H00')
  t.is(haTay.name, 'Hà Tây')
  t.is(haTay.validTo, '2008-08-01')
  t.is(resolveDirectoryCode(snapshot, '000.00.00.H00')?.name, 'Hà Nội')
  t.is(resolveDirectoryCode(snapshot, '000.00.00.K54')?.code, '000.00.00.K31')
  t.is(resolveDirectoryCode(snapshot, '000.00.00.H99'), undefined)
})

test('every closed code has an active successor; merged units keep the code of the predecessor whose name they took', t => {
  const retired = snapshot.units.filter(u => u.status === 'retired')
  t.is(retired.length, 29 + 1 + 1) // 2025 provinces, Hà Tây, council K54
  for (const u of retired) {
    t.truthy(u.successor, u.code)
    t.is(unit(u.successor ?? '').status, 'active', u.code)
    t.truthy(u.validTo, u.code)
  }
  for (const event of nationalDirectoryEvents()) {
    if (event.type !== 'merge') continue
    t.true(event.from.includes(event.into))
    t.is(event.name, undefined)
    t.true(event.basis.length > 0)
  }
})

test('Thừa Thiên Huế was renamed Thành phố Huế on 2025-01-01 and keeps its old name as an alias', t => {
  const hue = unit('000.00.00.H57')
  t.is(hue.name, 'Thành phố Huế')
  t.deepEqual(hue.aliases, ['Thừa Thiên Huế'])
})

test('events are dated in order and each call returns a fresh copy', t => {
  const events = nationalDirectoryEvents()
  const dates = events.flatMap(e => e.type === 'create' ? [] : [e.at])
  t.deepEqual(dates, [...dates].sort())
  t.is(events.filter(e => e.type === 'create').length, 25 + 64 + 3)
  t.is(events.filter(e => e.type === 'merge').length, 1 + 23 + 1)
  const first = events[0]
  if (first?.type === 'create') first.unit.name = 'changed'
  const again = nationalDirectoryEvents()[0]
  t.true(again?.type === 'create' && again.unit.name === 'Bộ Công an')
})

test('the fold refuses events that cannot apply', t => {
  const create = (code: string): DirectoryEvent => ({
    type: 'create',
    unit: { code, name: code, level: 1, kind: 'province', confidence: 'I', sources: ['test'] }
  })
  const bad: DirectoryEvent[][] = [
    [create('H01')],
    [create('000.00.00.H01'), create('000.00.00.H01')],
    [create('000.00.00.H01'), { type: 'merge', from: ['000.00.00.H01', '000.00.00.H02'], into: '000.00.00.H01', at: '2025-07-01', basis: 'x', confidence: 'V' }],
    [create('000.00.00.H01'), create('000.00.00.H02'), { type: 'merge', from: ['000.00.00.H02'], into: '000.00.00.H01', at: '2025-07-01', basis: 'x', confidence: 'V' }],
    [create('000.00.00.H01'), { type: 'rename', code: '000.00.00.H01', name: 'x', at: '2025-13-01' }]
  ]
  for (const events of bad) {
    t.throws(() => foldDirectoryEvents(events), { code: DirectoryErrorCode.BAD_EVENT })
  }
  // a retired code cannot merge again
  const twice: DirectoryEvent[] = [
    create('000.00.00.H01'), create('000.00.00.H02'), create('000.00.00.H03'),
    { type: 'merge', from: ['000.00.00.H01', '000.00.00.H02'], into: '000.00.00.H01', at: '2025-07-01', basis: 'x', confidence: 'V' },
    { type: 'merge', from: ['000.00.00.H03', '000.00.00.H02'], into: '000.00.00.H03', at: '2025-07-02', basis: 'x', confidence: 'V' }
  ]
  t.throws(() => foldDirectoryEvents(twice), { code: DirectoryErrorCode.BAD_EVENT })
})

test('resolving a broken or looping successor chain throws directory-unresolvable', t => {
  const loop = {
    units: [
      { code: 'a', status: 'retired' as const, successor: 'b' },
      { code: 'b', status: 'retired' as const, successor: 'a' },
      { code: 'c', status: 'retired' as const, successor: 'zz' }
    ]
  }
  t.throws(() => resolveDirectoryCode(loop, 'a'), { code: DirectoryErrorCode.UNRESOLVABLE })
  t.throws(() => resolveDirectoryCode(loop, 'c'), { code: DirectoryErrorCode.UNRESOLVABLE })
})
