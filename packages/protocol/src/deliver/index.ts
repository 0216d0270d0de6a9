/**
 * Durable signed delivery, wire side: one long-lived stream per recipient node on
 * `/lienthong/deliver/1.0.0` (frame format in frames.ts). The sender pipelines envelopes through
 * a `DeliveryChannel` (coalesced writes, a window of bytes in flight, detached payloads streamed
 * in chunks and acknowledged as the receiver's sink takes them); the receiver (`serveDeliveries`) streams payloads into app-provided sinks, hands
 * complete envelopes to the app in batches and answers each with a receipt or a refusal code.
 * Policy (who may send, verification, duplicates) and persistence stay with the app.
 */
export { DeliveryChannel, type DeliveryChannelOptions } from './channel.js'
export { openDeliveryChannel, type OpenDeliveryChannelOptions } from './open.js'
export { serveDeliveries, type DeliveryServer, type ServeDeliveriesOptions } from './serve.js'
export { DeliveryErrorCode } from './errors.js'
export {
  DEFAULT_DELIVERY_WINDOW_BYTES, DEFAULT_DELIVERY_CHUNK_BYTES, DEFAULT_DELIVERY_COALESCE_BYTES,
  DEFAULT_DELIVERY_IDLE_TIMEOUT_MS, DEFAULT_DELIVERY_CLOSE_TIMEOUT_MS, DEFAULT_DELIVERY_DIAL_TIMEOUT_MS,
  DEFAULT_DELIVERY_MAX_ENVELOPE_BYTES, DEFAULT_DELIVERY_MAX_FRAME_BYTES, DEFAULT_DELIVERY_HIGH_WATER_BYTES,
  DEFAULT_DELIVERY_MAX_BATCH_ENVELOPES, DEFAULT_DELIVERY_MAX_BATCH_BYTES
} from './constants.js'
export type {
  DeliveryItem, DeliveryOutcome, DeliveryResponse, PayloadSink, IncomingEnvelope, DeliveryServerEvent, DeliveryChannelEvent
} from './types.js'
