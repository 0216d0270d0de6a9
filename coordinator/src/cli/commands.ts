import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { readKeyFile } from '@lienthong/crypto'
import { TokenStore } from '@lienthong/http'
import { ADMIN_ROLES } from '../roles.js'
import { LienthongError } from '@lienthong/errors'
import { listOption, optionalOption, requiredOption, waitForStopSignal, type Command } from '@lienthong/cli'
import { RegistryReplica } from '@lienthong/protocol'
import { formatPlan, importPlanOps, parseNetworkFile, parseUnitList, planImport, registryDirectoryView, type UnitListFormat } from '@lienthong/registry'
import { openDatabase } from '@lienthong/store'
import { startCoordinator } from '../app.js'
import { CoordinatorErrorCode } from '../errors.js'
import { initCoordinator } from '../init.js'
import { coordinatorPaths } from '../paths.js'

const init: Command = {
  name: 'init',
  options: { data: { type: 'string' }, name: { type: 'string' }, listen: { type: 'string', multiple: true }, http: { type: 'string' } },
  help: `lienthong-coordinator init --data DIR [--name NETWORK] [--listen MULTIADDR ...] [--http HOST:PORT]

Creates DIR (which must be empty or absent) with:
  coordinator.key   the coordinator's ed25519 key (mode 0600; back it up, never share it)
  config.json       every setting with its default
  network.json      the network's trust anchor: give it to every agency that joins
  admin-token       the first admin API token (mode 0600), also printed once
  tokens.json       API tokens, stored hashed (mode 0600)
  db/               the registry log: genesis, the national directory, network parameters`,
  async run (values) {
    const listen = listOption(values, 'listen')
    const http = optionalOption(values, 'http')
    const name = optionalOption(values, 'name')
    const result = await initCoordinator({ data: requiredOption(values, 'data'), ...(name === undefined ? {} : { name }), ...(listen === undefined ? {} : { listen }), ...(http === undefined ? {} : { http }) })
    const paths = coordinatorPaths(requiredOption(values, 'data'))
    console.log(`initialised network "${result.network.name}" in ${paths.data}
  coordinator PeerId  ${result.network.coordinator.peerId}
  registry            ${result.seq + 1} entries, ${result.orgs} organisations (national directory)
  network file        ${paths.network}   (give this to agencies)
  key                 ${paths.key}   (mode 0600; back it up)
  admin token         ${result.adminToken}
                      (shown once; also in ${paths.adminToken}, mode 0600)
next: lienthong-coordinator start --data ${paths.data}`)
    return 0
  }
}

const start: Command = {
  name: 'start',
  options: { data: { type: 'string' }, listen: { type: 'string', multiple: true }, http: { type: 'string' } },
  help: `lienthong-coordinator start --data DIR [--listen MULTIADDR ...] [--http HOST:PORT]

Serves the registry over libp2p (/lienthong/registry/1.0.0) and HTTP until SIGINT or SIGTERM.
Flags override config.json. Logs are JSON lines on stderr.`,
  async run (values) {
    const listen = listOption(values, 'listen')
    const http = optionalOption(values, 'http')
    const coordinator = await startCoordinator({ data: requiredOption(values, 'data'), ...(listen === undefined ? {} : { listen }), ...(http === undefined ? {} : { http }) })
    console.log(`coordinator of "${coordinator.network.name}" running
  PeerId   ${coordinator.host.peerId}
  libp2p   ${coordinator.host.multiaddrs.join(' ')}
  HTTP     ${coordinator.httpUrl}   (try ${coordinator.httpUrl}/v1/health)
  registry seq ${coordinator.replica.seq}
Ctrl-C stops it.`)
    await waitForStopSignal()
    console.log('stopping ...')
    await coordinator.close()
    return 0
  }
}

function formatOf (file: string, given: string | undefined): UnitListFormat {
  const f = given ?? ({ '.csv': 'csv', '.json': 'json', '.txt': 'text' } as Record<string, UnitListFormat>)[extname(file).toLowerCase()]
  if (f !== 'csv' && f !== 'json' && f !== 'text') {
    throw new LienthongError(CoordinatorErrorCode.USAGE, `cannot tell the format of ${file}; pass --format csv, json or text`)
  }
  return f
}

const directoryImport: Command = {
  name: 'directory import',
  options: { data: { type: 'string' }, 'dry-run': { type: 'boolean' }, format: { type: 'string' }, 'as-of': { type: 'string' }, actor: { type: 'string' } },
  help: `lienthong-coordinator directory import FILE --data DIR [--dry-run] [--format csv|json|text] [--as-of YYYY-MM-DD]

Checks a list of units against the registry and prints the diff: additions, updates, rows that
match (with notes, e.g. a unit closed since and its successor), anomalies and bad rows.
Without --dry-run, applies the additions and updates as signed registry entries (the coordinator
must be stopped: it holds the data folder). Exit code 0 when the list is clean, 3 when it has
anomalies or bad rows (nothing is applied then unless the list also has changes and you re-run
after fixing it).`,
  async run (values, positionals) {
    const file = positionals[0]
    if (file === undefined || positionals.length > 1) throw new LienthongError(CoordinatorErrorCode.USAGE, 'give exactly one FILE to import')
    const paths = coordinatorPaths(requiredOption(values, 'data'))
    const text = await readFile(file, 'utf8').catch(() => { throw new LienthongError(CoordinatorErrorCode.USAGE, `cannot read ${file}`) })
    const parsed = parseUnitList(text, formatOf(file, optionalOption(values, 'format')))
    const network = parseNetworkFile(JSON.parse(await readFile(paths.network, 'utf8')) as unknown)
    const db = await openDatabase(paths.db)
    try {
      const replica = await RegistryReplica.open({ db, coordinatorKey: network.coordinatorKey, network: network.name })
      const asOf = optionalOption(values, 'as-of')
      const plan = planImport(parsed, registryDirectoryView(replica.state), asOf === undefined ? {} : { asOf })
      console.log(formatPlan(plan))
      const ops = importPlanOps(plan)
      const clean = plan.anomalies.length === 0 && plan.errors.length === 0
      if (values['dry-run'] === true) {
        console.log(`dry run: ${ops.length} registry operation(s) would be applied`)
      } else if (!clean) {
        console.log('not applied: fix the anomalies and bad rows above, or run with --dry-run to only check')
      } else if (ops.length === 0) {
        console.log('nothing to apply: the registry already matches the list')
      } else {
        const key = readKeyFile(paths.key)
        const applied = await replica.append(key, ops, { actor: optionalOption(values, 'actor') ?? 'directory-import', reason: `directory import of ${file}` })
        console.log(`applied ${applied.length} registry entr${applied.length === 1 ? 'y' : 'ies'}; registry seq is now ${replica.seq}`)
      }
      return clean ? 0 : 3
    } finally {
      await db.close()
    }
  }
}

const tokenCreate: Command = {
  name: 'token create',
  options: { data: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
  help: `lienthong-coordinator token create --data DIR --role viewer|operator|security|admin --name NAME

Creates an admin API token and prints it once; only its hash is stored (tokens.json, 0600).
Roles, weakest first: viewer (read), operator (joins, organisations, suspend/resume, promote),
security (revoke, reinstate), admin (everything). A running coordinator sees the token at once.
The token's NAME is recorded as the actor of every action done with it.`,
  run (values) {
    const paths = coordinatorPaths(requiredOption(values, 'data'))
    const store = TokenStore.open(paths.tokens, ADMIN_ROLES)
    const { token, record } = store.create(requiredOption(values, 'name'), requiredOption(values, 'role'))
    console.log(`token "${record.name}" (${record.role}) created; it is shown only now:\n${token}`)
    return Promise.resolve(0)
  }
}

const tokenRevoke: Command = {
  name: 'token revoke',
  options: { data: { type: 'string' }, name: { type: 'string' } },
  help: `lienthong-coordinator token revoke --data DIR --name NAME

Revokes every live token with that name; a running coordinator refuses it at once.`,
  run (values) {
    const paths = coordinatorPaths(requiredOption(values, 'data'))
    const name = requiredOption(values, 'name')
    const revoked = TokenStore.open(paths.tokens, ADMIN_ROLES).revoke(name)
    if (!revoked) throw new LienthongError('token-not-found', `no live token named "${name}"`, { name })
    console.log(`token "${name}" revoked`)
    return Promise.resolve(0)
  }
}

const tokenList: Command = {
  name: 'token list',
  options: { data: { type: 'string' } },
  help: 'lienthong-coordinator token list --data DIR\n\nLists token names, roles and dates (never the tokens).',
  run (values) {
    const paths = coordinatorPaths(requiredOption(values, 'data'))
    for (const r of TokenStore.open(paths.tokens, ADMIN_ROLES).list()) {
      console.log(`${r.name}\t${r.role}\tcreated ${r.createdAt}${r.revokedAt === undefined ? '' : `\trevoked ${r.revokedAt}`}`)
    }
    return Promise.resolve(0)
  }
}

export const COMMANDS: readonly Command[] = [init, start, directoryImport, tokenCreate, tokenRevoke, tokenList]
