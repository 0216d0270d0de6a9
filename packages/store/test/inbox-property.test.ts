import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import fc from 'fast-check'
import { Inbox, openDatabase, type AcceptResult, type Database } from '@lienthong/store'
import { item, text, ulid } from './flow-helpers.js'

type Batch = Array<{ id: number, receipt: number }>
type Command =
  | { kind: 'accept', batch: Batch }
  | { kind: 'concurrent', batches: Batch[] }
  | { kind: 'ack', id: number }
  | { kind: 'list', after: number | undefined, limit: number }
  | { kind: 'reopen' }

const ID_POOL = 10
const batch = fc.array(fc.record({ id: fc.nat({ max: ID_POOL - 1 }), receipt: fc.nat({ max: 1_000 }) }), { minLength: 1, maxLength: 5 })
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('accept' as const), batch }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('concurrent' as const), batches: fc.array(batch, { minLength: 2, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ack' as const), id: fc.nat({ max: ID_POOL - 1 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('list' as const), after: fc.option(fc.nat({ max: ID_POOL - 1 }), { nil: undefined }), limit: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) }
)

const idOf = (n: number): string => ulid(1_000, n)

/** The inbox as a list: arrival order, receipts, acks. */
class Model {
  readonly arrivals: string[] = []
  readonly receipts = new Map<string, string>()
  readonly acked = new Set<string>()

  accept (b: Batch): Array<{ id: string, duplicate: boolean, receipt: string }> {
    return b.map(({ id: n, receipt }) => {
      const id = idOf(n)
      const original = this.receipts.get(id)
      if (original !== undefined) return { id, duplicate: true, receipt: original }
      this.arrivals.push(id)
      this.receipts.set(id, `r${receipt}`)
      return { id, duplicate: false, receipt: `r${receipt}` }
    })
  }

  ack (id: string): boolean | 'missing' {
    if (!this.receipts.has(id)) return 'missing'
    if (this.acked.has(id)) return false
    this.acked.add(id)
    return true
  }

  list (after: string | undefined, limit: number): string[] {
    const from = after === undefined ? 0 : this.arrivals.indexOf(after) + 1
    return this.arrivals.slice(from).filter(id => !this.acked.has(id)).slice(0, limit)
  }
}

function expectEqual (actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: got ${a}, model says ${e}`)
}

const view = (results: AcceptResult[]): unknown => results.map(r => ({ id: r.id, duplicate: r.duplicate, receipt: text(r.receipt) }))
const items = (b: Batch): ReturnType<typeof item>[] => b.map(({ id, receipt }) => item(idOf(id), `r${receipt}`))

test('property: any interleaving of accept (also concurrent), ack, list and reopen matches a simple model', async t => {
  const root = await mkdtemp(join(tmpdir(), 'lienthong-inbox-prop-'))
  t.teardown(async () => { await rm(root, { recursive: true, force: true }) })
  let runNo = 0
  await fc.assert(fc.asyncProperty(fc.array(command, { maxLength: 25 }), async commands => {
    const dir = join(root, String(runNo++))
    let db: Database = await openDatabase(dir)
    let inbox = await Inbox.open(db)
    const model = new Model()
    const cursors = new Map<string, string>()
    const remember = (results: AcceptResult[]): void => { results.forEach(r => cursors.set(r.id, r.cursor)) }
    try {
      for (const c of commands) {
        if (c.kind === 'accept') {
          const results = await inbox.accept(items(c.batch))
          remember(results)
          expectEqual(view(results), model.accept(c.batch), 'accept')
        } else if (c.kind === 'concurrent') {
          // started in call order: dedupe decisions and arrival order follow call order
          const all = await Promise.all(c.batches.map(async b => await inbox.accept(items(b))))
          all.forEach(remember)
          expectEqual(all.map(view), c.batches.map(b => model.accept(b)), 'concurrent accept')
        } else if (c.kind === 'ack') {
          const got = await inbox.ack(idOf(c.id)).catch((err: unknown) => {
            if ((err as { code?: string }).code === 'inbox-not-found') return 'missing' as const
            throw err
          })
          expectEqual(got, model.ack(idOf(c.id)), 'ack')
        } else if (c.kind === 'list') {
          const afterId = c.after === undefined ? undefined : idOf(c.after)
          const cursor = afterId === undefined ? undefined : cursors.get(afterId)
          if (afterId !== undefined && cursor === undefined) continue // no cursor for an id never accepted
          const page = await inbox.list({ after: cursor, limit: c.limit })
          expectEqual(page.entries.map(e => e.id), model.list(afterId, c.limit), 'list')
        } else {
          await inbox.close()
          await db.close()
          db = await openDatabase(dir)
          inbox = await Inbox.open(db)
        }
      }
      expectEqual((await inbox.list({ limit: 100 })).entries.map(e => e.id), model.list(undefined, 100), 'final list')
      for (const id of model.arrivals) {
        const entry = await inbox.get(id)
        expectEqual([entry?.acked, text(await inbox.receiptFor(id))], [model.acked.has(id), model.receipts.get(id)], `get ${id}`)
      }
    } finally {
      await inbox.close()
      await db.close()
    }
  }), { numRuns: 40 })
  t.pass()
})
