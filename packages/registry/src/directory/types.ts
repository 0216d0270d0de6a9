/**
 * Types of the national directory: level-1 units (ministries, provincial People's Committees,
 * provincial People's Councils), the events that build the directory, and the folded result.
 *
 * These types are local to the directory module on purpose: the data and its history can be
 * checked without the signed registry log.
 */

/**
 * How sure we are of a unit's identifier code (letters of vn-directory-facts.json):
 * - `V` verified in an official or primary text;
 * - `C` verified in public code or practitioner data;
 * - `W` weak evidence;
 * - `I` inferred (from the alphabetical-order pattern that fits every verified code, or,
 *   where the unit's `note` says so, chosen deterministically among the possible codes).
 */
export type DirectoryConfidence = 'V' | 'C' | 'W' | 'I'

/** Kinds of level-1 units shipped in the national directory. */
export type DirectoryUnitKind = 'ministry' | 'province' | 'council'

/** Kinds a unit list may name: the level-1 kinds plus `agency` (any lower-level unit). */
export type ImportUnitKind = DirectoryUnitKind | 'agency'

/** Calendar date `YYYY-MM-DD`. */
export type IsoDate = string

/** A level-1 unit of the national directory, kept with its sources and confidence. */
export interface DirectoryUnit {
  /** Full identifier code, e.g. `000.00.00.H29`. */
  code: string
  name: string
  level: 1
  kind: DirectoryUnitKind
  confidence: DirectoryConfidence
  /** Where the code and name come from (legal texts, standards, the inference used). */
  sources: string[]
  /** What is uncertain or special about this unit. */
  note?: string
}

/** A unit comes into the directory. */
export interface DirectoryCreateEvent {
  type: 'create'
  unit: DirectoryUnit
  validFrom?: IsoDate
}

/**
 * Units merge: every code in `from` other than `into` is closed at `at` and resolves to `into`
 * (QĐ 09/2025/QĐ-TTg: the merged unit keeps the code of the predecessor whose name it takes).
 */
export interface DirectoryMergeEvent {
  type: 'merge'
  /** All predecessors, `into` included. */
  from: string[]
  into: string
  at: IsoDate
  /** The successor's new name, only when it changed. */
  name?: string
  /** The legal text the merger rests on. */
  basis: string
  /** Confidence in this row of the reorganisation (which units merged into which). */
  confidence: DirectoryConfidence
  note?: string
}

/** A unit changes its name and keeps its code. */
export interface DirectoryRenameEvent {
  type: 'rename'
  code: string
  name: string
  at: IsoDate
  basis?: string
  confidence?: DirectoryConfidence
}

/** One step of the directory's history. */
export type DirectoryEvent = DirectoryCreateEvent | DirectoryMergeEvent | DirectoryRenameEvent

/** Lifecycle of a unit in the folded directory. */
export type DirectoryUnitStatus = 'active' | 'retired'

/** A unit after folding the history: its current name, status and, once closed, its successor. */
export interface DirectoryEntry extends DirectoryUnit {
  status: DirectoryUnitStatus
  /** Code of the unit this one merged into (set when retired by a merger). */
  successor?: string
  validFrom?: IsoDate
  /** First day the unit no longer exists. */
  validTo?: IsoDate
  /** Former names, oldest first (a name given before a rename). */
  aliases: string[]
}

/** The folded directory: every unit ever created, in creation order. */
export interface DirectorySnapshot {
  units: DirectoryEntry[]
}
