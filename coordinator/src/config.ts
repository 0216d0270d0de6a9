import { readFile, stat } from 'node:fs/promises'
import { z } from 'zod'
import { LienthongError } from '@lienthong/errors'
import { CoordinatorErrorCode } from './errors.js'

/** The 30-minute rule of the regulation: a lost connection is notified within 30 minutes. */
export const MAX_OFFLINE_AFTER_MS = 30 * 60 * 1000

/** The SMTP submission port with implicit TLS (RFC 8314); `notify.smtp.secure: null` means TLS on it. */
export const SMTP_IMPLICIT_TLS_PORT = 465

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/, 'must be HOST:PORT')

/**
 * Every key of the coordinator's config.json with its default. `init` writes all of them, so the
 * file documents itself; `start` flags override the file.
 */
export const configSchema = z.object({
  /** libp2p listen addresses. A fixed port: nodes find the coordinator through network.json. */
  listen: z.array(z.string().startsWith('/')).min(1).default(['/ip4/127.0.0.1/tcp/7401']),
  /** Addresses published in network.json; empty means the listen addresses. */
  announce: z.array(z.string().startsWith('/')).default([]),
  /** HTTP API bind address (public registry endpoints and the admin API). */
  http: hostPort.default('127.0.0.1:7400'),
  /** The URL agencies use to reach the HTTP API; empty means http://<http>. */
  publicUrl: z.string().regex(/^(https?:\/\/\S+)?$/, 'must be an http:// or https:// URL, or empty').default(''),
  monitor: z.object({
    heartbeatIntervalMs: z.number().int().min(1000).max(10 * 60_000).default(30_000),
    // Default 5 minutes: long enough to ride out a node restart, far inside the 30-minute rule.
    offlineAfterMs: z.number().int().min(2000).default(300_000)
  }).prefault({}),
  network: z.object({
    /** Largest envelope (header + sealed payload) any node accepts: 100 MiB. */
    maxEnvelopeBytes: z.number().int().min(64 * 1024).max(4 * 1024 ** 3).default(100 * 1024 * 1024),
    /** A node without a fresh checkpoint for this long reports itself degraded: 24 h (the registry accepts 1 min to 30 days). */
    stalenessLimitMs: z.number().int().min(60_000).max(30 * 24 * 3600_000).default(24 * 3600_000)
  }).prefault({}),
  registry: z.object({
    /** How often the coordinator signs a fresh checkpoint even when nothing changed. */
    checkpointIntervalMs: z.number().int().min(1000).default(60_000)
  }).prefault({}),
  notify: z.object({
    smtp: z.object({
      host: z.string().default(''),
      port: z.number().int().min(1).max(65535).default(587),
      /**
       * `true`: TLS from the first byte; `false`: STARTTLS. `null` (the default) follows the port:
       * 465 is the implicit-TLS port (RFC 8314), every other port starts plain and upgrades.
       */
      secure: z.boolean().nullable().default(null),
      from: z.string().default('lienthong@localhost'),
      auth: z.object({ user: z.string(), pass: z.string() }).nullable().default(null)
    }).prefault({}).transform((smtp) => ({ ...smtp, secure: smtp.secure ?? smtp.port === SMTP_IMPLICIT_TLS_PORT })),
    sms: z.object({
      /** An HTTP gateway that receives POST {"to": PHONE, "text": MESSAGE}; empty: SMS off. */
      url: z.string().default('')
    }).prefault({}),
    operators: z.object({
      emails: z.array(z.string()).default([]),
      phones: z.array(z.string()).default([])
    }).prefault({})
  }).prefault({}),
  log: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info')
  }).prefault({})
}).strict().superRefine((c, ctx) => {
  if (c.monitor.offlineAfterMs > MAX_OFFLINE_AFTER_MS) {
    ctx.addIssue({ code: 'custom', path: ['monitor', 'offlineAfterMs'], message: `must be at most ${MAX_OFFLINE_AFTER_MS} (the 30-minute notification rule)` })
  }
  if (c.monitor.offlineAfterMs < 2 * c.monitor.heartbeatIntervalMs) {
    ctx.addIssue({ code: 'custom', path: ['monitor', 'offlineAfterMs'], message: 'must be at least two heartbeat intervals' })
  }
})

export type CoordinatorConfig = z.infer<typeof configSchema>

/** Validate plain data into a config, or throw `config-invalid` naming every bad key. */
export function parseConfig (data: unknown, source = 'config.json'): CoordinatorConfig {
  const result = configSchema.safeParse(data)
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new LienthongError(CoordinatorErrorCode.CONFIG_INVALID, `${source} is invalid: ${problems.join('; ')}`, { source, problems })
  }
  return result.data
}

export function defaultConfig (): CoordinatorConfig {
  return parseConfig({})
}

/** Whether the config holds secrets: SMTP credentials, or an SMS gateway URL (which may carry a key). */
export function configHasSecrets (config: CoordinatorConfig): boolean {
  return config.notify.smtp.auth !== null || config.notify.sms.url !== ''
}

/**
 * The text `init` writes: every key with its default, `notify.smtp.secure` left `null` so that it
 * keeps following the port when the operator sets one.
 */
export function configFileText (config: CoordinatorConfig): string {
  const file = { ...config, notify: { ...config.notify, smtp: { ...config.notify.smtp, secure: null } } }
  return JSON.stringify(file, null, 2) + '\n'
}

/**
 * Read and validate config.json. A file holding secrets (see {@link configHasSecrets}) that the
 * group or others may read is refused with `config-file-permissions`, as key files are.
 */
export async function readConfig (path: string): Promise<CoordinatorConfig> {
  let text: string
  let mode: number
  try {
    text = await readFile(path, 'utf8')
    mode = (await stat(path)).mode
  } catch {
    throw new LienthongError(CoordinatorErrorCode.CONFIG_MISSING, `cannot read ${path}; run \`lienthong-coordinator init\` first`, { path })
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new LienthongError(CoordinatorErrorCode.CONFIG_INVALID, `${path} is not valid JSON: ${(err as Error).message}`, { source: path })
  }
  const config = parseConfig(data, path)
  if (configHasSecrets(config) && (mode & 0o077) !== 0) {
    throw new LienthongError(CoordinatorErrorCode.CONFIG_PERMISSIONS,
      `${path} holds secrets (notify.smtp.auth or notify.sms.url) but others may read it (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${path}`,
      { path, mode: mode & 0o777 })
  }
  return config
}
