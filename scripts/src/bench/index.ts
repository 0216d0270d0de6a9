/**
 * `npm run bench -- SUITE [SUITE ...]`: runs each suite and prints one JSON object per suite on
 * stdout. Suites live in ./suites/<name>.ts and export `run(args)`. Progress goes to stderr.
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchSuite } from './measure.js'

const suitesDir = join(dirname(fileURLToPath(import.meta.url)), 'suites')
const available = readdirSync(suitesDir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).sort()
  .filter((name, _, all) => !all.some((suite) => name.startsWith(`${suite}-`))) // <suite>-<part>.js: a suite's helper module

const args = process.argv.slice(2)
const names = args.filter((a) => !a.startsWith('--'))
const flags = args.filter((a) => a.startsWith('--'))

if (names.length === 0 || names.includes('help')) {
  console.error(`usage: npm run bench -- SUITE [SUITE ...]\nsuites: ${available.join(', ')}`)
  process.exit(names.length === 0 ? 2 : 0)
}
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`unknown suite "${name}"; suites: ${available.join(', ')}`)
    process.exit(2)
  }
}
for (const name of names) {
  console.error(`bench: running ${name} ...`)
  const suite = await import(`./suites/${name}.js`) as BenchSuite
  const started = new Date().toISOString()
  const result = await suite.run(flags)
  console.log(JSON.stringify({ suite: name, started, node: process.version, ...result }))
}
