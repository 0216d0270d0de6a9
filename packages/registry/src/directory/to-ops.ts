/**
 * The bridge from the national directory's history to registry operations: what the coordinator
 * appends at `init`, right after the genesis entry, so that every node starts from the same
 * signed directory. Sources and confidence travel with each organisation.
 */
import type { OrgCreateOp, OrgMergeOp, OrgRenameOp } from '../ops.js'
import { nationalDirectoryEvents } from './history.js'
import type { DirectoryEvent, IsoDate } from './types.js'

/**
 * Start dates for units whose history does not give one. Provinces and councils: 2004-01-01, when
 * the 64-province map (63 today's pre-2025 provinces plus Hà Tây) took effect (Nghị quyết
 * 22/2003/QH11). Ministries: 2025-03-01, when the government structure the shipped list reflects
 * took effect. Dates matter for checking a list "as of" a day (directory import).
 */
export const DIRECTORY_DEFAULT_VALID_FROM = { province: '2004-01-01', council: '2004-01-01', ministry: '2025-03-01' } as const

function dateToMs (date: IsoDate): number {
  return Date.parse(`${date}T00:00:00+07:00`)
}

/** Registry operations for a directory history (default: the national directory), in order. */
export function directoryOps (events: readonly DirectoryEvent[] = nationalDirectoryEvents()): Array<OrgCreateOp | OrgMergeOp | OrgRenameOp> {
  return events.map((event) => {
    switch (event.type) {
      case 'create': {
        const { unit } = event
        const op: OrgCreateOp = {
          type: 'org.create',
          code: unit.code,
          name: unit.name,
          level: unit.level,
          kind: unit.kind,
          source: { confidence: unit.confidence, refs: [...unit.sources], ...(unit.note === undefined ? {} : { note: unit.note }) }
        }
        op.validFrom = dateToMs(event.validFrom ?? DIRECTORY_DEFAULT_VALID_FROM[unit.kind])
        return op
      }
      case 'merge': {
        const op: OrgMergeOp = { type: 'org.merge', from: event.from.filter((c) => c !== event.into), into: event.into, at: dateToMs(event.at) }
        if (event.name !== undefined) op.name = event.name
        return op
      }
      case 'rename':
        return { type: 'org.rename', code: event.code, name: event.name }
    }
  })
}
