import { parseArgs } from 'node:util'
import { isLienthongError, LienthongError } from '@lienthong/errors'

/** Parsed option values, as node:util parseArgs gives them. */
export type CommandValues = Record<string, string | boolean | Array<string | boolean> | undefined>

/** One CLI command: its options (node:util parseArgs form), help text and action. */
export interface Command {
  /** e.g. `init`, or two words for a group: `directory import`, `token create`. */
  name: string
  options: Record<string, { type: 'string' | 'boolean', multiple?: boolean }>
  help: string
  /** Resolves to the exit code. Throw a LienthongError with code `usage` for bad arguments (exit 2). */
  run: (values: CommandValues, positionals: string[]) => Promise<number>
}

export const USAGE_CODE = 'usage'

/** A required string option, or a `usage` error naming it. */
export function requiredOption (values: CommandValues, name: string): string {
  const v = values[name]
  if (typeof v !== 'string' || v === '') throw new LienthongError(USAGE_CODE, `--${name} is required`)
  return v
}

export function optionalOption (values: CommandValues, name: string): string | undefined {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

/** A repeatable option (`--org A --org B`); undefined when absent. */
export function listOption (values: CommandValues, name: string): string[] | undefined {
  const v = values[name]
  return Array.isArray(v) && v.length > 0 ? v.map(String) : undefined
}

/**
 * Dispatch `argv` to a command and turn every failure into one line on stderr and an exit code:
 * 0 ok, 1 the command failed (`[code]` at the end of the line), 2 bad usage. Two-word commands
 * (`directory import`) are matched on their first two words.
 */
export async function runCli (program: string, usage: string, commands: readonly Command[], argv: string[]): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    const topic = first === 'help' ? rest.join(' ') : ''
    const cmd = commands.find((c) => topic !== '' && (c.name === topic || c.name.startsWith(topic + ' ')))
    console.log(cmd?.help ?? usage)
    return first === undefined ? 2 : 0
  }
  const two = `${first} ${rest[0] ?? ''}`
  const command = commands.find((c) => c.name === two) ?? commands.find((c) => c.name === first)
  if (command === undefined) {
    console.error(`${program}: unknown command "${first}"; see ${program} --help`)
    return 2
  }
  const args = command.name.includes(' ') ? rest.slice(1) : rest
  if (args.includes('--help') || args.includes('-h')) {
    console.log(command.help)
    return 0
  }
  let parsed: { values: CommandValues, positionals: string[] }
  try {
    parsed = parseArgs({ args, options: command.options, allowPositionals: true, strict: true })
  } catch (err) {
    console.error(`${program} ${command.name}: ${(err as Error).message}; see ${program} ${command.name} --help`)
    return 2
  }
  try {
    return await command.run(parsed.values, parsed.positionals)
  } catch (err) {
    if (isLienthongError(err)) {
      console.error(`${program} ${command.name}: ${err.message} [${err.code}]`)
      return err.code === USAGE_CODE ? 2 : 1
    }
    console.error(`${program} ${command.name}: unexpected error: ${(err as Error).stack ?? String(err)}`)
    return 1
  }
}

/** Resolve when the process is asked to stop (SIGINT / SIGTERM). */
export function waitForStopSignal (): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve(signal)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
