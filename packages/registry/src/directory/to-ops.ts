/**
 * The bridge from the national directory's history to registry operations: what the coordinator
 * appends at `init`, right after the genesis entry, so that every node starts from the same
 * signed directory. Sources and confidence travel with each organisation.
 */
import type { OrgCreateOp, OrgMergeOp, OrgRenameOp } from '../ops.js'
import { nationalDirectoryEvents } from './history.js'
import type { DirectoryEvent, IsoDate } from './types.js'

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
        if (event.validFrom !== undefined) op.validFrom = dateToMs(event.validFrom)
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
