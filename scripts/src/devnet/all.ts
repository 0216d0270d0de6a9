/**
 * `npm run devnet -- --all`: every active province (34) and ministry-level unit (25) of the
 * directory, each its own node process, admitted through the real join workflow; prints the
 * memory of each node. Without --all it is the same as `npm start`. Data in .devnet/all/.
 */
import { main } from './cli.js'

process.exitCode = await main(process.argv.slice(2), true)
