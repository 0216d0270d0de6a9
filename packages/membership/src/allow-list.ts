/**
 * The pair of hooks an assessment uses to let an applicant through the coordinator's gate while
 * it runs. `allow` and `disallow` are always called in pairs.
 */
export interface PeerAllowance {
  allow: (peerId: string) => void
  disallow: (peerId: string) => void
}

/**
 * A counted set of PeerIds temporarily allowed: a peer stays allowed until every `allow` has
 * been matched by a `disallow`, so overlapping assessments of the same applicant do not cut each
 * other off. The coordinator's gate consults it beside the registry:
 *
 * ```ts
 * const temporary = new TemporaryAllowList()
 * const gate = { isAllowed: (id: string) => registryAllows(id) || temporary.has(id) }
 * await assessJoinRequest(request, { host, allowance: temporary })
 * ```
 */
export class TemporaryAllowList implements PeerAllowance {
  readonly #counts = new Map<string, number>()

  /** Allow `peerId` (once more). */
  allow (peerId: string): void {
    if (typeof peerId !== 'string') throw new TypeError('peerId must be a string')
    this.#counts.set(peerId, (this.#counts.get(peerId) ?? 0) + 1)
  }

  /** Take back one `allow`; the peer is no longer allowed after the last one. */
  disallow (peerId: string): void {
    const count = this.#counts.get(peerId) ?? 0
    if (count <= 1) this.#counts.delete(peerId)
    else this.#counts.set(peerId, count - 1)
  }

  /** True while `peerId` has more `allow`s than `disallow`s. */
  has (peerId: string): boolean {
    return this.#counts.has(peerId)
  }

  /** PeerIds allowed now. */
  peers (): string[] {
    return [...this.#counts.keys()]
  }
}
