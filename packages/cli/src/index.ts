/**
 * What both applications' command lines share: dispatch with one-line errors and stable exit
 * codes (0 ok, 1 failed with `[code]`, 2 usage), option helpers, a stop-signal wait, and the JSON
 * logger (pino, on stderr so stdout stays for the CLI's own output).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli('lienthong-node', USAGE, COMMANDS, process.argv.slice(2))
 * ```
 */
export { runCli, requiredOption, optionalOption, listOption, waitForStopSignal, USAGE_CODE, type Command, type CommandValues } from './command.js'
export { createLogger } from './logger.js'
export { serveHttp, splitHostPort, type HttpServer } from './http-server.js'
