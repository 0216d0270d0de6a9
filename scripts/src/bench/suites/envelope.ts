/**
 * Envelope throughput on one core: build+sign+encode and decode+verify, for 1 KiB and 64 KiB
 * inline payloads, next to the raw node:crypto ed25519 sign and verify of 1 KiB (the bound an
 * envelope cannot beat: one signature per envelope). `--ms=N` sets the time per measurement.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto'
import { ED25519_PKCS8_PREFIX, ED25519_SPKI_PREFIX, nodeKeyFromSeed } from '@lienthong/crypto'
import { createEnvelope, decodeEnvelope, encodeEnvelope, verifyEnvelope, type EnvelopeInit } from '@lienthong/envelope'
import { measureBaseline, rate, round, withBaseline, type Throughput } from '../measure.js'

const INIT: EnvelopeInit = {
  kind: 'document',
  senderOrg: '000.00.00.G01',
  recipients: ['000.00.00.H29', '000.00.00.H49'],
  contentType: 'application/vnd.edxml+xml'
}

function msFrom (args: string[]): number {
  const flag = args.find((a) => a.startsWith('--ms='))
  const ms = flag === undefined ? 1000 : Number(flag.slice('--ms='.length))
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`bad --ms: ${flag}`)
  return ms
}

function measure (args: string[]): Record<string, unknown> {
  const ms = msFrom(args)
  const baseline = measureBaseline()
  const seed = new Uint8Array(randomBytes(32))
  const key = nodeKeyFromSeed(seed)
  const now = Date.now()

  const sizes: Record<string, unknown> = {}
  const envelope1k: { encodeSign: number, decodeVerify: number } = { encodeSign: 0, decodeVerify: 0 }
  for (const size of [1024, 64 * 1024]) {
    const payload = new Uint8Array(randomBytes(size))
    const wire = encodeEnvelope(createEnvelope(INIT, key, payload, { now }))
    const check = verifyEnvelope(decodeEnvelope(wire), { now })
    if (!check.ok) throw new Error(`benchmark envelope does not verify: ${check.code}`)
    const encodeSign = rate(() => encodeEnvelope(createEnvelope(INIT, key, payload, { now })), ms)
    const decodeVerify = rate(() => verifyEnvelope(decodeEnvelope(wire), { now }), ms)
    if (size === 1024) Object.assign(envelope1k, { encodeSign, decodeVerify })
    sizes[`${size / 1024}KiB`] = {
      wireBytes: wire.length,
      encodeSign: withBaseline(encodeSign, baseline),
      decodeVerify: withBaseline(decodeVerify, baseline),
      decodeVerifyMBps: round(decodeVerify * wire.length / 1e6)
    }
  }

  // The bound: raw ed25519 over 1 KiB with cached KeyObjects, no envelope around it.
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const publicKey = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, key.publicKey]), format: 'der', type: 'spki' })
  const message = randomBytes(1024)
  const signature = sign(null, message, privateKey)
  if (!verify(null, message, publicKey, signature)) throw new Error('raw ed25519 self-check failed')
  const cryptoBound: Record<string, Throughput> = {
    sign: withBaseline(rate(() => sign(null, message, privateKey), ms), baseline),
    verify: withBaseline(rate(() => verify(null, message, publicKey, signature), ms), baseline)
  }

  return {
    msPerMeasurement: ms,
    baselinePerSec: round(baseline),
    envelope: sizes,
    cryptoBound,
    // 1 KiB envelope rate / raw ed25519 rate: how much of the crypto bound the envelope keeps.
    ratioToCryptoBound: {
      encodeSign: round(envelope1k.encodeSign / (cryptoBound.sign?.perSec ?? Number.NaN), 3),
      decodeVerify: round(envelope1k.decodeVerify / (cryptoBound.verify?.perSec ?? Number.NaN), 3)
    }
  }
}

/** The suite entry point (the measurements are synchronous: one core, no I/O). */
export function run (args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve) => resolve(measure(args)))
}
