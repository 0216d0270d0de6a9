/** Placeholder replaced by the real CLI; see the issue tracker. */
export function main (_argv: string[]): Promise<number> {
  return Promise.resolve(0)
}
