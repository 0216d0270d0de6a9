import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import fc from 'fast-check'
import { Outbox, openDatabase, type Database, type DeliveryStateName } from '@lienthong/store'
import { bytes, peer, submission, ulid } from './flow-helpers.js'

type Command =
  | { kind: 'submit', peers: number[], at: number }
  | { kind: 'retry' | 'deliver' | 'fail', record: number, peer: number, at: number }
  | { kind: 'reopen' }
  | { kind: 'concurrent', ops: Array<{ kind: 'retry' | 'deliver' | 'fail', record: number, peer: number, at: number }> }

const PEERS = [1, 2, 3]
const transition = fc.record({
  kind: fc.constantFrom('retry' as const, 'deliver' as const, 'fail' as const),
  record: fc.nat({ max: 7 }),
  peer: fc.constantFrom(...PEERS),
  at: fc.nat({ max: 200 })
})
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('submit' as const), peers: fc.uniqueArray(fc.constantFrom(...PEERS), { minLength: 1 }), at: fc.nat({ max: 200 }) }) },
  { weight: 4, arbitrary: transition },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('concurrent' as const), ops: fc.array(transition, { minLength: 2, maxLength: 4 }) }) }
)

interface ModelDelivery { id: string, peerId: string, state: DeliveryStateName, at: number, attempts: number }

/** Apply a transition to the model; returns what the outbox must return (or 'missing'). */
function applyModel (model: Map<string, ModelDelivery>, ids: string[], op: { kind: string, record: number, peer: number, at: number }): boolean | 'missing' {
  const id = ids[op.record]
  const d = id === undefined ? undefined : model.get(`${id}>${peer(op.peer)}`)
  if (d === undefined) return 'missing'
  if (op.kind === 'deliver') {
    if (d.state === 'delivered') return false
    d.state = 'delivered'
    return true
  }
  if (d.state !== 'queued') return false
  if (op.kind === 'fail') d.state = 'failed'
  else {
    d.attempts++
    d.at = op.at
  }
  return true
}

function expectEqual (actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: got ${a}, model says ${e}`)
}

async function run (outbox: Outbox, ids: string[], op: { kind: string, record: number, peer: number, at: number }): Promise<boolean | 'missing'> {
  const id = ids[op.record] ?? ulid(1, 999)
  const call = op.kind === 'deliver'
    ? outbox.markDelivered(id, peer(op.peer), bytes('receipt'))
    : op.kind === 'fail' ? outbox.markFailed(id, peer(op.peer), 'expired') : outbox.markAttemptFailed(id, peer(op.peer), 'timeout', op.at)
  return await call.catch((err: unknown) => {
    if ((err as { code?: string }).code === 'outbox-not-found') return 'missing' as const
    throw err
  })
}

test('property: any sequence of submits, transitions (also concurrent) and reopens matches a simple model, with the due index in memory or not', async t => {
  const root = await mkdtemp(join(tmpdir(), 'lienthong-outbox-prop-'))
  t.teardown(async () => { await rm(root, { recursive: true, force: true }) })
  let runNo = 0
  // memoryDueLimit 3: the in-memory due index switches itself off, or is not loaded at open
  await fc.assert(fc.asyncProperty(fc.array(command, { maxLength: 25 }), fc.nat({ max: 220 }), fc.constantFrom(undefined, 3), async (commands, now, memoryDueLimit) => {
    const dir = join(root, String(runNo++))
    const options = memoryDueLimit === undefined ? {} : { memoryDueLimit }
    let db: Database = await openDatabase(dir)
    let outbox = await Outbox.open(db, options)
    try {
      const model = new Map<string, ModelDelivery>()
      const ids: string[] = []
      for (const c of commands) {
        if (c.kind === 'submit') {
          const id = ulid(1_000, ids.length)
          ids.push(id)
          await outbox.submit(submission(id, c.peers.map(peer), 0, { firstAttemptAt: c.at }))
          for (const p of c.peers) model.set(`${id}>${peer(p)}`, { id, peerId: peer(p), state: 'queued', at: c.at, attempts: 0 })
        } else if (c.kind === 'reopen') {
          await outbox.close()
          await db.close()
          db = await openDatabase(dir)
          outbox = await Outbox.open(db, options)
        } else if (c.kind === 'concurrent') {
          // started in call order; per delivery they must take effect in that order
          const results = await Promise.all(c.ops.map(async op => await run(outbox, ids, op)))
          const expected = c.ops.map(op => applyModel(model, ids, op))
          expectEqual(results, expected, 'concurrent results')
        } else {
          expectEqual(await run(outbox, ids, c), applyModel(model, ids, c), `${c.kind} result`)
        }
      }
      const all = [...model.values()]
      const counts = { queued: 0, delivered: 0, failed: 0 }
      for (const d of all) counts[d.state]++
      expectEqual(outbox.counts(), counts, 'counts')
      const queued = all.filter(d => d.state === 'queued')
      const perPeer = PEERS.map(p => ({ peerId: peer(p), queued: queued.filter(d => d.peerId === peer(p)).length })).filter(p => p.queued > 0)
      expectEqual(outbox.pendingPeers(), perPeer, 'pendingPeers')
      const dueModel = queued.filter(d => d.at <= now)
        .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.peerId < b.peerId ? -1 : 1))
        .map(d => `${d.id}>${d.peerId}>${d.attempts}`)
      const due = await outbox.due({ now, limit: 1_000 })
      expectEqual(due.map(d => `${d.id}>${d.peerId}>${d.attempts}`), dueModel, 'due')
      for (const p of PEERS) {
        // per peer (the outbox answers these from memory), also paged after a cursor
        const mine = await outbox.due({ now, limit: 1_000, peer: peer(p) })
        const expected = dueModel.filter(k => k.includes(`>${peer(p)}>`))
        expectEqual(mine.map(d => `${d.id}>${d.peerId}>${d.attempts}`), expected, 'due for one peer')
        const paged: string[] = []
        let after: string | undefined
        for (let page = 0; page <= expected.length; page++) {
          const part = await outbox.due({ now, limit: 2, peer: peer(p), ...(after === undefined ? {} : { after }) })
          paged.push(...part.map(d => `${d.id}>${d.peerId}>${d.attempts}`))
          after = part[part.length - 1]?.cursor
          if (part.length < 2) break
        }
        expectEqual(paged, expected, 'due for one peer, paged')
      }
    } finally {
      await outbox.close()
      await db.close()
    }
  }), { numRuns: 60 })
  t.pass()
})
