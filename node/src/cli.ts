import { runCli } from '@lienthong/cli'
import { COMMANDS } from './cli/commands.js'

const USAGE = `lienthong-node: an agency's relay node on a Lienthong network

usage:
  lienthong-node init  --data DIR --network network.json --org CODE [--org CODE ...] --email E --phone P
                       [--listen MULTIADDR] [--http HOST:PORT]
  lienthong-node start --data DIR [--listen MULTIADDR] [--http HOST:PORT]
  lienthong-node join  --data DIR [--self-assessment FILE] [--address MULTIADDR ...]
  lienthong-node pause --data DIR --reason TEXT
  lienthong-node token create --data DIR --name NAME
  lienthong-node help [COMMAND]

init   creates DIR with the node key (0600), config.json (every key with its default), a copy
       of network.json (the trust anchor your coordinator gave you) and a first API token.
start  runs the node until Ctrl-C: syncs the registry, exchanges documents with other nodes,
       serves the HTTP API for your document system (127.0.0.1 by default).
join   sends the signed join request to the coordinator (start the node first).
pause  asks the coordinator to pause this node, with the reason.
token create
       makes another API token for the document system (printed once, stored hashed).

Exit codes: 0 ok, 1 failed (the message ends with a stable [error-code]), 2 bad usage.`

/** Run the CLI; resolves to the process exit code. */
export function main (argv: string[]): Promise<number> {
  return runCli('lienthong-node', USAGE, COMMANDS, argv)
}
