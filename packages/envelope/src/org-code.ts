/**
 * Organisation identifier codes (QCVN 102 / QĐ 20/2020).
 *
 * The standard form is `V1V2V3.Z1Z2.Y1Y2.M1M2M3`, e.g. `000.00.00.H29`; since amendment 1:2022 an
 * OrganId may be up to 35 characters (enterprises and other organisations). Accepted: upper-case
 * letters and digits in non-empty dot-separated segments, at most 35 characters in total.
 */

/** Longest organisation code, in characters (QCVN 102 amendment 1:2022). */
export const ORG_CODE_MAX_LENGTH = 35

/** The standard four-level code, e.g. `000.00.00.H29`. */
export const STANDARD_ORG_CODE_PATTERN = /^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$/

/** Any accepted code (the standard form is a special case); length is checked separately. */
export const ORG_CODE_PATTERN = /^[A-Z0-9]+(?:\.[A-Z0-9]+)*$/

/** True when `s` is an acceptable organisation code (standard or extended form). */
export function isOrgCode (s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length <= ORG_CODE_MAX_LENGTH && ORG_CODE_PATTERN.test(s)
}

/** True when `s` is in the standard four-level form (`000.00.00.H29`). */
export function isStandardOrgCode (s: unknown): s is string {
  return typeof s === 'string' && STANDARD_ORG_CODE_PATTERN.test(s)
}
