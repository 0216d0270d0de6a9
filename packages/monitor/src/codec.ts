import { decode, encode } from 'cborg'
import type { Alert, AlertNotification, HeartbeatReport, NodeSeen } from './types.js'

/**
 * Stored records: CBOR maps `{v: 1, ...fields}` (cborg; absent optional fields are omitted).
 * Decoding checks the shape so that a damaged record is skipped (and logged) instead of crashing
 * the monitor: the functions return undefined for anything that is not a valid record.
 */
const RECORD_VERSION = 1
const DECODE_OPTIONS = { allowUndefined: false, allowBigInt: false, rejectDuplicateMapKeys: true }

type Raw = Record<string, unknown>

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v)
const isStr = (v: unknown): v is string => typeof v === 'string'
const isNullableInt = (v: unknown): v is number | null => v === null || isInt(v)
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)

function cbor (value: object): Uint8Array {
  const out = encode({ v: RECORD_VERSION, ...value }, { ignoreUndefinedProperties: true })
  return Object.getPrototypeOf(out) === Uint8Array.prototype ? out : Uint8Array.from(out)
}

function record (bytes: Uint8Array): Raw | undefined {
  try {
    const value: unknown = decode(bytes, DECODE_OPTIONS)
    return isMap(value) && value.v === RECORD_VERSION ? value : undefined
  } catch {
    return undefined
  }
}

function intFields (raw: unknown, keys: readonly string[]): boolean {
  return isMap(raw) && keys.every(k => { const v = raw[k]; return isInt(v) && v >= 0 })
}

function isReport (raw: unknown): raw is HeartbeatReport {
  return isMap(raw) && isStr(raw.version) && isInt(raw.sentAt) && isInt(raw.registrySeq) &&
    Array.isArray(raw.addresses) && raw.addresses.every(isStr) &&
    intFields(raw.queues, ['queued', 'delivered', 'failed', 'inboxUnacked']) && intFields(raw.counters, ['sent', 'received', 'refused'])
}

function isNotification (raw: unknown): raw is AlertNotification {
  return isMap(raw) && (raw.channel === 'email' || raw.channel === 'sms') && isStr(raw.to) &&
    ['pending', 'sent', 'failed', 'skipped'].includes(raw.status as string) && isInt(raw.attempts) &&
    Array.isArray(raw.tries) && raw.tries.every(a => isMap(a) && isInt(a.at) && (a.error === undefined || isStr(a.error))) &&
    (raw.nextAttemptAt === undefined || isInt(raw.nextAttemptAt)) && (raw.sentAt === undefined || isInt(raw.sentAt)) &&
    (raw.lastError === undefined || isStr(raw.lastError))
}

/** Encode an alert for the `monitor-alerts` namespace. */
export function encodeAlert (alert: Alert): Uint8Array {
  return cbor(alert)
}

/** Decode a stored alert; undefined when damaged. */
export function decodeAlert (bytes: Uint8Array): Alert | undefined {
  const raw = record(bytes)
  if (raw === undefined) return undefined
  const { v: _v, ...alert } = raw
  const ok = isInt(alert.id) && isStr(alert.peerId) && (alert.kind === 'offline' || alert.kind === 'recovered') &&
    isInt(alert.detectedAt) && isNullableInt(alert.lastHeartbeatAt) && isInt(alert.silentSince) &&
    (alert.offlineAlertId === undefined || isInt(alert.offlineAlertId)) &&
    Array.isArray(alert.orgs) && alert.orgs.every(o => isMap(o) && isStr(o.code) && isStr(o.name)) &&
    Array.isArray(alert.notifications) && alert.notifications.every(isNotification)
  return ok ? alert as unknown as Alert : undefined
}

/** Encode what the monitor knows of a node for the `monitor-nodes` namespace. */
export function encodeNodeSeen (seen: NodeSeen): Uint8Array {
  return cbor(seen)
}

/** Decode a stored node record; undefined when damaged. */
export function decodeNodeSeen (bytes: Uint8Array): NodeSeen | undefined {
  const raw = record(bytes)
  if (raw === undefined) return undefined
  const { v: _v, ...seen } = raw
  const ok = isStr(seen.peerId) && ['online', 'offline', 'unknown'].includes(seen.status as string) &&
    isNullableInt(seen.since) && isNullableInt(seen.lastHeartbeatAt) && (seen.report === null || isReport(seen.report)) &&
    isNullableInt(seen.registryLag) && isNullableInt(seen.clockOffsetMs) && isNullableInt(seen.offlineAlertId) &&
    isNullableInt(seen.silentSince)
  return ok ? seen as unknown as NodeSeen : undefined
}

/** u64 BE key of an alert id: byte order is numeric order. */
export function alertKey (id: number): Uint8Array {
  const key = new Uint8Array(8)
  new DataView(key.buffer).setBigUint64(0, BigInt(id))
  return key
}

/** The id in an alert key (undefined for a key of another length). */
export function alertIdOf (key: Uint8Array): number | undefined {
  if (key.length !== 8) return undefined
  return Number(new DataView(key.buffer, key.byteOffset, 8).getBigUint64(0))
}
