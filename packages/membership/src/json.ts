import type { JsonValue } from '@lienthong/errors'
import { toJsonValue } from '@lienthong/registry'
import type { JoinRequestRecord, PauseRequestRecord } from './records.js'
import { encodeRequestWire } from './signed.js'

/**
 * The admin JSON view of a stored request (GET /v1/join-requests): byte fields as base64, and
 * the signed original as `wire` (`{request, signature}`, which `verify*Request` accepts again).
 * It includes contacts and checklist notes: never serve it on a public route (use `publicStatus`).
 */
export function requestRecordJson (record: JoinRequestRecord | PauseRequestRecord): JsonValue {
  const { bytes, signature, ...rest } = record
  return toJsonValue({ ...rest, wire: encodeRequestWire({ bytes, signature }) })
}
