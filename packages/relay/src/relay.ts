import { isUlid } from '@lienthong/envelope'
import { LienthongError, isLienthongError } from '@lienthong/errors'
import { NAMESPACE, StoreErrorCode } from '@lienthong/store'
import { hostedHere } from './checks.js'
import { DEFAULT_INLINE_PAYLOAD_MAX_BYTES, DEFAULT_MAX_CLOCK_SKEW_MS, DEFAULT_WINDOW_BYTES } from './constants.js'
import { RelayErrorCode } from './errors.js'
import { RelayMetrics } from './metrics.js'
import { checkStatus } from './payload-info.js'
import { RelayReceiver } from './receiver.js'
import { RefusalLog } from './refusal-log.js'
import { Submitter } from './submit.js'
import type { InboxView, Relay, RelayConfig, RelayInit } from './types.js'
import { RelayViews } from './views.js'
import { DeliveryWorker } from './worker.js'

function positiveInt (config: RelayConfig, name: keyof RelayConfig, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new TypeError(`config.${name} must be a positive integer`)
  return value
}

/** Check the config once, filling in the optional settings. */
function resolveConfig (config: RelayConfig): Required<RelayConfig> {
  if (typeof config !== 'object' || config === null) throw new TypeError('config must be an object')
  const resolved: Required<RelayConfig> = {
    maxPayloadBytes: positiveInt(config, 'maxPayloadBytes', config.maxPayloadBytes),
    retryInitialMs: positiveInt(config, 'retryInitialMs', config.retryInitialMs),
    retryMaxMs: positiveInt(config, 'retryMaxMs', config.retryMaxMs),
    defaultTtlMs: positiveInt(config, 'defaultTtlMs', config.defaultTtlMs),
    maxClockSkewMs: positiveInt(config, 'maxClockSkewMs', config.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS),
    inlinePayloadMaxBytes: positiveInt(config, 'inlinePayloadMaxBytes', config.inlinePayloadMaxBytes ?? DEFAULT_INLINE_PAYLOAD_MAX_BYTES),
    windowBytes: positiveInt(config, 'windowBytes', config.windowBytes ?? DEFAULT_WINDOW_BYTES)
  }
  if (resolved.retryMaxMs < resolved.retryInitialMs) throw new TypeError('config.retryMaxMs must be at least retryInitialMs')
  return resolved
}

/**
 * Build a node's relay from its parts (the node app's composition root creates them and closes
 * them after `stop()`): submission, the outbox delivery worker, the delivery receiver, inbox
 * and outbox views, statuses and metrics. `start()` serves deliveries and resumes the outbox.
 */
export function createRelay (init: RelayInit): Relay {
  const config = resolveConfig(init.config)
  const { key, host, replica, blobs, outbox, inbox } = init
  const now = init.now ?? Date.now
  const log = init.logger
  const metrics = new RelayMetrics(init.metrics, outbox)
  const refusals = new RefusalLog(log, metrics)
  const receiver = new RelayReceiver({
    key, host, replica, blobs, outbox, inbox, metrics, refusals, log, now, maxClockSkewMs: config.maxClockSkewMs
  })
  const worker = new DeliveryWorker({
    host, replica, blobs, outbox, receiver, metrics, log, now,
    retryInitialMs: config.retryInitialMs, retryMaxMs: config.retryMaxMs, windowBytes: config.windowBytes
  })
  const submitter = new Submitter({
    key, host, replica, blobs, outbox, log, now,
    maxPayloadBytes: config.maxPayloadBytes,
    defaultTtlMs: config.defaultTtlMs,
    inlinePayloadMaxBytes: config.inlinePayloadMaxBytes,
    notify: (peers) => { for (const peer of peers) worker.notify(peer) }
  })
  const views = new RelayViews(key, blobs, inbox)
  let stopped = false

  return {
    async start () {
      if (stopped) throw new LienthongError(StoreErrorCode.CLOSED, 'the relay was stopped')
      // Before anything is received or sent: payloads whose envelope never made it into the
      // inbox or the outbox (a stream cut after the payload, a crash mid-submission).
      const swept = await blobs.sweepOrphans(async (owner) => {
        if (owner.startsWith('inbox/')) return await inbox.get(owner.slice(6)) !== undefined
        if (owner.startsWith('outbox/')) return await outbox.get(owner.slice(7)) !== undefined
        return true
      })
      if (swept.released + swept.deleted > 0) log.info(swept, 'orphaned payloads removed')
      await receiver.start()
      worker.start()
      log.info({ peerId: host.peerId, pending: outbox.counts().queued }, 'relay started')
    },

    async stop () {
      if (stopped) return
      stopped = true
      await worker.stop()
      await receiver.stop()
      metrics.remove()
    },

    submit: async (request) => await submitter.submit(request),

    async outboxRecord (id) {
      if (!isUlid(id)) return undefined
      const record = await outbox.get(id)
      return record === undefined ? undefined : await views.outboxView(record)
    },

    async inboxPage (options) {
      const { limit } = options
      const page = await inbox.list({ limit, ...(options.after === undefined ? {} : { after: options.after }) })
      const entries: InboxView[] = []
      for (const entry of page.entries) {
        const view = await views.documentView(entry, options.inlinePayloads === true)
        if (view !== undefined) entries.push(view)
      }
      // A full page may have more behind it; statuses filtered out still count for that.
      return page.entries.length === limit && page.cursor !== undefined ? { entries, next: page.cursor } : { entries }
    },

    async inboxEntry (id, options = {}) {
      const found = await views.documentEntry(id)
      return found === undefined ? undefined : await views.inboxView(found.entry, found.envelope, options.inlinePayload === true)
    },

    openInboxPayload: async (id) => await views.openPayload(id),

    async ack (id) {
      if ((await views.documentEntry(id)) === undefined) return false
      try {
        await inbox.ack(id, now())
        return true
      } catch (err) {
        if (isLienthongError(err, StoreErrorCode.INBOX_NOT_FOUND)) return false
        throw err
      }
    },

    async sendStatus (inboxId, status) {
      const found = await views.documentEntry(inboxId)
      if (found === undefined) {
        const exists = isUlid(inboxId) && (await inbox.get(inboxId)) !== undefined
        throw exists
          ? new LienthongError(RelayErrorCode.NOT_A_DOCUMENT, 'a status can only answer a document', { id: inboxId })
          : new LienthongError(RelayErrorCode.NOT_FOUND, 'no such inbox entry', { id: String(inboxId).slice(0, 40) })
      }
      const checked = checkStatus(status)
      const { envelope } = found
      // From the recipient organisation this node hosts (the first one, when it hosts several).
      const from = hostedHere(replica.state, host.peerId, envelope.header.recipients)[0] ?? envelope.header.recipients[0] ?? ''
      const result = await submitter.submitStatus(envelope, from, checked)
      return { id: result.id }
    },

    async * followInbox (after, signal) {
      for await (const entry of inbox.follow(after, { signal })) {
        const view = await views.documentView(entry, false)
        if (view !== undefined) yield view
      }
    },

    async health () {
      let unacked = 0
      for await (const _key of init.db.namespace(NAMESPACE.INBOX_UNACKED).keys()) unacked++
      return { outbox: outbox.counts(), pendingPeers: outbox.pendingPeers(), inbox: { unacked } }
    }
  }
}
