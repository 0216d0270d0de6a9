import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, extname, join } from 'node:path'
import { readKeyFile } from '@lienthong/crypto'
import { isLienthongError, LienthongError } from '@lienthong/errors'
import { optionalOption, requiredOption, type Command } from '@lienthong/cli'
import { MembershipStore, registryNodeState } from '@lienthong/membership'
import { RegistryReplica } from '@lienthong/protocol'
import { formatPlan, importPlanOps, parseNetworkFile, parseUnitList, planImport, registryDirectoryView, type UnitListFormat } from '@lienthong/registry'
import { openDatabase, type Database } from '@lienthong/store'
import { CoordinatorErrorCode } from '../errors.js'
import { coordinatorPaths } from '../paths.js'

const DEFAULT_ACTOR = 'directory-import'
const ACTOR = /^[\x21-\x7e]{1,128}$/

function formatOf (file: string, given: string | undefined): UnitListFormat {
  const f = given ?? ({ '.csv': 'csv', '.json': 'json', '.txt': 'text' } as Record<string, UnitListFormat>)[extname(file).toLowerCase()]
  if (f !== 'csv' && f !== 'json' && f !== 'text') {
    throw new LienthongError(CoordinatorErrorCode.USAGE, `cannot tell the format of ${file}; pass --format csv, json or text`)
  }
  return f
}

function isLocked (err: unknown): boolean {
  return isLienthongError(err) && err.code === 'store-locked'
}

/**
 * A read-only view of a database a running coordinator holds (LevelDB allows one opener): a copy
 * in a temp folder, opened there and removed by `close`. The manifest is copied before the table
 * files so that a compaction in between shows as a missing file (the open fails, we say so)
 * rather than as a silently older state; the registry log is verified end to end when opened.
 */
async function snapshotDatabase (path: string): Promise<{ db: Database, close: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-import-'))
  try {
    const names = (await readdir(path)).filter((n) => n !== 'LOCK')
    const first = names.filter((n) => n === 'CURRENT' || n.startsWith('MANIFEST-'))
    for (const name of [...first, ...names.filter((n) => !first.includes(n))]) {
      await cp(join(path, name), join(dir, name), { recursive: true })
    }
    const db = await openDatabase(dir)
    return { db, close: async () => { await db.close(); await rm(dir, { recursive: true, force: true }) } }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw new LienthongError(CoordinatorErrorCode.DATA_DIR_IN_USE,
      `the coordinator is running and holds ${path}; a read-only copy of it could not be opened (it was changing): run the dry run again`,
      { path }, { cause: err })
  }
}

/** `lienthong-coordinator directory import FILE`: check a unit list against the registry, apply it unless --dry-run. */
export const directoryImport: Command = {
  name: 'directory import',
  options: { data: { type: 'string' }, 'dry-run': { type: 'boolean' }, format: { type: 'string' }, 'as-of': { type: 'string' }, actor: { type: 'string' } },
  help: `lienthong-coordinator directory import FILE --data DIR [--dry-run] [--format csv|json|text]
                                              [--as-of YYYY-MM-DD] [--actor NAME]

Checks a list of units against the registry and prints the diff: additions, updates, rows that
match (with notes, e.g. a unit closed since and its successor), anomalies and bad rows.
Without --dry-run, applies the additions and updates as signed registry entries with NAME as
their actor (default "${DEFAULT_ACTOR}"; use your own name, as a token name is used in the API)
and writes an audit log entry "directory.import". Applying needs the coordinator stopped: it
holds the data folder ([data-dir-in-use] otherwise). --dry-run also works while it runs: it
reads a temporary copy of the registry.
Exit code 0 when the list is clean, 3 when it has anomalies or bad rows (nothing is applied then
unless the list also has changes and you re-run after fixing it).`,
  async run (values, positionals) {
    const file = positionals[0]
    if (file === undefined || positionals.length > 1) throw new LienthongError(CoordinatorErrorCode.USAGE, 'give exactly one FILE to import')
    const actor = optionalOption(values, 'actor') ?? DEFAULT_ACTOR
    if (!ACTOR.test(actor)) throw new LienthongError(CoordinatorErrorCode.USAGE, '--actor must be 1-128 printable characters without spaces')
    const dryRun = values['dry-run'] === true
    const paths = coordinatorPaths(requiredOption(values, 'data'))
    const text = await readFile(file, 'utf8').catch(() => { throw new LienthongError(CoordinatorErrorCode.USAGE, `cannot read ${file}`) })
    const parsed = parseUnitList(text, formatOf(file, optionalOption(values, 'format')))
    const network = parseNetworkFile(JSON.parse(await readFile(paths.network, 'utf8')) as unknown)

    let opened: { db: Database, close: () => Promise<void> }
    try {
      const db = await openDatabase(paths.db)
      opened = { db, close: () => db.close() }
    } catch (err) {
      if (!isLocked(err)) throw err
      if (!dryRun) {
        throw new LienthongError(CoordinatorErrorCode.DATA_DIR_IN_USE,
          `the coordinator is running and holds ${paths.db}; stop it to apply the import (--dry-run works while it runs)`, { path: paths.db })
      }
      opened = await snapshotDatabase(paths.db)
    }
    try {
      const replica = await RegistryReplica.open({ db: opened.db, coordinatorKey: network.coordinatorKey, network: network.name })
      const asOf = optionalOption(values, 'as-of')
      const plan = planImport(parsed, registryDirectoryView(replica.state), asOf === undefined ? {} : { asOf })
      console.log(formatPlan(plan))
      const ops = importPlanOps(plan)
      const clean = plan.anomalies.length === 0 && plan.errors.length === 0
      if (dryRun) {
        console.log(`dry run: ${ops.length} registry operation(s) would be applied`)
      } else if (!clean) {
        console.log('not applied: fix the anomalies and bad rows above, or run with --dry-run to only check')
      } else if (ops.length === 0) {
        console.log('nothing to apply: the registry already matches the list')
      } else {
        const key = readKeyFile(paths.key)
        const reason = `directory import of ${basename(file)}`
        const applied = await replica.append(key, ops, { actor, reason })
        const store = await MembershipStore.open(opened.db, { nodeState: registryNodeState(() => replica.state) })
        await store.audit.record({
          actor,
          action: 'directory.import',
          target: basename(file).slice(0, 256),
          reason,
          detail: { additions: plan.additions.length, updates: plan.updates.length, entries: applied.length, firstSeq: applied[0]?.seq ?? null, seq: replica.seq }
        })
        console.log(`applied ${applied.length} registry entr${applied.length === 1 ? 'y' : 'ies'}; registry seq is now ${replica.seq}`)
      }
      return clean ? 0 : 3
    } finally {
      await opened.close()
    }
  }
}
