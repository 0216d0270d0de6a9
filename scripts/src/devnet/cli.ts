/**
 * The command line shared by `npm start` (start.ts) and `npm run devnet -- --all` (all.ts):
 * progress on stderr, the summary on stdout (text, or one JSON line with --json), then running
 * until Ctrl-C, which stops every process cleanly.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runDevnet, type Devnet, type DevnetOptions } from './run.js'
import { formatSummary } from './summary.js'

/** The repository root (this file is scripts/dist/src/devnet/cli.js). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

const USAGE = `usage:
  npm start [-- OPTIONS]               the 4-unit demo: Văn phòng Chính phủ and three provinces
  npm run devnet -- --all [OPTIONS]    every active province and ministry-level unit, one node each

options:
  --dir DIR          data folder (default .devnet for the demo, .devnet/all for --all); reused when it exists
  --ports MODE       fixed (default: free ports chosen at first init and kept) or ephemeral (port 0, not reusable)
  --base-port N      first port tried in fixed mode (default 7400 for the demo, 8400 for --all; 0: any)
  --concurrency N    nodes brought up at once (default: all for the demo, 6 for --all)
  --no-sample        skip the sample exchange
  --json             print the summary as one JSON line instead of text
  --exit             stop everything once ready instead of running until Ctrl-C`

function elapsed (): string {
  return `${(performance.now() / 1000).toFixed(1).padStart(5)}s`
}

/** Run a devnet from the command line; resolves to the exit code. */
export async function main (argv: string[], all: boolean): Promise<number> {
  let values
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        all: { type: 'boolean' }, dir: { type: 'string' }, ports: { type: 'string' }, 'base-port': { type: 'string' },
        concurrency: { type: 'string' }, 'no-sample': { type: 'boolean' }, json: { type: 'boolean' }, exit: { type: 'boolean' }, help: { type: 'boolean' }
      }
    }))
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  if (values.help === true) { console.log(USAGE); return 0 }
  const directory = all && values.all === true
  if (values.ports !== undefined && values.ports !== 'fixed' && values.ports !== 'ephemeral') { console.error(`--ports must be fixed or ephemeral\n${USAGE}`); return 2 }
  const progress = (line: string): void => { console.error(`[${elapsed()}] ${line}`) }
  const abort = new AbortController()
  let devnet: Devnet | undefined
  let stopping = false
  const stopped = new Promise<string>((resolve) => {
    const onSignal = (signal: string): void => {
      if (stopping) return
      stopping = true
      progress(`${signal}: stopping every process ...`)
      abort.abort()
      resolve(signal)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
  const options: DevnetOptions = {
    dir: values.dir ?? (directory ? join(REPO_ROOT, '.devnet', 'all') : join(REPO_ROOT, '.devnet')),
    ports: values.ports === 'ephemeral' ? 'ephemeral' : 'fixed',
    basePort: values['base-port'] === undefined ? (directory ? 8400 : 7400) : Number(values['base-port']),
    units: directory ? 'directory' : undefined,
    concurrency: values.concurrency === undefined ? (directory ? 6 : undefined) : Number(values.concurrency),
    // Văn phòng Chính phủ sends the sample: to the three provinces, or to every other unit with --all.
    sample: values['no-sample'] === true ? false : { from: '000.00.00.G22' },
    progress,
    signal: abort.signal
  }
  progress(directory ? 'starting a devnet of every province and ministry-level unit ...' : 'starting the demo devnet ...')
  try {
    devnet = await runDevnet(options)
  } catch (err) {
    if (stopping) { progress('stopped'); return 130 }
    console.error(`devnet failed: ${(err as Error).message}`)
    return 1
  }
  const summary = devnet.summary
  console.log(values.json === true ? JSON.stringify(summary) : formatSummary(summary))
  progress(`ready in ${(summary.readyMs / 1000).toFixed(1)} s (${elapsed()} since node started); Ctrl-C stops it`)
  for (const service of devnet.processes.services) {
    void service.exited.then(({ code, signal }) => {
      if (!stopping) progress(`${service.name} exited unexpectedly (${signal ?? `code ${code}`}); see ${service.log}`)
    })
  }
  if (values.exit !== true) await stopped
  stopping = true
  await devnet.stop()
  progress('every process stopped; the data stays for the next run')
  return 0
}
