import { ORG_CODE_MAX_LENGTH } from './constants.js'

/** The national format `V1V2V3.Z1Z2.Y1Y2.M1M2M3` (vn-directory-facts `identifierFormat.regex`). */
const NATIONAL_CODE = /^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$/
/** The long form (OrganId up to 35 characters): uppercase letters/digits in dot-separated segments. */
const LONG_CODE = /^[A-Z0-9]+(\.[A-Z0-9]+)*$/

/** True for a code in the national 13-character format, e.g. `000.00.00.H29`. */
export function isNationalOrgCode (code: unknown): code is string {
  return typeof code === 'string' && NATIONAL_CODE.test(code)
}

/**
 * True for a valid organisation identifier: the national format, or the long form of
 * QCVN 102 amendment 1:2022 (uppercase letters and digits in dot-separated segments, at most
 * 35 characters). The envelope package applies the same rule.
 */
export function isOrgCode (code: unknown): code is string {
  return typeof code === 'string' && code.length <= ORG_CODE_MAX_LENGTH && (NATIONAL_CODE.test(code) || LONG_CODE.test(code))
}

/**
 * The level of a national code, read right to left: `000.00.00.M` is level 1, `000.00.YY.M`
 * level 2, `000.ZZ.YY.M` level 3, `VVV.ZZ.YY.M` level 4. Undefined for other codes.
 */
export function nationalOrgLevel (code: string): number | undefined {
  if (!NATIONAL_CODE.test(code)) return undefined
  const [v, z, y] = code.split('.')
  if (v !== '000') return 4
  if (z !== '00') return 3
  if (y !== '00') return 2
  return 1
}

/**
 * The structural ancestors of a national code, nearest first: for `VVV.ZZ.YY.M` that is
 * `000.ZZ.YY.M`, then `000.00.YY.M`, then `000.00.00.M` (each only when it differs from the
 * code and from the previous one). Empty for a level-1 code or a non-national code.
 */
export function structuralAncestors (code: string): string[] {
  if (!NATIONAL_CODE.test(code)) return []
  const [, z, y, m] = code.split('.') as [string, string, string, string]
  const out: string[] = []
  for (const candidate of [`000.${z}.${y}.${m}`, `000.00.${y}.${m}`, `000.00.00.${m}`]) {
    if (candidate !== code && out[out.length - 1] !== candidate) out.push(candidate)
  }
  return out
}

/**
 * Fold text for search: Unicode NFD without combining marks, `đ` as `d`, lower case. So `Hà Nội`,
 * `ha noi` and `HA NOI` match each other.
 */
export function foldText (text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').replace(/[đĐ]/g, 'd').toLowerCase()
}
