import { parseArgs } from 'node:util'
import { isLienthongError } from '@lienthong/errors'
import { CoordinatorErrorCode } from './errors.js'
import { COMMANDS, type Command } from './cli/commands.js'

const USAGE = `lienthong-coordinator: the Government Office's coordinator of a Lienthong network

usage:
  lienthong-coordinator init  --data DIR [--name NETWORK] [--listen MULTIADDR] [--http HOST:PORT]
  lienthong-coordinator start --data DIR [--listen MULTIADDR] [--http HOST:PORT]
  lienthong-coordinator directory import FILE --data DIR [--dry-run] [--format csv|json|text] [--as-of YYYY-MM-DD]
  lienthong-coordinator help [COMMAND]

init   creates DIR with the coordinator key (0600), network.json (give it to agencies),
       config.json (every key with its default) and the registry log holding the national directory.
start  serves the registry over libp2p and HTTP until Ctrl-C.
directory import
       checks a list of units (CSV with a header row code,name[,parent,level,kind], a JSON array,
       or plain text with one name per line), prints the diff and every anomaly, and applies it
       unless --dry-run.`

/** Parse `argv` for one command, or throw a usage error with a one-line reason. */
export function parseCommandArgs (command: Command, args: string[]): { values: Record<string, string | boolean | Array<string | boolean> | undefined>, positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: command.options, allowPositionals: true, strict: true })
    return { values: parsed.values, positionals: parsed.positionals }
  } catch (err) {
    throw new UsageError(`${command.name}: ${(err as Error).message}`)
  }
}

export class UsageError extends Error {}

/** Run the CLI; resolves to the process exit code. Errors are printed as one line. */
export async function main (argv: string[]): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    const topic = first === 'help' ? rest[0] : undefined
    const cmd = topic === undefined ? undefined : COMMANDS.find((c) => c.name === topic || c.name.startsWith(topic + ' '))
    console.log(cmd?.help ?? USAGE)
    return first === undefined ? 2 : 0
  }
  let name = first
  let args = rest
  if (first === 'directory' || first === 'token') {
    name = `${first} ${rest[0] ?? ''}`.trim()
    args = rest.slice(1)
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (command === undefined) {
    console.error(`lienthong-coordinator: unknown command "${name}"; see lienthong-coordinator --help`)
    return 2
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(command.help)
    return 0
  }
  try {
    const { values, positionals } = parseCommandArgs(command, args)
    return await command.run(values, positionals)
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`lienthong-coordinator ${err.message}; see lienthong-coordinator ${command.name} --help`)
      return 2
    }
    if (isLienthongError(err)) {
      console.error(`lienthong-coordinator ${command.name}: ${err.message} [${err.code}]`)
      return err.code === CoordinatorErrorCode.USAGE ? 2 : 1
    }
    console.error(`lienthong-coordinator ${command.name}: unexpected error: ${(err as Error).stack ?? String(err)}`)
    return 1
  }
}
