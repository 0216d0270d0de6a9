/**
 * The national directory's data, transcribed from shared/data/vn-directory-facts.json (which
 * compiles public sources) and shipped with the package. Every unit keeps its confidence and
 * sources; every choice not in the facts is explained in a `note` and in README.md.
 */
import type { DirectoryConfidence, DirectoryUnit, IsoDate } from './types.js'

/** The identifier format of QCVN 102:2016/BTTTT, e.g. `000.00.00.H29`. */
export const IDENTIFIER_CODE_PATTERN = /^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$/

/** Sources cited by the shipped units and events. */
export const DIRECTORY_SOURCES = {
  QCVN_102: 'QCVN 102:2016/BTTTT',
  QD_20: 'QĐ 20/2020/QĐ-TTg (amended by QĐ 09/2025/QĐ-TTg)',
  FACTS: 'Lienthong vn-directory-facts.json (compiled from public sources)',
  INFERRED: 'inferred: the alphabetical order of level-1 numbers that fits every verified code',
  NQ_202_2025: 'Nghị quyết 202/2025/QH15 (passed 2025-06-12, effective 2025-07-01)',
  // Not in the facts file: the well-known resolutions behind the two earlier changes.
  NQ_15_2008: 'Nghị quyết 15/2008/QH12 (adjusting the boundaries of Hà Nội, effective 2008-08-01)',
  NQ_1314_2024: 'Nghị quyết 1314/NQ-UBTVQH15 (Thành phố Huế, centrally run, from 2025-01-01)'
} as const

const MINISTRY_NOTE = 'list after the 2025 restructuring; gaps (G04, G05, G07, G13, G14, G23-G26...) ' +
  'belonged to bodies dissolved or merged in 2025, which held which is unverified'

const MINISTRY_ROWS: ReadonlyArray<readonly [string, string, DirectoryConfidence]> = [
  ['G01', 'Bộ Công an', 'V'],
  ['G02', 'Bộ Công Thương', 'V'],
  ['G03', 'Bộ Giáo dục và Đào tạo', 'V'],
  ['G06', 'Bộ Khoa học và Công nghệ', 'V'],
  ['G08', 'Bộ Ngoại giao', 'V'],
  ['G09', 'Bộ Nội vụ', 'V'],
  ['G10', 'Bộ Nông nghiệp và Môi trường', 'V'],
  ['G11', 'Bộ Quốc phòng', 'V'],
  ['G12', 'Bộ Tài chính', 'V'],
  ['G15', 'Bộ Tư pháp', 'V'],
  ['G16', 'Bộ Văn hóa, Thể thao và Du lịch', 'V'],
  ['G17', 'Bộ Xây dựng', 'V'],
  ['G18', 'Bộ Y tế', 'V'],
  ['G19', 'Ngân hàng Nhà nước Việt Nam', 'V'],
  ['G20', 'Thanh tra Chính phủ', 'V'],
  ['G21', 'Bộ Dân tộc và Tôn giáo', 'V'],
  ['G22', 'Văn phòng Chính phủ', 'V'],
  ['G27', 'Đài Tiếng nói Việt Nam', 'V'],
  ['G28', 'Đài Truyền hình Việt Nam', 'V'],
  ['G30', 'Thông tấn xã Việt Nam', 'V'],
  ['G31', 'Viện Hàn lâm Khoa học và Công nghệ Việt Nam', 'V'],
  ['G32', 'Viện Hàn lâm Khoa học xã hội Việt Nam', 'V'],
  ['G35', 'Ủy ban An toàn giao thông Quốc gia', 'V'],
  ['G38', 'Ủy ban sông Mê Công Việt Nam', 'V'],
  ['G39', 'Hội đồng đánh giá trữ lượng khoáng sản quốc gia', 'V']
]

// Five provinces have codes the facts only place "among H23, H24, H25, H26, H28" (order
// unverified; "Hà Nội is H24 or H26"). Hậu Giang sorts after the other four however names are
// compared, so it takes the last slot, H28. For the other four two readings fit: comparing
// letters only (spaces ignored), the one order in which the whole block H22..H28 around the
// verified Hà Tĩnh H27 is sorted, gives Hải Dương, Hải Phòng, Hà Nam, Hà Nội = H23..H26;
// comparing word by word gives Hà Nam, Hà Nội, Hải Dương, Hải Phòng. The first is used.
const BLOCK_NOTE = 'code not verified: the facts place Hà Nam, Hà Nội, Hải Dương, Hải Phòng and Hậu Giang ' +
  'on H23, H24, H25, H26 and H28 in an unverified order; this project uses the letters-only alphabetical ' +
  'order (Hải Dương H23, Hải Phòng H24, Hà Nam H25, Hà Nội H26); the word-by-word order would give '
const UNKNOWN_CODE_NOTES: Readonly<Record<string, string>> = {
  H23: BLOCK_NOTE + 'H25',
  H24: BLOCK_NOTE + 'H26',
  H25: BLOCK_NOTE + 'H23',
  H26: BLOCK_NOTE + 'H24',
  H28: 'code not verified: among H23..H26, H28 the facts leave open, Hậu Giang is the one name that sorts ' +
    'after Hà Tĩnh (H27) under every reading of the alphabetical order, so it takes H28'
}

const HCM_NOTE = 'the facts name it Hồ Chí Minh; "Thành phố" is part of the city\'s official name'

/** The 63 provinces and centrally-run cities before 2025-07-01: level-1 number, name, confidence. */
const PROVINCE_ROWS: ReadonlyArray<readonly [string, string, DirectoryConfidence]> = [
  ['H01', 'An Giang', 'W'], ['H02', 'Bà Rịa - Vũng Tàu', 'I'], ['H03', 'Bắc Giang', 'I'],
  ['H04', 'Bắc Kạn', 'I'], ['H05', 'Bạc Liêu', 'I'], ['H06', 'Bắc Ninh', 'I'],
  ['H07', 'Bến Tre', 'I'], ['H08', 'Bình Định', 'I'], ['H09', 'Bình Dương', 'I'],
  ['H10', 'Bình Phước', 'I'], ['H11', 'Bình Thuận', 'I'], ['H12', 'Cà Mau', 'I'],
  ['H13', 'Cần Thơ', 'I'], ['H14', 'Cao Bằng', 'I'], ['H15', 'Đà Nẵng', 'I'],
  ['H16', 'Đắk Lắk', 'I'], ['H17', 'Đắk Nông', 'I'], ['H18', 'Điện Biên', 'I'],
  ['H19', 'Đồng Nai', 'I'], ['H20', 'Đồng Tháp', 'I'], ['H21', 'Gia Lai', 'I'],
  ['H22', 'Hà Giang', 'W'], ['H23', 'Hải Dương', 'I'], ['H24', 'Hải Phòng', 'I'],
  ['H25', 'Hà Nam', 'I'], ['H26', 'Hà Nội', 'I'], ['H27', 'Hà Tĩnh', 'V'],
  ['H28', 'Hậu Giang', 'I'], ['H29', 'Thành phố Hồ Chí Minh', 'C'], ['H30', 'Hòa Bình', 'I'],
  ['H31', 'Hưng Yên', 'I'], ['H32', 'Khánh Hòa', 'I'], ['H33', 'Kiên Giang', 'I'],
  ['H34', 'Kon Tum', 'I'], ['H35', 'Lai Châu', 'I'], ['H36', 'Lâm Đồng', 'I'],
  ['H37', 'Lạng Sơn', 'W'], ['H38', 'Lào Cai', 'I'], ['H39', 'Long An', 'I'],
  ['H40', 'Nam Định', 'I'], ['H41', 'Nghệ An', 'C'], ['H42', 'Ninh Bình', 'I'],
  ['H43', 'Ninh Thuận', 'I'], ['H44', 'Phú Thọ', 'I'], ['H45', 'Phú Yên', 'I'],
  ['H46', 'Quảng Bình', 'I'], ['H47', 'Quảng Nam', 'I'], ['H48', 'Quảng Ngãi', 'I'],
  ['H49', 'Quảng Ninh', 'V'], ['H50', 'Quảng Trị', 'I'], ['H51', 'Sóc Trăng', 'I'],
  ['H52', 'Sơn La', 'I'], ['H53', 'Tây Ninh', 'I'], ['H54', 'Thái Bình', 'V'],
  ['H55', 'Thái Nguyên', 'I'], ['H56', 'Thanh Hóa', 'I'], ['H57', 'Thừa Thiên Huế', 'V'],
  ['H58', 'Tiền Giang', 'I'], ['H59', 'Trà Vinh', 'I'], ['H60', 'Tuyên Quang', 'I'],
  ['H61', 'Vĩnh Long', 'I'], ['H62', 'Vĩnh Phúc', 'I'], ['H63', 'Yên Bái', 'I']
]

/** Freeze shipped data all the way down, so no caller can change what the next one reads. */
function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}

function levelOneCode (level1: string): string {
  return `000.00.00.${level1}`
}

/** The 25 ministry-level units (G codes), as listed after the 2025 restructuring. */
export const MINISTRIES: readonly DirectoryUnit[] = deepFreeze(MINISTRY_ROWS.map(([level1, name, confidence]) => ({
  code: levelOneCode(level1),
  name,
  level: 1,
  kind: 'ministry',
  confidence,
  sources: [DIRECTORY_SOURCES.QD_20, DIRECTORY_SOURCES.FACTS],
  note: MINISTRY_NOTE
})))

/** The 63 provincial People's Committees (H codes) as they were before 2025-07-01. */
export const PROVINCES_BEFORE_2025: readonly DirectoryUnit[] = deepFreeze(PROVINCE_ROWS.map(([level1, name, confidence]) => {
  const sources: string[] = [DIRECTORY_SOURCES.QCVN_102, DIRECTORY_SOURCES.QD_20, DIRECTORY_SOURCES.FACTS]
  if (confidence === 'I') sources.push(DIRECTORY_SOURCES.INFERRED)
  const unit: DirectoryUnit = { code: levelOneCode(level1), name, level: 1, kind: 'province', confidence, sources }
  const note = level1 === 'H29' ? HCM_NOTE : UNKNOWN_CODE_NOTES[level1]
  if (note !== undefined) unit.note = note
  return unit
}))

/**
 * Hà Tây, merged into Hà Nội on 2008-08-01. It never had a QCVN 102 code; `000.00.00.H00` is a
 * placeholder (level-1 numbers start at 01, so it can never clash with an issued code).
 */
export const HA_TAY: DirectoryUnit = deepFreeze({
  code: '000.00.00.H00',
  name: 'Hà Tây',
  level: 1,
  kind: 'province',
  confidence: 'I',
  sources: [DIRECTORY_SOURCES.FACTS, DIRECTORY_SOURCES.NQ_15_2008],
  note: 'never had a QCVN 102 code (the standard dates from 2016): 000.00.00.H00 is a placeholder assigned ' +
    'by this project so that history can name the unit and resolve it to Hà Nội; never address documents to it'
})

/** Provincial People's Councils (K codes): the two the facts verify, and Hưng Yên's, inferred. */
export const COUNCILS: readonly DirectoryUnit[] = deepFreeze([
  {
    code: '000.00.00.K31',
    name: 'HĐND tỉnh Hưng Yên',
    level: 1,
    kind: 'council',
    confidence: 'I',
    sources: [DIRECTORY_SOURCES.INFERRED],
    note: 'not in the facts: inferred from the pattern that a council\'s K number equals its province\'s ' +
      'H number (K54/H54 Thái Bình and K57/H57 Huế are verified); needed as the successor of K54'
  },
  {
    code: '000.00.00.K54',
    name: 'HĐND tỉnh Thái Bình',
    level: 1,
    kind: 'council',
    confidence: 'V',
    sources: [DIRECTORY_SOURCES.QD_20, DIRECTORY_SOURCES.FACTS]
  },
  {
    code: '000.00.00.K57',
    name: 'HĐND Thành phố Huế',
    level: 1,
    kind: 'council',
    confidence: 'V',
    sources: [DIRECTORY_SOURCES.QD_20, DIRECTORY_SOURCES.FACTS],
    note: 'name as verified in 2025 (Thừa Thiên Huế became Thành phố Huế on 2025-01-01)'
  }
])

/** One row of the 2025 reorganisation: province names as in the facts, `into` among `from`. */
export interface ReformMerger {
  into: string
  from: readonly string[]
  /** Rows taken from consistent third-party lists rather than official or news texts. */
  thirdParty?: true
}

/** The 2025 reorganisation (Nghị quyết 202/2025/QH15): 63 provincial-level units become 34. */
export const REFORM_2025: {
  effective: IsoDate
  basis: string
  unchanged: readonly string[]
  merged: readonly ReformMerger[]
} = deepFreeze({
  effective: '2025-07-01',
  basis: 'Nghị quyết 202/2025/QH15 (passed 2025-06-12)',
  unchanged: ['Hà Nội', 'Thừa Thiên Huế', 'Lai Châu', 'Điện Biên', 'Sơn La', 'Lạng Sơn', 'Quảng Ninh',
    'Thanh Hóa', 'Nghệ An', 'Hà Tĩnh', 'Cao Bằng'],
  merged: [
    { into: 'Tuyên Quang', from: ['Tuyên Quang', 'Hà Giang'] },
    { into: 'Lào Cai', from: ['Lào Cai', 'Yên Bái'] },
    { into: 'Thái Nguyên', from: ['Thái Nguyên', 'Bắc Kạn'] },
    { into: 'Phú Thọ', from: ['Phú Thọ', 'Vĩnh Phúc', 'Hòa Bình'] },
    { into: 'Bắc Ninh', from: ['Bắc Ninh', 'Bắc Giang'] },
    { into: 'Hưng Yên', from: ['Hưng Yên', 'Thái Bình'] },
    { into: 'Hải Phòng', from: ['Hải Phòng', 'Hải Dương'] },
    { into: 'Ninh Bình', from: ['Ninh Bình', 'Hà Nam', 'Nam Định'] },
    { into: 'Quảng Trị', from: ['Quảng Trị', 'Quảng Bình'] },
    { into: 'Đà Nẵng', from: ['Đà Nẵng', 'Quảng Nam'], thirdParty: true },
    { into: 'Quảng Ngãi', from: ['Quảng Ngãi', 'Kon Tum'], thirdParty: true },
    { into: 'Gia Lai', from: ['Gia Lai', 'Bình Định'], thirdParty: true },
    { into: 'Khánh Hòa', from: ['Khánh Hòa', 'Ninh Thuận'], thirdParty: true },
    { into: 'Lâm Đồng', from: ['Lâm Đồng', 'Đắk Nông', 'Bình Thuận'] },
    { into: 'Đắk Lắk', from: ['Đắk Lắk', 'Phú Yên'], thirdParty: true },
    { into: 'Hồ Chí Minh', from: ['Hồ Chí Minh', 'Bình Dương', 'Bà Rịa - Vũng Tàu'] },
    { into: 'Đồng Nai', from: ['Đồng Nai', 'Bình Phước'], thirdParty: true },
    { into: 'Tây Ninh', from: ['Tây Ninh', 'Long An'] },
    { into: 'Cần Thơ', from: ['Cần Thơ', 'Sóc Trăng', 'Hậu Giang'] },
    { into: 'Vĩnh Long', from: ['Vĩnh Long', 'Bến Tre', 'Trà Vinh'] },
    { into: 'Đồng Tháp', from: ['Đồng Tháp', 'Tiền Giang'] },
    { into: 'Cà Mau', from: ['Cà Mau', 'Bạc Liêu'] },
    { into: 'An Giang', from: ['An Giang', 'Kiên Giang'] }
  ]
})

/** A place often listed among provinces that is not one: what it is and where it belongs. */
export interface NotAProvince {
  name: string
  what: string
  /** Code of the province it belongs (or belonged) to. */
  belongsTo: string
}

/** Names that are not provinces (facts.notProvinces), with the province each belongs to. */
export const NOT_PROVINCES: readonly NotAProvince[] = deepFreeze([
  {
    name: 'Đà Lạt',
    what: 'a city, capital of Lâm Đồng; since 2025-07-01 split into wards of the merged Lâm Đồng',
    belongsTo: '000.00.00.H36'
  },
  {
    name: 'Vũng Tàu',
    what: 'a city of Bà Rịa - Vũng Tàu province, which since 2025-07-01 is part of Thành phố Hồ Chí Minh',
    belongsTo: '000.00.00.H02'
  }
])
