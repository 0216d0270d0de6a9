import { runCli } from '@lienthong/cli'
import { COMMANDS } from './cli/commands.js'

const USAGE = `lienthong-coordinator: the Government Office's coordinator of a Lienthong network

usage:
  lienthong-coordinator init  --data DIR [--name NETWORK] [--listen MULTIADDR] [--announce MULTIADDR] [--http HOST:PORT] [--public-url URL]
  lienthong-coordinator start --data DIR [--listen MULTIADDR] [--http HOST:PORT]
  lienthong-coordinator directory import FILE --data DIR [--dry-run] [--format csv|json|text] [--as-of YYYY-MM-DD] [--actor NAME]
  lienthong-coordinator token create --data DIR --role viewer|operator|security|admin --name NAME
  lienthong-coordinator token revoke --data DIR --name NAME
  lienthong-coordinator token list   --data DIR
  lienthong-coordinator help [COMMAND]

init   creates DIR with the coordinator key (0600), network.json (give it to agencies),
       config.json (every key with its default) and the registry log holding the national directory.
start  serves the registry over libp2p and HTTP until Ctrl-C.
directory import
       checks a list of units (CSV with a header row code,name[,parent,level,kind], a JSON array,
       or plain text with one name per line), prints the diff and every anomaly, and applies it
       unless --dry-run (audited; applying needs the coordinator stopped, a dry run does not).

Exit codes: 0 ok, 1 failed (the message ends with a stable [error-code]), 2 bad usage,
3 directory import found anomalies or bad rows.`

/** Run the CLI; resolves to the process exit code. */
export function main (argv: string[]): Promise<number> {
  return runCli('lienthong-coordinator', USAGE, COMMANDS, argv)
}
