/**
 * Stable codes of the national directory and of unit-list imports. Never rename a released code.
 *
 * Row-level codes appear in `ParseResult.errors` / `ImportPlan.errors`; anomaly codes in
 * `ImportPlan.anomalies`; whole-input codes are thrown as `LienthongError`.
 */
export const DirectoryErrorCode = {
  /** Thrown: the input is not in the announced format (bad JSON, no header, unterminated quote). */
  BAD_FORMAT: 'directory-bad-format',
  /** Thrown: the input is larger than the import limits. */
  TOO_LARGE: 'directory-too-large',
  /** Thrown: a directory event cannot be applied (unknown code, duplicate unit, bad date). */
  BAD_EVENT: 'directory-bad-event',
  /** Thrown: following successors from a code ends in a loop or an unknown code. */
  UNRESOLVABLE: 'directory-unresolvable',

  /** Row: the code does not match the identifier format `DDD.DD.DD.LDD`. */
  BAD_CODE: 'directory-bad-code',
  /** Row: the name is empty or missing. */
  MISSING_NAME: 'directory-missing-name',
  /** Row: the name is too long or holds control characters. */
  BAD_NAME: 'directory-bad-name',
  /** Row: the level is not 1..4 or disagrees with the code. */
  BAD_LEVEL: 'directory-bad-level',
  /** Row: the kind is unknown or disagrees with the code. */
  BAD_KIND: 'directory-bad-kind',
  /** Row: the parent is not a valid code, or is not the unit above the row's code. */
  BAD_PARENT: 'directory-bad-parent',
  /** Row: the row is not an object (JSON) or has more cells than the header (CSV). */
  BAD_ROW: 'directory-bad-row',
  /** Row: the same code (or, without a code, the same name) appears in an earlier row. */
  DUPLICATE_ROW: 'directory-duplicate-row',
  /** Row: a row without a code in a list of codes whose name matches no unit. */
  MISSING_CODE: 'directory-missing-code',
  /** Row: the parent code is in neither the directory nor the list. */
  UNKNOWN_PARENT: 'directory-unknown-parent',

  /** Anomaly: the name is a city or place, not a province (e.g. Đà Lạt). */
  NOT_A_PROVINCE: 'directory-not-a-province',
  /** Anomaly: the row names a unit that no longer existed at the date checked. */
  UNIT_DISSOLVED: 'directory-unit-dissolved',
  /** Anomaly: a unit in force at the date checked is absent from the list. */
  UNIT_MISSING: 'directory-unit-missing',
  /** Anomaly: the name matches no unit of the kind the list holds. */
  UNKNOWN_UNIT: 'directory-unknown-unit',
  /** Anomaly: the name matches several units. */
  AMBIGUOUS_NAME: 'directory-ambiguous-name',
  /** Anomaly: a new code carries the name of another unit still in force. */
  NAME_CONFLICT: 'directory-name-conflict'
} as const

export type DirectoryErrorCode = typeof DirectoryErrorCode[keyof typeof DirectoryErrorCode]
