/**
 * `npm start`: a local network of a coordinator and four relay nodes (Văn phòng Chính phủ and
 * three provinces), each its own process on 127.0.0.1, admitted through the real join workflow;
 * a sample document exchanged; a summary printed; running until Ctrl-C. Data in .devnet/.
 */
import { main } from './cli.js'

process.exitCode = await main(process.argv.slice(2), false)
