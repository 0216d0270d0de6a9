import { pino } from 'pino'
import type { Logger } from '@lienthong/errors'

/**
 * The application logger: JSON lines on stderr (stdout stays for CLI output), one child per
 * component (`component: 'lienthong:coordinator:sync'`). Never given keys or payloads.
 */
export function createLogger (level: string, name: string): Logger {
  const root = pino({ level, base: { app: name }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2))
  return wrap(root)
}

function wrap (p: pino.Logger): Logger {
  return {
    debug: (context, message) => { p.debug(context, message) },
    info: (context, message) => { p.info(context, message) },
    warn: (context, message) => { p.warn(context, message) },
    error: (context, message) => { p.error(context, message) },
    child: (bindings) => wrap(p.child(bindings))
  }
}
