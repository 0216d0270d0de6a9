import test, { type ExecutionContext } from 'ava'
import type { LienthongError } from '@lienthong/errors'
import {
  CONTENT_TYPE_MAX_LENGTH, MAX_RECIPIENTS, MAX_TTL_MS, ORG_CODE_MAX_LENGTH, createEnvelope, decodeEnvelope, encodeEnvelope,
  isContentType, isOrgCode, isStandardOrgCode, type EnvelopeInit, type SignedEnvelope
} from '@lienthong/envelope'
import { seedKey } from './arbitraries.js'
import { rawEnvelope, validFields } from './raw.js'

const key = seedKey(1)
const NOW = Date.UTC(2025, 5, 1)
const BASE: EnvelopeInit = { kind: 'document', senderOrg: '000.00.00.G01', recipients: ['000.00.00.H29'], contentType: 'application/pdf' }

function createWith (init: Record<string, unknown>, payload: Uint8Array | { hash: Uint8Array, length: number } = new Uint8Array(4), now = NOW): SignedEnvelope {
  return createEnvelope({ ...BASE, ...init }, key, payload, { now })
}

/** Both directions refuse: the builder, and the decoder given a signed header carrying the value. */
function refusedBoth (t: ExecutionContext, field: string, value: unknown, code: string, meta?: Record<string, string | number>): void {
  const built = t.throws<LienthongError>(() => createWith({ [field]: value }), { code }, `create ${field}`)
  const fields = validFields()
  fields[field] = value
  const decoded = t.throws<LienthongError>(() => decodeEnvelope(rawEnvelope(fields)), { code }, `decode ${field}`)
  for (const [k, v] of Object.entries(meta ?? {})) {
    t.is(built?.meta[k], v)
    t.is(decoded?.meta[k], v)
  }
}

test('organisation codes: standard and extended forms, nothing else', (t) => {
  for (const ok of ['000.00.00.H29', '000.00.00.G01', '001.02.03.K10', 'ABC', '0100109106', 'DN.0100109106.HN', 'A'.repeat(ORG_CODE_MAX_LENGTH)]) {
    t.true(isOrgCode(ok), ok)
  }
  for (const bad of ['', 'abc', '000.00.00.h29', '.H29', 'H29.', 'A..B', 'A B', 'A-B', 'Ă01', 'A'.repeat(ORG_CODE_MAX_LENGTH + 1), 42, null]) {
    t.false(isOrgCode(bad), String(bad))
  }
  t.true(isStandardOrgCode('000.00.00.H29'))
  t.false(isStandardOrgCode('DN.0100109106.HN'))
  t.false(isStandardOrgCode('00.00.00.H29'))
})

test('bad organisation codes are refused with envelope-bad-org-code', (t) => {
  refusedBoth(t, 'senderOrg', 'abc.def', 'envelope-bad-org-code', { field: 'senderOrg' })
  refusedBoth(t, 'senderOrg', 'A'.repeat(ORG_CODE_MAX_LENGTH + 1), 'envelope-bad-org-code', { field: 'senderOrg', length: 36 })
  refusedBoth(t, 'recipients', ['000.00.00.H29', 'A'.repeat(ORG_CODE_MAX_LENGTH + 1)], 'envelope-bad-org-code', { field: 'recipients', index: 1 })
  refusedBoth(t, 'recipients', ['000.00.00.H29', 7], 'envelope-bad-org-code', { field: 'recipients', index: 1 })
  t.notThrows(() => createWith({ senderOrg: 'A'.repeat(ORG_CODE_MAX_LENGTH), recipients: ['B'.repeat(ORG_CODE_MAX_LENGTH)] }))
})

test('recipients: 1..MAX_RECIPIENTS, no duplicates', (t) => {
  const many = (n: number): string[] => Array.from({ length: n }, (_, i) => `000.00.${String(i % 100).padStart(2, '0')}.H${String(Math.floor(i / 100)).padStart(2, '0')}`)
  t.is(new Set(many(MAX_RECIPIENTS + 1)).size, MAX_RECIPIENTS + 1)
  refusedBoth(t, 'recipients', many(MAX_RECIPIENTS + 1), 'envelope-too-many-recipients', { count: MAX_RECIPIENTS + 1, limit: MAX_RECIPIENTS })
  refusedBoth(t, 'recipients', [], 'envelope-too-many-recipients', { count: 0 })
  refusedBoth(t, 'recipients', ['000.00.00.H29', '000.00.00.H29'], 'envelope-bad-field', { field: 'recipients', index: 1 })
  refusedBoth(t, 'recipients', '000.00.00.H29', 'envelope-bad-field', { field: 'recipients' })
  const full = createWith({ recipients: many(MAX_RECIPIENTS) })
  const back = decodeEnvelope(encodeEnvelope(full))
  t.is(back.header.recipients.length, MAX_RECIPIENTS)
  // A receiver may set a lower limit.
  t.throws(() => decodeEnvelope(encodeEnvelope(full), { maxRecipients: 10 }), { code: 'envelope-too-many-recipients' })
})

test('kind, reference, id and version rules', (t) => {
  refusedBoth(t, 'kind', 'memo', 'envelope-bad-field', { field: 'kind' })
  refusedBoth(t, 'kind', 1, 'envelope-bad-field', { field: 'kind' })
  t.throws(() => createWith({ kind: 'status' }), { code: 'envelope-bad-field', message: /reference/ })
  const statusFields = { ...validFields(), kind: 'status' }
  t.throws<LienthongError>(() => decodeEnvelope(rawEnvelope(statusFields)), { code: 'envelope-bad-field' })
  refusedBoth(t, 'reference', 'not-a-ulid', 'envelope-bad-field', { field: 'reference' })
  refusedBoth(t, 'reference', '01jgfjjz000000000000000000', 'envelope-bad-field', { field: 'reference' })
  t.notThrows(() => createWith({ kind: 'status', reference: '01JGFJJZ000000000000000000' }))
  t.throws(() => createEnvelope(BASE, key, new Uint8Array(1), { now: NOW, id: '81JGFJJZ000000000000000000' }), { code: 'envelope-bad-field' })
  t.throws(() => decodeEnvelope(rawEnvelope({ ...validFields(), id: 'x' })), { code: 'envelope-bad-field' })
  t.throws(() => decodeEnvelope(rawEnvelope({ ...validFields(), version: 2 })), { code: 'envelope-unsupported-version' })
  t.throws(() => decodeEnvelope(rawEnvelope({ ...validFields(), version: undefined })), { code: 'envelope-unsupported-version' })
})

test('content types: MIME pattern and length', (t) => {
  for (const ok of ['application/pdf', 'text/xml; charset=utf-8', 'application/vnd.etsi.asic-e+zip', 'multipart/mixed; boundary="x y"']) {
    t.true(isContentType(ok), ok)
  }
  for (const bad of ['pdf', 'application/', '/pdf', 'text/xml;', 'text/xml\r\nX: y', 'application/pdf ', 'ứng dụng/pdf']) {
    t.false(isContentType(bad), bad)
  }
  const long = `application/${'x'.repeat(CONTENT_TYPE_MAX_LENGTH - 'application/'.length)}`
  t.is(long.length, CONTENT_TYPE_MAX_LENGTH)
  t.notThrows(() => createWith({ contentType: long }))
  refusedBoth(t, 'contentType', `${long}x`, 'envelope-bad-field', { field: 'contentType', length: CONTENT_TYPE_MAX_LENGTH + 1 })
  refusedBoth(t, 'contentType', 'pdf', 'envelope-bad-field', { field: 'contentType' })
})

test('times: bounds, order and lifetime', (t) => {
  t.throws(() => createWith({}, new Uint8Array(1), Date.UTC(2019, 11, 31)), { code: 'envelope-bad-time' })
  t.throws(() => createWith({}, new Uint8Array(1), Math.floor(NOW / 1000)), { code: 'envelope-bad-time' }) // seconds, not ms
  t.throws(() => createWith({}, new Uint8Array(1), NOW + 0.5), { code: 'envelope-bad-time' })
  t.throws(() => createWith({ expiresAt: NOW }), { code: 'envelope-bad-time' })
  t.throws(() => createWith({ ttlMs: MAX_TTL_MS + 1 }), { code: 'envelope-bad-time' })
  t.throws(() => createWith({ ttlMs: 0 }), { code: 'envelope-bad-time' })
  t.throws(() => createWith({ expiresAt: Date.UTC(2200, 0, 1) }), { code: 'envelope-bad-time' })
  t.throws(() => createWith({ expiresAt: '2025-07-01' }), { code: 'envelope-bad-field' })
  t.notThrows(() => createWith({ ttlMs: MAX_TTL_MS }))
  const f = validFields()
  const created = f.createdAt as number
  for (const [name, patch] of Object.entries({
    beforeBound: { createdAt: Date.UTC(2019, 0, 1) },
    expiresFirst: { expiresAt: created - 1 },
    expiresSame: { expiresAt: created },
    tooLong: { expiresAt: created + MAX_TTL_MS + 1 },
    farFuture: { createdAt: Date.UTC(2200, 0, 1), expiresAt: Date.UTC(2200, 0, 2) }
  })) {
    t.throws(() => decodeEnvelope(rawEnvelope({ ...f, ...patch })), { code: 'envelope-bad-time' }, name)
  }
  t.throws(() => decodeEnvelope(rawEnvelope({ ...f, createdAt: -5 })), { code: 'envelope-bad-time' })
  t.throws(() => decodeEnvelope(rawEnvelope({ ...f, createdAt: 'now' })), { code: 'envelope-bad-field' })
})

test('payload hash, length and sender node types', (t) => {
  t.throws(() => createWith({}, { hash: new Uint8Array(31), length: 5 }), { code: 'envelope-bad-field', message: /payloadHash/ })
  t.throws(() => createWith({}, { hash: new Uint8Array(32), length: -1 }), { code: 'envelope-bad-field', message: /payloadLength/ })
  t.throws(() => createWith({}, { hash: new Uint8Array(32), length: 1.5 }), { code: 'envelope-bad-field' })
  const f = validFields()
  t.throws(() => decodeEnvelope(rawEnvelope({ ...f, payloadHash: new Uint8Array(33) })), { code: 'envelope-bad-field' })
  t.throws(() => decodeEnvelope(rawEnvelope({ ...f, payloadLength: -1 })), { code: 'envelope-bad-field' })
  t.throws(() => decodeEnvelope(rawEnvelope({ ...f, senderNode: new Uint8Array(31) })), { code: 'envelope-bad-field' })
  t.throws(() => decodeEnvelope(rawEnvelope({ ...f, senderNode: 'key' })), { code: 'envelope-bad-field' })
  t.throws(() => createEnvelope(BASE, key, 'text' as unknown as Uint8Array), { instanceOf: TypeError })
})
