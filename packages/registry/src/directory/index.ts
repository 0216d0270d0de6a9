/**
 * The national directory shipped with Lienthong: data with sources and confidence, its history
 * as events, a local fold of them, and the unit-list import checker.
 *
 * @example
 * ```ts
 * import { nationalDirectorySnapshot, resolveDirectoryCode } from '@lienthong/registry'
 * const directory = nationalDirectorySnapshot()
 * resolveDirectoryCode(directory, '000.00.00.H54')?.name // 'Hưng Yên'
 * ```
 */
export type {
  DirectoryConfidence, DirectoryUnitKind, ImportUnitKind, DirectoryUnit, DirectoryEvent, DirectoryCreateEvent,
  DirectoryMergeEvent, DirectoryRenameEvent, DirectoryUnitStatus, DirectoryEntry, DirectorySnapshot
} from './types.js'
export { DirectoryErrorCode } from './errors.js'
export {
  IDENTIFIER_CODE_PATTERN, DIRECTORY_SOURCES, MINISTRIES, PROVINCES_BEFORE_2025, HA_TAY, COUNCILS,
  REFORM_2025, NOT_PROVINCES, type ReformMerger, type NotAProvince
} from './data.js'
export {
  nationalDirectoryEvents, foldDirectoryEvents, nationalDirectorySnapshot, resolveDirectoryCode,
  type ResolvableUnit
} from './history.js'
export { unitNameKey } from './normalize.js'
export type { UnitListRow, UnitListRowError } from './unit-row.js'
export { nationalDirectoryView, type DirectoryView, type DirectoryViewUnit } from './view.js'
export {
  IDENTIFIER_CODES_SINCE, type ImportPlan, type ImportAnomaly, type PlanAddition, type PlanUpdate,
  type PlanUnchanged, type PlanFieldChange, type PlanImportOptions
} from './import-types.js'
export {
  planImport, parseUnitList, formatPlan, MAX_UNIT_LIST_CHARS, MAX_UNIT_LIST_ROWS,
  type ParsedUnitList, type UnitListFormat
} from './import.js'
export { directoryOps, DIRECTORY_DEFAULT_VALID_FROM } from './to-ops.js'
export { registryDirectoryView, importPlanOps } from './registry-view.js'
