import type { StatusOf } from '@lienthong/http'

/** HTTP status of each error code the node API can return (architecture §7). */
const STATUS: Record<string, 400 | 404 | 409 | 413 | 422 | 503> = {
  'unknown-recipient': 422,
  'recipient-unreachable': 422,
  'recipient-suspended': 422,
  'recipient-revoked': 422,
  'recipient-not-allowed': 422,
  'sender-not-hosted': 422,
  'node-not-active': 422,
  'bad-request': 400,
  'payload-too-large': 413,
  'not-found': 404,
  'bad-status-code': 422,
  'not-a-document': 409,
  'inbox-bad-cursor': 400,
  'inbox-not-found': 404,
  'outbox-not-found': 404,
  'unknown-org': 404,
  'store-closed': 503
}

export const nodeStatusOf: StatusOf = (code) => STATUS[code]
