import { listOption, optionalOption, requiredOption, waitForStopSignal, type Command } from '@lienthong/cli'
import { TokenStore } from '@lienthong/http'
import { startNode } from '../app.js'
import { initNode, NODE_TOKEN_ROLES } from '../init.js'
import { nodePaths } from '../paths.js'
import { submitJoinRequest, submitPauseRequest } from '../membership.js'
import { readFile } from 'node:fs/promises'
import { LienthongError } from '@lienthong/errors'
import type { SelfAssessment } from '@lienthong/membership'

const init: Command = {
  name: 'init',
  options: {
    data: { type: 'string' }, network: { type: 'string' }, org: { type: 'string', multiple: true },
    email: { type: 'string', multiple: true }, phone: { type: 'string', multiple: true },
    listen: { type: 'string', multiple: true }, announce: { type: 'string', multiple: true }, http: { type: 'string' }
  },
  help: `lienthong-node init --data DIR --network network.json --org CODE [--org CODE ...] --email E --phone P [--listen MULTIADDR ...] [--announce MULTIADDR ...] [--http HOST:PORT]

Creates DIR (which must be empty or absent) with:
  node.key      the node's ed25519 key (mode 0600): its identity on the network; back it up
  config.json   every setting with its default
  network.json  a copy of the network file your coordinator gave you (the trust anchor)
  api-token     the first API token for your document system (mode 0600)
--org: the organisation codes this node serves (e.g. 000.00.00.H29). --email/--phone: who the
coordinator notifies when the node goes offline. --announce: the public addresses others dial
(behind NAT or a port forward), published instead of the --listen ones.`,
  async run (values) {
    const listen = listOption(values, 'listen')
    const announce = listOption(values, 'announce')
    const http = optionalOption(values, 'http')
    const data = requiredOption(values, 'data')
    const result = await initNode({
      data,
      network: requiredOption(values, 'network'),
      orgs: listOption(values, 'org') ?? [],
      email: listOption(values, 'email') ?? [],
      phone: listOption(values, 'phone') ?? [],
      ...(listen === undefined ? {} : { listen }),
      ...(announce === undefined ? {} : { announce }),
      ...(http === undefined ? {} : { http })
    })
    const paths = nodePaths(data)
    console.log(`initialised a node of network "${result.network.name}" in ${paths.data}
  PeerId     ${result.peerId}
  serves     ${result.config.orgs.join(', ')}
  API token  ${result.apiToken}
             (shown once; also in ${paths.apiToken}, mode 0600)
next: lienthong-node start --data ${paths.data}`)
    return 0
  }
}

const start: Command = {
  name: 'start',
  options: { data: { type: 'string' }, listen: { type: 'string', multiple: true }, announce: { type: 'string', multiple: true }, http: { type: 'string' } },
  help: `lienthong-node start --data DIR [--listen MULTIADDR ...] [--announce MULTIADDR ...] [--http HOST:PORT]

Runs the node until SIGINT or SIGTERM. Flags override config.json. Logs are JSON lines on stderr.`,
  async run (values) {
    const listen = listOption(values, 'listen')
    const announce = listOption(values, 'announce')
    const http = optionalOption(values, 'http')
    const node = await startNode({ data: requiredOption(values, 'data'), ...(listen === undefined ? {} : { listen }), ...(announce === undefined ? {} : { announce }), ...(http === undefined ? {} : { http }) })
    const self = node.replica.state.nodes.get(node.host.peerId)
    console.log(`node of "${node.network.name}" running
  PeerId      ${node.host.peerId}
  membership  ${self?.state ?? 'not admitted yet'}
  libp2p      ${node.host.multiaddrs.join(' ')}
  HTTP        ${node.httpUrl}   (Authorization: Bearer $(cat ${nodePaths(requiredOption(values, 'data')).apiToken}))
  registry    seq ${node.replica.seq}
Ctrl-C stops it.`)
    await waitForStopSignal()
    console.log('stopping ...')
    await node.close()
    return 0
  }
}

const tokenCreate: Command = {
  name: 'token create',
  options: { data: { type: 'string' }, name: { type: 'string' } },
  help: `lienthong-node token create --data DIR --name NAME

Creates an API token for a document system and prints it once; only its hash is stored.
The node need not be stopped: a running node sees the new token at once.`,
  run (values) {
    const paths = nodePaths(requiredOption(values, 'data'))
    const store = TokenStore.open(paths.tokens, NODE_TOKEN_ROLES)
    const { token, record } = store.create(requiredOption(values, 'name'), 'client')
    console.log(`token "${record.name}" created; it is shown only now:\n${token}`)
    return Promise.resolve(0)
  }
}

const join: Command = {
  name: 'join',
  options: { data: { type: 'string' }, address: { type: 'string', multiple: true }, 'self-assessment': { type: 'string' } },
  help: `lienthong-node join --data DIR [--self-assessment FILE] [--address MULTIADDR ...]

Sends this node's join request to the coordinator, signed with the node key (the proof that
you hold it): the organisation codes it serves, contacts, addresses and your self-assessment.
Start the node first: the coordinator dials it at once to check it (reachable, same PeerId,
protocols, clock). FILE is JSON: {"infrastructure": "...", "network": "...",
"application": "...", "security": "..."}. --address overrides the addresses the running
node listens on (e.g. a public address). Prints the request id and where to read its status.`,
  async run (values) {
    const data = requiredOption(values, 'data')
    const file = optionalOption(values, 'self-assessment')
    let selfAssessment: Partial<SelfAssessment> | undefined
    if (file !== undefined) {
      try {
        selfAssessment = JSON.parse(await readFile(file, 'utf8')) as Partial<SelfAssessment>
      } catch (err) {
        throw new LienthongError('usage', `cannot read the self-assessment ${file}: ${(err as Error).message}`)
      }
    }
    const addresses = listOption(values, 'address')
    const result = await submitJoinRequest({ data, ...(addresses === undefined ? {} : { addresses }), ...(selfAssessment === undefined ? {} : { selfAssessment }) })
    console.log(`join request ${result.id} sent (${result.status})
  status: curl ${result.coordinator}${result.statusUrl}
The node becomes a trial member when an operator approves it; it syncs the decision by itself.`)
    return 0
  }
}

const pause: Command = {
  name: 'pause',
  options: { data: { type: 'string' }, reason: { type: 'string' } },
  help: `lienthong-node pause --data DIR --reason TEXT

Asks the coordinator, signed with the node key, to pause this node's connection (e.g. for
maintenance). An operator approves it; the node is then suspended until resumed.`,
  async run (values) {
    const result = await submitPauseRequest({ data: requiredOption(values, 'data'), reason: requiredOption(values, 'reason') })
    console.log(`pause request ${result.id} sent (${result.status})
  status: curl ${result.coordinator}${result.statusUrl}`)
    return 0
  }
}

export const COMMANDS: readonly Command[] = [init, start, join, pause, tokenCreate]
