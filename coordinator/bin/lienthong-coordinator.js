#!/usr/bin/env node
// Load the Node 20 shims before anything else, then the compiled CLI.
import '@lienthong/compat'
import { main } from '../dist/src/cli.js'

process.exitCode = await main(process.argv.slice(2))
