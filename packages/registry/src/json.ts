/**
 * JSON views of registry records for the HTTP APIs: bytes as base64, times as Unix ms, no Maps.
 * Public views leave out personal data (node contacts); admin views may include them.
 */
import type { AppliedEntry } from './registry.js'
import type { NodeRecord, OrgRecord, RegistryState, ServiceRecord } from './types.js'
import { encodeSignedEntry } from './entry.js'

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/** Deep-convert a record to JSON-safe data: Uint8Array → base64, Map → object, Set → array. */
export function toJsonValue (value: unknown): Json {
  if (value === null || value === undefined) return null
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonValue(v)]))
  if (value instanceof Set) return [...value].map(toJsonValue)
  if (typeof value === 'object') {
    const out: Record<string, Json> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonValue(v)
    return out
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  return typeof value === 'bigint' ? value.toString() : null
}

export function orgJson (org: OrgRecord): Json {
  return toJsonValue(org)
}

/** A node as the public lists show it: contacts only when `includeContacts` (admin views). */
export function nodeJson (node: NodeRecord, options: { includeContacts?: boolean } = {}): Json {
  if (options.includeContacts === true) return toJsonValue(node)
  return toJsonValue(Object.fromEntries(Object.entries(node).filter(([key]) => key !== 'contacts')))
}

export function serviceJson (service: ServiceRecord): Json {
  return toJsonValue(service)
}

/** A log entry with its decoded fields, its hash and its exact signed wire form (verifiable anywhere). */
export function entryJson (applied: AppliedEntry): Json {
  return {
    seq: applied.seq,
    hash: Buffer.from(applied.hash).toString('hex'),
    entry: toJsonValue(applied.entry),
    wire: Buffer.from(encodeSignedEntry(applied.signed)).toString('base64')
  }
}

/** Summary of the registry head for health and checkpoint views. */
export function headJson (state: RegistryState): Json {
  return {
    network: state.network,
    seq: state.seq,
    head: Buffer.from(state.head).toString('hex'),
    at: state.at,
    coordinatorKey: Buffer.from(state.coordinatorKey).toString('base64'),
    params: toJsonValue(state.params)
  }
}
