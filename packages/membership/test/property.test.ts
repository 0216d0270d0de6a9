import test from 'ava'
import fc from 'fast-check'
import { isLienthongError } from '@lienthong/errors'
import {
  createJoinRequest, createPauseRequest, encodeRequestWire, MembershipErrorCode, verifyJoinRequest, verifyPauseRequest,
  type SignedRequestWire
} from '@lienthong/membership'
import { generateNodeKey, joinInit, NETWORK, NOW, rawJoin, signedWire } from './helpers.js'

const key = generateNodeKey()
const opts = { network: NETWORK, now: NOW }
const CODES: readonly string[] = Object.values(MembershipErrorCode)
const join = createJoinRequest(key, joinInit(key))
const pause = createPauseRequest(key, { network: NETWORK, reason: 'bảo trì', createdAt: NOW })
const verifiers = [
  { name: 'join', verify: verifyJoinRequest, signed: join },
  { name: 'pause', verify: verifyPauseRequest, signed: pause }
] as const

/** The membership code `fn` throws; fails on success or on anything but a membership LienthongError. */
function refusal (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (isLienthongError(err) && CODES.includes(err.code)) return err.code
    throw new Error(`not a membership error: ${String(err)}`, { cause: err })
  }
  throw new Error('accepted')
}

function flipped (bytes: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(bytes)
  const i = Math.floor(bit / 8) % out.length
  out[i] = (out[i] ?? 0) ^ (1 << (bit % 8))
  return out
}

function wireOf (bytes: Uint8Array, signature: Uint8Array): SignedRequestWire {
  return encodeRequestWire({ bytes, signature })
}

for (const { name, verify, signed } of verifiers) {
  test(`${name}: any flipped bit in the request or the signature is refused`, t => {
    t.notThrows(() => verify(encodeRequestWire(signed), opts))
    fc.assert(fc.property(fc.nat({ max: signed.bytes.length * 8 - 1 }), bit => {
      refusal(() => verify(wireOf(flipped(signed.bytes, bit), signed.signature), opts))
    }), { numRuns: 150 })
    fc.assert(fc.property(fc.nat({ max: 64 * 8 - 1 }), bit => {
      t.is(refusal(() => verify(wireOf(signed.bytes, flipped(signed.signature, bit)), opts)), MembershipErrorCode.BAD_SIGNATURE)
    }), { numRuns: 100 })
  })

  test(`${name}: arbitrary bytes, JSON and well-signed junk only ever give typed errors`, t => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes, sig) => {
      refusal(() => verify(wireOf(bytes, sig), opts))
    }), { numRuns: 300 })
    fc.assert(fc.property(fc.jsonValue(), value => { refusal(() => verify(value, opts)) }), { numRuns: 300 })
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), value => {
      refusal(() => verify(signedWire(key, value), opts))
    }), { numRuns: 200 })
    t.pass()
  })
}

test('join: a well-signed request with one field replaced by anything is refused or still a valid request', t => {
  const raw = rawJoin(key)
  const fields = Object.keys(raw)
  fc.assert(fc.property(fc.constantFrom(...fields), fc.oneof(fc.jsonValue(), fc.uint8Array({ maxLength: 40 })), (field, value) => {
    const wire = signedWire(key, { ...raw, [field]: value })
    try {
      verifyJoinRequest(wire, opts)
    } catch (err) {
      t.true(isLienthongError(err) && CODES.includes(err.code), String(err))
    }
  }), { numRuns: 400 })
})
