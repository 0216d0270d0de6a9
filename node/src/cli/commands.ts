import { listOption, optionalOption, requiredOption, waitForStopSignal, type Command } from '@lienthong/cli'
import { TokenStore } from '@lienthong/http'
import { startNode } from '../app.js'
import { initNode, NODE_TOKEN_ROLES } from '../init.js'
import { nodePaths } from '../paths.js'

const init: Command = {
  name: 'init',
  options: {
    data: { type: 'string' }, network: { type: 'string' }, org: { type: 'string', multiple: true },
    email: { type: 'string', multiple: true }, phone: { type: 'string', multiple: true },
    listen: { type: 'string', multiple: true }, http: { type: 'string' }
  },
  help: `lienthong-node init --data DIR --network network.json --org CODE [--org CODE ...] --email E --phone P [--listen MULTIADDR ...] [--http HOST:PORT]

Creates DIR (which must be empty or absent) with:
  node.key      the node's ed25519 key (mode 0600): its identity on the network; back it up
  config.json   every setting with its default
  network.json  a copy of the network file your coordinator gave you (the trust anchor)
  api-token     the first API token for your document system (mode 0600)
--org: the organisation codes this node serves (e.g. 000.00.00.H29). --email/--phone: who the
coordinator notifies when the node goes offline.`,
  async run (values) {
    const listen = listOption(values, 'listen')
    const http = optionalOption(values, 'http')
    const data = requiredOption(values, 'data')
    const result = await initNode({
      data,
      network: requiredOption(values, 'network'),
      orgs: listOption(values, 'org') ?? [],
      email: listOption(values, 'email') ?? [],
      phone: listOption(values, 'phone') ?? [],
      ...(listen === undefined ? {} : { listen }),
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
  options: { data: { type: 'string' }, listen: { type: 'string', multiple: true }, http: { type: 'string' } },
  help: `lienthong-node start --data DIR [--listen MULTIADDR ...] [--http HOST:PORT]

Runs the node until SIGINT or SIGTERM. Flags override config.json. Logs are JSON lines on stderr.`,
  async run (values) {
    const listen = listOption(values, 'listen')
    const http = optionalOption(values, 'http')
    const node = await startNode({ data: requiredOption(values, 'data'), ...(listen === undefined ? {} : { listen }), ...(http === undefined ? {} : { http }) })
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

export const COMMANDS: readonly Command[] = [init, start, tokenCreate]
