import { setTimeout as delay } from 'node:timers/promises'
import { Hono } from 'hono'
import { isLienthongError, LienthongError, type JsonValue, type Logger } from '@lienthong/errors'
import { bearerAuth, type TokenStore } from '@lienthong/http'
import type { AuditLog } from '@lienthong/membership'
import type { RegistryReplica } from '@lienthong/protocol'
import { RegistryErrorCode } from '@lienthong/registry'
import type { InboxView, Relay } from '@lienthong/relay'
import { peerIdParam } from './http/guards.js'

/** The audit action under which a conformance pass is kept (the audit log is append-only and synced). */
export const CONFORMANCE_PASS_ACTION = 'conformance.pass'

/** What the test service answers each test document with: 01 (arrived), then 06 (finished). */
export const CONFORMANCE_STATUSES: readonly string[] = Object.freeze(['01', '06'])

const STATUS_NOTES: Readonly<Record<string, string>> = {
  '01': 'Dịch vụ kiểm thử đã nhận văn bản thử',
  '06': 'Hoàn thành trao đổi kiểm thử kết nối'
}

/** Test documents answered at once; more wait (a few trial nodes at a time is the normal load). */
const MAX_CONCURRENT_EXCHANGES = 64
/** Polling of the status deliveries' outbox records: from 100 ms, doubled, at most 2 s. */
const POLL_MIN_MS = 100
const POLL_MAX_MS = 2_000
/** A status delivery still queued this long after its envelope expired is taken as failed. */
const EXPIRY_MARGIN_MS = 2 * 60_000

/** A node's conformance pass: the test document, and the statuses delivered to it. */
export interface ConformancePass {
  peerId: string
  at: number
  documentId: string
  /** Organisation the test document came from. */
  org: string
  statuses: string[]
}

function passFromDetail (peerId: string, at: number, detail: JsonValue | undefined): ConformancePass | undefined {
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return undefined
  const { documentId, org, statuses } = detail
  if (typeof documentId !== 'string' || typeof org !== 'string' || !Array.isArray(statuses)) return undefined
  return { peerId, at, documentId, org, statuses: statuses.filter((s): s is string => typeof s === 'string') }
}

/**
 * Conformance passes by PeerId: written to the audit log (actor `system`, action
 * `conformance.pass`) and rebuilt from it at start. A later pass of the same node replaces the
 * earlier one. A pass belongs to the PeerId: a node that rotates its key runs the exchange again.
 */
export class ConformanceRecords {
  readonly #audit: AuditLog
  readonly #passes = new Map<string, ConformancePass>()

  private constructor (audit: AuditLog) {
    this.#audit = audit
  }

  /** Read every pass recorded so far. */
  static async load (audit: AuditLog): Promise<ConformanceRecords> {
    const records = new ConformanceRecords(audit)
    let since: number | undefined
    for (;;) {
      const page = await audit.list({ limit: 1000, ...(since === undefined ? {} : { since }) })
      for (const entry of page) {
        if (entry.action !== CONFORMANCE_PASS_ACTION || entry.actor !== 'system') continue
        const pass = passFromDetail(entry.target, entry.at, entry.detail)
        if (pass !== undefined) records.#passes.set(pass.peerId, pass)
      }
      if (page.length < 1000) return records
      since = page.at(-1)?.seq
    }
  }

  passed (peerId: string): boolean {
    return this.#passes.has(peerId)
  }

  get (peerId: string): ConformancePass | undefined {
    return this.#passes.get(peerId)
  }

  /** Persist a pass (synced to disk), then make it visible. */
  async record (pass: ConformancePass): Promise<void> {
    const entry = await this.#audit.record({
      actor: 'system',
      action: CONFORMANCE_PASS_ACTION,
      target: pass.peerId,
      reason: 'conformance exchange with the test service completed',
      detail: { documentId: pass.documentId, org: pass.org, statuses: [...pass.statuses] }
    })
    // The audit entry's time, as `load` reads it back after a restart.
    this.#passes.set(pass.peerId, { ...pass, at: entry.at, statuses: [...pass.statuses] })
  }
}

type Outcome = 'delivered' | 'failed' | 'aborted'

/**
 * The test service's responder: follows the test service relay's inbox and answers each test
 * document with statuses 01 then 06. Once both status envelopes are delivered (the sender node's
 * signed receipts are in the outbox), the sender node has passed: the pass is recorded, then the
 * document acknowledged. A document still unacknowledged at a restart is answered again.
 */
export class ConformanceResponder {
  readonly #relay: Relay
  readonly #records: ConformanceRecords
  readonly #log: Logger
  readonly #abort = new AbortController()
  readonly #pending = new Set<Promise<void>>()
  #loop: Promise<void> | undefined

  constructor (relay: Relay, records: ConformanceRecords, logger: Logger) {
    this.#relay = relay
    this.#records = records
    this.#log = logger
  }

  start (): void {
    this.#loop ??= this.#run()
  }

  /** Stop answering; exchanges in progress are left unacknowledged (answered again at the next start). */
  async stop (): Promise<void> {
    this.#abort.abort()
    await this.#loop
    await Promise.allSettled([...this.#pending])
  }

  async #run (): Promise<void> {
    const signal = this.#abort.signal
    try {
      for await (const doc of this.#relay.followInbox(undefined, signal)) {
        while (this.#pending.size >= MAX_CONCURRENT_EXCHANGES) await Promise.race(this.#pending)
        if (signal.aborted) return
        const exchange: Promise<void> = this.#answer(doc)
          .catch((err: unknown) => { this.#log.warn({ id: doc.id, err: isLienthongError(err) ? err.code : (err as Error).message }, 'conformance exchange failed') })
          .finally(() => { this.#pending.delete(exchange) })
        this.#pending.add(exchange)
      }
    } catch (err) {
      if (!signal.aborted) this.#log.error({ err: (err as Error).message }, 'the test service stopped following its inbox')
    }
  }

  async #answer (doc: InboxView): Promise<void> {
    const ids: string[] = []
    try {
      for (const code of CONFORMANCE_STATUSES) ids.push((await this.#relay.sendStatus(doc.id, { code, note: STATUS_NOTES[code] ?? code })).id)
    } catch (err) {
      // The sender cannot be answered (suspended, revoked, gone): nothing to retry for this document.
      if (!isLienthongError(err)) throw err
      this.#log.warn({ id: doc.id, peer: doc.from.node, code: err.code }, 'test document not answered')
      await this.#relay.ack(doc.id)
      return
    }
    const outcome = await this.#settled(ids)
    if (outcome === 'aborted') return
    if (outcome === 'delivered') {
      await this.#records.record({ peerId: doc.from.node, at: Date.now(), documentId: doc.id, org: doc.from.org, statuses: [...CONFORMANCE_STATUSES] })
      this.#log.info({ peer: doc.from.node, org: doc.from.org, id: doc.id }, 'conformance pass recorded')
    } else {
      this.#log.warn({ peer: doc.from.node, id: doc.id }, 'the test service\'s statuses were not delivered; no conformance pass')
    }
    await this.#relay.ack(doc.id)
  }

  /**
   * Wait until every status envelope is delivered, or one of them failed. They expire with the
   * test relay's short TTL, and the worker then gives them up; past expiry plus a margin they
   * count as failed whatever the outbox says, so the wait is bounded.
   */
  async #settled (ids: readonly string[]): Promise<Outcome> {
    let waitMs = POLL_MIN_MS
    for (;;) {
      let allDelivered = true
      for (const id of ids) {
        const record = await this.#relay.outboxRecord(id)
        if (record === undefined || record.deliveries.some((d) => d.state === 'failed')) return 'failed'
        if (record.deliveries.some((d) => d.state !== 'delivered')) {
          if (Date.now() > record.expiresAt + EXPIRY_MARGIN_MS) return 'failed'
          allDelivered = false
        }
      }
      if (allDelivered) return 'delivered'
      try {
        await delay(waitMs, undefined, { signal: this.#abort.signal })
      } catch {
        return 'aborted'
      }
      waitMs = Math.min(POLL_MAX_MS, waitMs * 2)
    }
  }
}

type Env = { Variables: { tokenName: string, tokenRole: string } }

/**
 * `GET /nodes/:peerId/conformance` [viewer]: whether the node passed the conformance exchange,
 * when, with which test document and statuses. `registry-unknown-node` (404) for a PeerId that
 * is neither in the registry nor has a recorded pass.
 */
export function conformanceRoutes (c: { records: ConformanceRecords, replica: RegistryReplica, tokens: TokenStore }): Hono<Env> {
  const app = new Hono<Env>()
  app.get('/nodes/:peerId/conformance', bearerAuth(c.tokens, 'viewer'), (ctx) => {
    const peerId = peerIdParam(ctx)
    const pass = c.records.get(peerId)
    const node = c.replica.state.nodes.get(peerId)
    if (pass === undefined && node === undefined) {
      throw new LienthongError(RegistryErrorCode.UNKNOWN_NODE, 'no node with this PeerId', { peerId: peerId.slice(0, 128) })
    }
    return ctx.json({
      peerId,
      state: node?.state ?? null,
      passed: pass !== undefined,
      at: pass?.at ?? null,
      documentId: pass?.documentId ?? null,
      org: pass?.org ?? null,
      statuses: pass?.statuses ?? []
    })
  })
  return app
}
