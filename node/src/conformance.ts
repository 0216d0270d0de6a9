import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { isLienthongError, type Logger } from '@lienthong/errors'
import type { RegistryReplica } from '@lienthong/protocol'
import { TEST_SERVICE_ORG } from '@lienthong/registry'
import type { Relay } from '@lienthong/relay'

/** The statuses the test service answers with; seeing both on the test document is a pass. */
const EXPECTED_STATUSES = ['01', '06'] as const

/** The test document (plain text, so that an operator reading the test service's inbox sees what it is). */
const TEST_DOCUMENT = 'Văn bản thử nghiệm kết nối Liên thông: kiểm tra gửi, nhận và trạng thái xử lý.'

/** How long one exchange may take before the whole exchange is tried again with a new document. */
const DEFAULT_ATTEMPT_TIMEOUT_MS = 2 * 60_000
/** Delay before a new attempt: from 5 s, doubled each time, at most 5 minutes. */
const DEFAULT_RETRY_INITIAL_MS = 5_000
const RETRY_MAX_MS = 5 * 60_000
/** Test documents of earlier attempts still watched for late statuses (the newest ones). */
const MAX_WATCHED_DOCUMENTS = 8
/** How often the outbox record is read while waiting for the statuses. */
const POLL_MS = 250

/** What `<data>/conformance.json` holds once this node has passed. */
export interface ConformanceResult {
  passed: boolean
  /** When the statuses were seen (Unix ms); null before a pass. */
  at: number | null
  /** The outbox id of the test document that passed. */
  documentId?: string
  /** The PeerId that passed (a new key runs the exchange again). */
  peerId?: string
}

export interface ConformanceRunnerInit {
  data: string
  peerId: string
  relay: Relay
  replica: RegistryReplica
  logger: Logger
  /** Bound on one exchange (default 2 minutes). */
  attemptTimeoutMs?: number
  /** First retry delay (default 5 s). */
  retryInitialMs?: number
}

async function readResult (path: string, peerId: string): Promise<ConformanceResult> {
  try {
    const raw = JSON.parse(await readFile(path, 'utf8')) as Partial<ConformanceResult>
    if (raw.passed === true && raw.peerId === peerId && typeof raw.at === 'number') return { passed: true, at: raw.at, peerId, ...(typeof raw.documentId === 'string' ? { documentId: raw.documentId } : {}) }
  } catch {
    // No file yet (or unreadable): not passed; the exchange runs again, which is harmless.
  }
  return { passed: false, at: null }
}

/**
 * The conformance exchange a trial node runs by itself (architecture §6): as soon as the registry
 * shows it admitted as `trial`, it sends a test document from its first hosted organisation to
 * the coordinator's test service and waits for statuses 01 and 06 on it. The pass is written to
 * `<data>/conformance.json` and never run again for this PeerId; a failed or slow exchange is
 * retried with a new document, backing off, for as long as the node stays in trial.
 */
export class ConformanceRunner {
  readonly #c: ConformanceRunnerInit
  readonly #path: string
  readonly #abort = new AbortController()
  #result: ConformanceResult = { passed: false, at: null }
  #run: Promise<void> | undefined
  #unsubscribe: (() => void) | undefined

  constructor (init: ConformanceRunnerInit) {
    this.#c = init
    this.#path = join(init.data, 'conformance.json')
  }

  /** Read the last result, then run when (and as soon as) this node is in trial. */
  async start (): Promise<void> {
    this.#result = await readResult(this.#path, this.#c.peerId)
    this.#unsubscribe = this.#c.replica.on('applied', () => { this.#maybeRun() })
    this.#maybeRun()
  }

  async stop (): Promise<void> {
    this.#unsubscribe?.()
    this.#abort.abort()
    await this.#run
  }

  /** For health: whether this node has passed, and when. */
  status (): { passed: boolean, at: number | null } {
    return { passed: this.#result.passed, at: this.#result.at }
  }

  #inTrial (): boolean {
    return this.#c.replica.state.nodes.get(this.#c.peerId)?.state === 'trial'
  }

  #maybeRun (): void {
    if (this.#result.passed || this.#run !== undefined || this.#abort.signal.aborted || !this.#inTrial()) return
    this.#run = this.#loop()
      .catch((err: unknown) => { this.#c.logger.error({ err: (err as Error).message }, 'conformance exchange stopped') })
      .finally(() => {
        this.#run = undefined
        // Admitted again to trial meanwhile (e.g. after a suspension): look once more.
        if (!this.#abort.signal.aborted) this.#maybeRun()
      })
  }

  async #loop (): Promise<void> {
    const { logger: log } = this.#c
    const signal = this.#abort.signal
    const sent: string[] = []
    let retryMs = this.#c.retryInitialMs ?? DEFAULT_RETRY_INITIAL_MS
    while (!signal.aborted && this.#inTrial()) {
      try {
        const id = await this.#send()
        if (id === undefined) {
          log.warn({}, 'this node hosts no organisation: no conformance test document can be sent')
        } else {
          sent.push(id)
          if (sent.length > MAX_WATCHED_DOCUMENTS) sent.shift()
          log.info({ id, to: TEST_SERVICE_ORG }, 'conformance test document sent')
        }
      } catch (err) {
        // Not routable yet (the registry is still arriving), or a refusal: try again later.
        log.warn({ code: isLienthongError(err) ? err.code : (err as Error).message }, 'conformance test document not sent')
      }
      // An earlier document answered late counts as well.
      const passed = sent.length === 0 ? undefined : await this.#waitForStatuses(sent, this.#c.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS)
      if (passed !== undefined) {
        await this.#save({ passed: true, at: Date.now(), documentId: passed, peerId: this.#c.peerId })
        log.info({ id: passed }, 'conformance exchange passed')
        return
      }
      if (signal.aborted) return
      if (!this.#inTrial()) {
        log.info({ state: this.#c.replica.state.nodes.get(this.#c.peerId)?.state ?? null }, 'no longer in trial: conformance exchange not run further')
        return
      }
      log.warn({ retryInMs: retryMs }, 'conformance exchange not completed; retrying')
      if (!await this.#sleep(retryMs)) return
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2)
    }
  }

  /** The test document's outbox id; undefined when this node hosts no organisation to send from. */
  async #send (): Promise<string | undefined> {
    const from = this.#c.replica.state.nodes.get(this.#c.peerId)?.orgs[0]
    if (from === undefined) return undefined
    const result = await this.#c.relay.submit({ from, to: [TEST_SERVICE_ORG], contentType: 'text/plain', payload: new Uint8Array(Buffer.from(TEST_DOCUMENT, 'utf8')) })
    return result.id
  }

  /**
   * The first of `ids` whose outbox record shows both statuses within `timeoutMs`; undefined
   * otherwise. Waits out the bound even if the node leaves trial meanwhile (a forced promotion):
   * the exchange in flight still completes, and its pass is recorded as the coordinator records it.
   */
  async #waitForStatuses (ids: readonly string[], timeoutMs: number): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      for (const id of ids) {
        const record = await this.#c.relay.outboxRecord(id)
        const codes = new Set(record?.statuses.map((s) => s.code))
        if (EXPECTED_STATUSES.every((code) => codes.has(code))) return id
      }
      if (Date.now() >= deadline || !await this.#sleep(POLL_MS)) return undefined
    }
  }

  /** False when stopped meanwhile. */
  async #sleep (ms: number): Promise<boolean> {
    try {
      await delay(ms, undefined, { signal: this.#abort.signal })
      return true
    } catch {
      return false
    }
  }

  async #save (result: ConformanceResult): Promise<void> {
    const tmp = `${this.#path}.tmp`
    await writeFile(tmp, JSON.stringify(result, null, 2) + '\n', { mode: 0o644 })
    await rename(tmp, this.#path)
    this.#result = result
  }
}
