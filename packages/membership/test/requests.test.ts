import test from 'ava'
import { peerIdFromPublicKeyBytes } from '@lienthong/crypto'
import {
  createJoinRequest, createPauseRequest, encodeRequestWire, MembershipErrorCode as E, verifyJoinRequest, verifyPauseRequest,
  PAUSE_REQUEST_DOMAIN, MAX_REQUEST_BYTES
} from '@lienthong/membership'
import { failure, generateNodeKey, joinInit, NETWORK, NOW, rawJoin, signedWire } from './helpers.js'

const key = generateNodeKey()
const peerId = peerIdFromPublicKeyBytes(key.publicKey)
const opts = { network: NETWORK, now: NOW }

test('a join request round-trips through the JSON wire form', t => {
  const signed = createJoinRequest(key, joinInit(key))
  const wire = JSON.parse(JSON.stringify(encodeRequestWire(signed))) as unknown
  const verified = verifyJoinRequest(wire, opts)
  t.deepEqual(verified, signed)
  t.is(verified.request.peerId, peerId)
  t.deepEqual(verified.request.publicKey, key.publicKey)
  t.deepEqual(verified.request.sealingPublicKey, key.sealingPublicKey)
  t.is(verified.request.nonce.length, 16)
  t.is(verified.request.selfAssessment.network, 'Đường truyền số liệu chuyên dùng,\nfirewall.')
  // Two requests never share a nonce.
  t.notDeepEqual(createJoinRequest(key, joinInit(key)).request.nonce, signed.request.nonce)
  // Services are optional.
  const bare = createJoinRequest(key, joinInit(key, { services: undefined }))
  t.is(verifyJoinRequest(encodeRequestWire(bare), opts).request.services, undefined)
})

test('a pause request round-trips and is signed by the key inside the PeerId', t => {
  const signed = createPauseRequest(key, { network: NETWORK, reason: 'Bảo trì hệ thống\n2 ngày', createdAt: NOW })
  const verified = verifyPauseRequest(encodeRequestWire(signed), opts)
  t.deepEqual(verified, signed)
  t.is(verified.request.peerId, peerId)
  t.is(verified.request.reason, 'Bảo trì hệ thống\n2 ngày')
  t.deepEqual(failure(() => createPauseRequest(key, { network: NETWORK, reason: '  ' })), { code: E.BAD_REQUEST, field: 'reason' })
  t.deepEqual(failure(() => createPauseRequest(key, { network: NETWORK, reason: 'x'.repeat(2001) })), { code: E.BAD_REQUEST, field: 'reason' })
})

test('freshness, network and signature are checked', t => {
  const wire = encodeRequestWire(createJoinRequest(key, joinInit(key)))
  t.is(failure(() => verifyJoinRequest(wire, { network: NETWORK, now: NOW + 5 * 60_000 + 1 })).code, E.STALE)
  t.is(failure(() => verifyJoinRequest(wire, { network: NETWORK, now: NOW - 5 * 60_000 - 1 })).code, E.STALE)
  t.is(verifyJoinRequest(wire, { network: NETWORK, now: NOW + 5 * 60_000 }).request.createdAt, NOW)
  t.is(failure(() => verifyJoinRequest(wire, { network: NETWORK, now: NOW + 2000, maxSkewMs: 1000 })).code, E.STALE)
  t.is(failure(() => verifyJoinRequest(wire, { network: 'other-net', now: NOW })).code, E.WRONG_NETWORK)
  const other = generateNodeKey()
  const forged = { ...wire, signature: encodeRequestWire(createJoinRequest(other, joinInit(other))).signature }
  t.is(failure(() => verifyJoinRequest(forged, opts)).code, E.BAD_SIGNATURE)
  // A join signature is not a pause signature (domain separation), even over the same bytes.
  const pauseWire = encodeRequestWire(createPauseRequest(key, { network: NETWORK, reason: 'r', createdAt: NOW }))
  t.is(failure(() => verifyPauseRequest({ ...pauseWire, signature: signedWire(key, {}).signature }, opts)).code, E.BAD_SIGNATURE)
  const stalePause = encodeRequestWire(createPauseRequest(key, { network: NETWORK, reason: 'r', createdAt: NOW - 3_600_000 }))
  t.is(failure(() => verifyPauseRequest(stalePause, opts)).code, E.STALE)
  t.is(failure(() => verifyPauseRequest(pauseWire, { network: 'x', now: NOW })).code, E.WRONG_NETWORK)
})

test('the PeerId must be the key\'s and every address must end in it', t => {
  const other = peerIdFromPublicKeyBytes(generateNodeKey().publicKey)
  t.deepEqual(failure(() => verifyJoinRequest(signedWire(key, { ...rawJoin(key), peerId: other }), opts)), { code: E.PEER_MISMATCH, field: 'peerId' })
  const addresses = [`/ip4/127.0.0.1/tcp/1/p2p/${peerId}`, `/ip4/127.0.0.1/tcp/2/p2p/${other}`]
  t.deepEqual(failure(() => verifyJoinRequest(signedWire(key, { ...rawJoin(key), addresses }), opts)), { code: E.PEER_MISMATCH, field: 'addresses[1]' })
  t.deepEqual(failure(() => createJoinRequest(key, joinInit(key, { addresses }))), { code: E.PEER_MISMATCH, field: 'addresses[1]' })
})

test('each malformed field is refused with membership-bad-request naming it', t => {
  const raw = rawJoin(key)
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ version: 2 }, 'version'],
    [{ network: 'Bad Name' }, 'network'],
    [{ peerId: 'not/a/peer' }, 'peerId'],
    [{ publicKey: new Uint8Array(31) }, 'publicKey'],
    [{ publicKey: new Uint8Array(32) }, 'publicKey'],
    [{ sealingPublicKey: 'abc' }, 'sealingPublicKey'],
    [{ orgs: [] }, 'orgs'],
    [{ orgs: ['not a code'] }, 'orgs[0]'],
    [{ orgs: ['000.00.00.H29', '000.00.00.H29'] }, 'orgs'],
    [{ orgs: Array.from({ length: 101 }, (_, i) => `000.00.${String(i % 100).padStart(2, '0')}.H${10 + Math.floor(i / 100)}`) }, 'orgs'],
    [{ contacts: { email: [], phone: [] } }, 'contacts'],
    [{ contacts: { email: ['no-at-sign'], phone: [] } }, 'contacts.email[0]'],
    [{ contacts: { email: [], phone: ['call me'] } }, 'contacts.phone[0]'],
    [{ contacts: { email: [] } }, 'contacts.phone'],
    [{ contacts: { email: [], phone: ['0243'], fax: [] } }, 'contacts.fax'],
    [{ addresses: [] }, 'addresses'],
    [{ addresses: ['/ip4/127.0.0.1/tcp/1'] }, 'addresses[0]'],
    [{ addresses: [`/p2p/${peerId}`] }, 'addresses[0]'],
    [{ services: [{ id: 'x', org: '000.00.00.H30', name: 'n', protocol: '/p' }] }, 'services[0].org'],
    [{ services: [{ id: '-x', org: '000.00.00.H29', name: 'n', protocol: '/p' }] }, 'services[0].id'],
    [{ services: [{ id: 'x', org: '000.00.00.H29', name: '', protocol: '/p' }] }, 'services[0].name'],
    [{ services: [{ id: 'x', org: '000.00.00.H29', name: 'n' }] }, 'services[0].protocol'],
    [{ services: [{ id: 'x', org: '000.00.00.H29', name: 'n', protocol: '/p' }, { id: 'x', org: '000.00.00.G01', name: 'm', protocol: '/p' }] }, 'services'],
    [{ selfAssessment: { infrastructure: '', network: '', application: '' } }, 'selfAssessment.security'],
    [{ selfAssessment: { infrastructure: 'x'.repeat(2001), network: '', application: '', security: '' } }, 'selfAssessment.infrastructure'],
    [{ selfAssessment: { infrastructure: 'a\u0000b', network: '', application: '', security: '' } }, 'selfAssessment.infrastructure'],
    [{ software: '' }, 'software'],
    [{ software: 'a\nb' }, 'software'],
    [{ createdAt: -1 }, 'createdAt'],
    [{ createdAt: 1.5 }, 'createdAt'],
    [{ nonce: new Uint8Array(15) }, 'nonce'],
    [{ extra: true }, 'extra']
  ]
  for (const [change, field] of cases) {
    t.deepEqual(failure(() => verifyJoinRequest(signedWire(key, { ...raw, ...change }), opts)), { code: E.BAD_REQUEST, field }, field)
  }
  const { nonce: _nonce, ...noNonce } = raw
  t.deepEqual(failure(() => verifyJoinRequest(signedWire(key, noNonce), opts)), { code: E.BAD_REQUEST, field: 'nonce' })
  const pause = { version: 1, network: NETWORK, peerId, reason: 'r', createdAt: NOW, nonce: new Uint8Array(16) }
  const pauseCases: Array<[Record<string, unknown>, string]> = [
    [{ reason: '' }, 'reason'], [{ reason: ' \n ' }, 'reason'], [{ peerId: 'QmNotEd25519' }, 'peerId'], [{ nonce: 5 }, 'nonce'], [{ to: 1 }, 'to']
  ]
  for (const [change, field] of pauseCases) {
    t.deepEqual(failure(() => verifyPauseRequest(signedWire(key, { ...pause, ...change }, PAUSE_REQUEST_DOMAIN), opts)), { code: E.BAD_REQUEST, field }, field)
  }
})

test('the wire form itself is checked: shape, strict base64, signature length, size, canonical CBOR', t => {
  const wire = encodeRequestWire(createJoinRequest(key, joinInit(key)))
  const cases: Array<[unknown, string]> = [
    [null, 'body'], [[], 'body'], ['x', 'body'], [{ request: wire.request }, 'signature'], [{ ...wire, extra: 1 }, 'extra'],
    [{ ...wire, request: 7 }, 'request'], [{ ...wire, request: wire.request + '!' }, 'request'],
    [{ ...wire, request: wire.request.replace(/=+$/, '') + 'A' }, 'request'],
    [{ ...wire, signature: Buffer.alloc(63).toString('base64') }, 'signature'],
    [{ ...wire, request: Buffer.alloc(MAX_REQUEST_BYTES + 1).toString('base64') }, 'request'],
    [{ ...wire, request: Buffer.from([0xa1, 0x61]).toString('base64') }, 'request']
  ]
  for (const [value, field] of cases) t.deepEqual(failure(() => verifyJoinRequest(value, opts)), { code: E.BAD_REQUEST, field }, field)
  // Not canonical: a 64-bit integer where a small one belongs (a signature over such bytes proves nothing new).
  const { version: _v, ...rest } = rawJoin(key)
  const canonical = Buffer.from(signedWire(key, { ...rest, version: 1 }).request, 'base64')
  t.true(canonical.includes(Buffer.from([0x67, ...Buffer.from('version'), 0x01])))
  const wide = Buffer.from(canonical.toString('hex').replace('6776657273696f6e01', '6776657273696f6e1b0000000000000001'), 'hex')
  t.deepEqual(failure(() => verifyJoinRequest({ request: wide.toString('base64'), signature: wire.signature }, opts)), { code: E.BAD_REQUEST, field: 'request' })
})

test('programmer mistakes are TypeErrors', t => {
  t.throws(() => verifyJoinRequest({}, { network: 'Not A Name' }), { instanceOf: TypeError })
  t.throws(() => createJoinRequest({} as never, joinInit(key)), { instanceOf: TypeError })
  t.throws(() => verifyPauseRequest({}, null as never), { instanceOf: TypeError })
})
