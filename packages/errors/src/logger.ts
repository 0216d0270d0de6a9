/**
 * The logging contract every package accepts (pino's loggers satisfy it). Messages are constant
 * strings; details go in the context object. Never log keys, payloads or personal data.
 */
export interface Logger {
  debug: (context: object, message: string) => void
  info: (context: object, message: string) => void
  warn: (context: object, message: string) => void
  error: (context: object, message: string) => void
  child: (bindings: Record<string, string>) => Logger
}

/** A logger that drops everything: the default for libraries and tests. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger
}
