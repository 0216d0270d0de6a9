/**
 * Name matching for the directory: case- and diacritics-insensitive, punctuation-blind, and
 * indifferent to the administrative prefixes people put in front of province names.
 */

// Prefixes stripped once from the front, after folding: "Tỉnh X", "Thành phố X", "TP. X", "TP X".
const PREFIXES = ['tinh ', 'thanh pho ', 'tp ']

/**
 * Fold a name for comparison: NFD, combining marks removed, đ→d, lower case, every run of
 * punctuation or white space turned into one space.
 *
 * @example foldName('Bà Rịa – Vũng Tàu') === 'ba ria vung tau'
 */
export function foldName (name: string): string {
  if (typeof name !== 'string') throw new TypeError('name must be a string')
  return name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/**
 * The key two names are matched on: {@link foldName} and then one leading `Tỉnh`, `Thành phố`
 * or `TP.` removed, so "Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh" and "Hồ Chí Minh" share a key.
 */
export function unitNameKey (name: string): string {
  const folded = foldName(name)
  for (const prefix of PREFIXES) {
    if (folded.startsWith(prefix) && folded.length > prefix.length) return folded.slice(prefix.length)
  }
  return folded
}
