import { TokenStore } from '@lienthong/http'
import { ADMIN_ROLES } from '../roles.js'
import { LienthongError } from '@lienthong/errors'
import { listOption, optionalOption, requiredOption, waitForStopSignal, type Command } from '@lienthong/cli'
import { startCoordinator } from '../app.js'
import { initCoordinator } from '../init.js'
import { coordinatorPaths } from '../paths.js'
import { directoryImport } from './directory-import.js'

const init: Command = {
  name: 'init',
  options: { data: { type: 'string' }, name: { type: 'string' }, listen: { type: 'string', multiple: true }, announce: { type: 'string', multiple: true }, http: { type: 'string' }, 'public-url': { type: 'string' } },
  help: `lienthong-coordinator init --data DIR [--name NETWORK] [--listen MULTIADDR ...] [--announce MULTIADDR ...]
                           [--http HOST:PORT] [--public-url URL]

  --announce MULTIADDR  a public libp2p address of the coordinator (repeatable), published in
                        network.json instead of the listen addresses (e.g. behind NAT:
                        /dns4/lienthong.vpcp.gov.vn/tcp/7401)
  --public-url URL      the public URL of the HTTP API published in network.json instead of
                        http://<--http> (e.g. https://lienthong.vpcp.gov.vn)

Creates DIR (which must be empty or absent) with:
  coordinator.key   the coordinator's ed25519 key (mode 0600; back it up, never share it)
  config.json       every setting with its default (mode 0600: SMTP credentials and the SMS
                    gateway URL go there)
  network.json      the network's trust anchor: give it to every agency that joins
  admin-token       the first admin API token (mode 0600), also printed once
  tokens.json       API tokens, stored hashed (mode 0600)
  db/               the registry log: genesis, the national directory, network parameters`,
  async run (values) {
    const listen = listOption(values, 'listen')
    const announce = listOption(values, 'announce')
    const http = optionalOption(values, 'http')
    const publicUrl = optionalOption(values, 'public-url')
    const name = optionalOption(values, 'name')
    const result = await initCoordinator({
      data: requiredOption(values, 'data'),
      ...(name === undefined ? {} : { name }),
      ...(listen === undefined ? {} : { listen }),
      ...(announce === undefined ? {} : { announce }),
      ...(http === undefined ? {} : { http }),
      ...(publicUrl === undefined ? {} : { publicUrl })
    })
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
