/**
 * The national directory as history: the events that, applied in order, yield today's
 * directory, and a small local fold of those events.
 */
import { LienthongError } from '@lienthong/errors'
import { COUNCILS, DIRECTORY_SOURCES, HA_TAY, IDENTIFIER_CODE_PATTERN, MINISTRIES, PROVINCES_BEFORE_2025, REFORM_2025 } from './data.js'
import { DirectoryErrorCode } from './errors.js'
import { unitNameKey } from './normalize.js'
import type { DirectoryEntry, DirectoryEvent, DirectorySnapshot, DirectoryUnit, DirectoryUnitStatus } from './types.js'

const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/

function provinceCode (factsName: string): string {
  const key = unitNameKey(factsName)
  const found = PROVINCES_BEFORE_2025.filter(p => unitNameKey(p.name) === key)
  if (found.length !== 1 || found[0] === undefined) {
    // The shipped data is inconsistent: a programming error caught by the tests.
    throw new RangeError(`reform names ${found.length} provinces for "${factsName}"`)
  }
  return found[0].code
}

function copyUnit (unit: DirectoryUnit): DirectoryUnit {
  const copy: DirectoryUnit = { ...unit, sources: [...unit.sources] }
  return copy
}

/**
 * The national directory's history, oldest first: the 25 ministries, the 63 provinces as they
 * were before 2025-07-01 and Hà Tây, the provincial councils, then Hà Tây's merger into Hà Nội
 * (2008-08-01), Thừa Thiên Huế renamed Thành phố Huế (2025-01-01) and the 2025 reorganisation.
 * Returns a fresh copy on every call.
 */
export function nationalDirectoryEvents (): DirectoryEvent[] {
  const events: DirectoryEvent[] = []
  for (const unit of [...MINISTRIES, ...PROVINCES_BEFORE_2025, HA_TAY, ...COUNCILS]) {
    events.push({ type: 'create', unit: copyUnit(unit) })
  }
  const haNoi = provinceCode('Hà Nội')
  events.push({
    type: 'merge',
    from: [haNoi, HA_TAY.code],
    into: haNoi,
    at: '2008-08-01',
    basis: DIRECTORY_SOURCES.NQ_15_2008,
    confidence: 'V',
    note: 'Hà Tây merged whole into Hà Nội, before identifier codes existed'
  })
  events.push({
    type: 'rename',
    code: provinceCode('Thừa Thiên Huế'),
    name: 'Thành phố Huế',
    at: '2025-01-01',
    basis: DIRECTORY_SOURCES.NQ_1314_2024,
    confidence: 'V'
  })
  for (const row of REFORM_2025.merged) {
    const into = provinceCode(row.into)
    const event: DirectoryEvent = {
      type: 'merge',
      from: row.from.map(provinceCode),
      into,
      at: REFORM_2025.effective,
      basis: REFORM_2025.basis,
      confidence: row.thirdParty === true ? 'C' : 'V'
    }
    if (row.thirdParty === true) event.note = 'this row comes from consistent third-party lists'
    events.push(event)
  }
  events.push({
    type: 'merge',
    from: ['000.00.00.K31', '000.00.00.K54'],
    into: '000.00.00.K31',
    at: REFORM_2025.effective,
    basis: REFORM_2025.basis,
    confidence: 'V',
    note: 'the People\'s Council follows its province (Thái Bình into Hưng Yên); K31 is inferred'
  })
  return events
}

function badEvent (index: number, message: string, code?: string): LienthongError {
  const meta: Record<string, string | number> = { index }
  if (code !== undefined) meta.code = code
  return new LienthongError(DirectoryErrorCode.BAD_EVENT, message, meta)
}

function activeEntry (units: Map<string, DirectoryEntry>, code: string, index: number): DirectoryEntry {
  const entry = units.get(code)
  if (entry === undefined) throw badEvent(index, 'event names an unknown code', code)
  if (entry.status !== 'active') throw badEvent(index, 'event names a retired code', code)
  return entry
}

/**
 * Fold directory events, in order, into the resulting directory. Throws `directory-bad-event`
 * when an event cannot apply (duplicate or malformed code, unknown or retired code, bad date,
 * a merge whose `into` is not among its `from`).
 */
export function foldDirectoryEvents (events: readonly DirectoryEvent[]): DirectorySnapshot {
  // checked through an unknown copy: Array.isArray would narrow `events` itself to any[]
  const given: unknown = events
  if (!Array.isArray(given)) throw new TypeError('events must be an array')
  const units = new Map<string, DirectoryEntry>()
  events.forEach((event, index) => {
    if (event.type === 'create') {
      const { unit } = event
      if (!IDENTIFIER_CODE_PATTERN.test(unit.code)) throw badEvent(index, 'malformed code', unit.code)
      if (units.has(unit.code)) throw badEvent(index, 'code created twice', unit.code)
      if (event.validFrom !== undefined && !DATE_PATTERN.test(event.validFrom)) throw badEvent(index, 'bad date', unit.code)
      const entry: DirectoryEntry = { ...copyUnit(unit), status: 'active', aliases: [] }
      if (event.validFrom !== undefined) entry.validFrom = event.validFrom
      units.set(unit.code, entry)
    } else if (event.type === 'merge') {
      if (!DATE_PATTERN.test(event.at)) throw badEvent(index, 'bad date', event.into)
      if (!event.from.includes(event.into)) throw badEvent(index, 'merge target is not a predecessor', event.into)
      if (new Set(event.from).size !== event.from.length) throw badEvent(index, 'predecessor listed twice', event.into)
      const target = activeEntry(units, event.into, index)
      const closed = event.from.filter(code => code !== event.into).map(code => activeEntry(units, code, index))
      for (const entry of closed) {
        entry.status = 'retired'
        entry.successor = event.into
        entry.validTo = event.at
      }
      if (event.name !== undefined && event.name !== target.name) {
        target.aliases.push(target.name)
        target.name = event.name
      }
    } else {
      if (!DATE_PATTERN.test(event.at)) throw badEvent(index, 'bad date', event.code)
      const target = activeEntry(units, event.code, index)
      if (event.name !== target.name) {
        target.aliases.push(target.name)
        target.name = event.name
      }
    }
  })
  return { units: [...units.values()] }
}

/** Today's national directory: {@link nationalDirectoryEvents} folded. */
export function nationalDirectorySnapshot (): DirectorySnapshot {
  return foldDirectoryEvents(nationalDirectoryEvents())
}

/** The least a unit needs for its code to be resolved through mergers. */
export interface ResolvableUnit {
  code: string
  status: DirectoryUnitStatus
  successor?: string
}

/**
 * Follow successors from `code` to the unit now in force. Returns `undefined` for an unknown
 * code, the unit itself when active (or retired without a successor), and throws
 * `directory-unresolvable` when a successor is unknown or the chain loops.
 */
export function resolveDirectoryCode<T extends ResolvableUnit> (
  directory: { units: readonly T[] }, code: string
): T | undefined {
  return followSuccessors(new Map(directory.units.map(u => [u.code, u])), code)
}

/** {@link resolveDirectoryCode} over an index by code (internal: the importer reuses its index). */
export function followSuccessors<T extends ResolvableUnit> (byCode: ReadonlyMap<string, T>, code: string): T | undefined {
  let unit = byCode.get(code)
  if (unit === undefined) return undefined
  const seen = new Set<string>([code])
  while (unit.status === 'retired' && unit.successor !== undefined) {
    const next = byCode.get(unit.successor)
    if (next === undefined || seen.has(next.code)) {
      throw new LienthongError(DirectoryErrorCode.UNRESOLVABLE, 'successor chain is broken or loops', { code, at: unit.code })
    }
    seen.add(next.code)
    unit = next
  }
  return unit
}
