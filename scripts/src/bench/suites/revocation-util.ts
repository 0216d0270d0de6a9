/**
 * Small helpers of the `revocation` suite, shared by its main thread and its node workers:
 * bounded waits, a concurrency pool, and the mesh graph.
 */

/** Run `fn` over `items`, `limit` at a time. */
export async function pool<T> (items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T)
  }))
}

/** Reject with `what` after `ms` unless `promise` settles first. */
export async function bounded<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`timed out after ${ms} ms: ${what}`)) }, ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A ring (so the graph is connected) plus `degree - 1` random chords from each node. */
export function meshEdges (n: number, degree: number): Array<[number, number]> {
  const seen = new Set<string>()
  const edges: Array<[number, number]> = []
  const add = (a: number, b: number): boolean => {
    const k = a < b ? `${a}:${b}` : `${b}:${a}`
    if (a === b || seen.has(k)) return false
    seen.add(k)
    edges.push([a, b])
    return true
  }
  for (let i = 0; i < n; i++) add(i, (i + 1) % n)
  for (let i = 0; i < n; i++) {
    let added = 0
    for (let tries = 0; added < degree - 1 && tries < 20 * degree; tries++) if (add(i, Math.floor(Math.random() * n))) added++
  }
  return edges
}

/** Hops from the nearest of `from` to each node reachable over `edges` without passing through `removed`. */
export function hopsFrom (n: number, edges: ReadonlyArray<readonly [number, number]>, from: number[], removed: ReadonlySet<number> = new Set()): Map<number, number> {
  const adjacent = Array.from({ length: n }, () => [] as number[])
  for (const [a, b] of edges) { adjacent[a]?.push(b); adjacent[b]?.push(a) }
  const hops = new Map(from.filter(i => !removed.has(i)).map(i => [i, 0]))
  const queue = [...hops.keys()]
  for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
    for (const j of adjacent[i] ?? []) if (!removed.has(j) && !hops.has(j)) { hops.set(j, (hops.get(i) ?? 0) + 1); queue.push(j) }
  }
  return hops
}
