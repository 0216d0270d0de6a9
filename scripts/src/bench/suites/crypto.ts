/**
 * Crypto throughput on one core: ed25519 sign and verify of a 1 KiB message with each backend
 * (node:crypto with cached KeyObjects, @noble/ed25519), and seal/open of 1 KiB and 1 MiB payloads
 * for 1 and 10 recipients. Every figure sits next to the SHA-256 baseline measured once at the
 * start of the run (MB/s figures against that baseline's MB/s). MB are 10^6 bytes. `--ms=N`
 * sets the time per measurement (default 1000).
 */
import { randomBytes } from 'node:crypto'
import { setImmediate } from 'node:timers/promises'
import * as ed from '@noble/ed25519'
import { generateNodeKey, nobleBackend, nodeBackend, open, seal, type Ed25519Backend, type NodeKey } from '@lienthong/crypto'
import { measureBaseline, rate, round, withBaseline, type Throughput } from '../measure.js'

const MESSAGE_SIZE = 1024
const PAYLOADS: Array<[string, number]> = [['1KiB', 1024], ['1MiB', 1024 * 1024]]
const RECIPIENT_COUNTS = [1, 10]
/** Bytes hashed per call of the baseline (measure.ts). */
const BASELINE_BLOCK = 1024

function msFrom (args: string[]): number {
  const flag = args.find((a) => a.startsWith('--ms='))
  const ms = flag === undefined ? 1000 : Number(flag.slice('--ms='.length))
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`bad --ms: ${flag}`)
  return ms
}

function signatures (backend: Ed25519Backend, key: NodeKey, message: Uint8Array, ms: number): { sign: number, verify: number } {
  const sig = backend.sign(key.seed, message)
  if (!backend.verify(key.publicKey, message, sig)) throw new Error(`${backend.name}: benchmark signature does not verify`)
  return {
    sign: rate(() => backend.sign(key.seed, message), ms),
    verify: rate(() => backend.verify(key.publicKey, message, sig), ms)
  }
}

interface SealFigures { opsPerSec: Throughput, megabytesPerSec: Throughput }

function sealing (size: number, recipients: NodeKey[], ms: number, baseline: number): { seal: SealFigures, open: SealFigures } {
  const payload = new Uint8Array(randomBytes(size))
  const pubs = recipients.map((k) => k.sealingPublicKey)
  const opener = recipients[recipients.length - 1]! // the last stanza: the longest search
  const sealed = seal(payload, pubs)
  if (!Buffer.from(open(sealed, opener)).equals(payload)) throw new Error('benchmark payload does not open')
  // MB/s is set against the same baseline in MB/s (SHA-256 of 1 KiB blocks), so its ratio reads
  // "this fraction of hashing speed" instead of rounding to 0.
  const figures = (perSec: number): SealFigures => ({
    opsPerSec: withBaseline(perSec, baseline),
    megabytesPerSec: withBaseline(perSec * size / 1e6, baseline * BASELINE_BLOCK / 1e6)
  })
  return {
    seal: figures(rate(() => seal(payload, pubs), ms)),
    open: figures(rate(() => open(sealed, opener), ms))
  }
}

export async function run (args: string[]): Promise<Record<string, unknown>> {
  const ms = msFrom(args)
  const baseline = measureBaseline()
  const key = generateNodeKey()
  const message = new Uint8Array(randomBytes(MESSAGE_SIZE))

  // Between sections the event loop turns, so the progress line reaches stderr on time.
  console.error(`bench: crypto: ed25519 sign/verify, ${ms} ms per figure`)
  await setImmediate()
  const node = signatures(nodeBackend, key, message, ms)
  const noble = signatures(nobleBackend, key, message, ms)
  // noble's own verify (cofactored, zip215: false), for the cost of the backend's strict equation.
  const sig = nodeBackend.sign(key.seed, message)
  const nobleLibraryVerify = rate(() => ed.verify(sig, message, key.publicKey, { zip215: false }), ms)

  const recipients = Array.from({ length: Math.max(...RECIPIENT_COUNTS) }, () => generateNodeKey())
  const sealResults: Record<string, Record<string, unknown>> = {}
  for (const [label, size] of PAYLOADS) {
    console.error(`bench: crypto: seal/open ${label}`)
    await setImmediate()
    sealResults[label] = {}
    for (const count of RECIPIENT_COUNTS) {
      sealResults[label][`${count}recipient${count === 1 ? '' : 's'}`] = sealing(size, recipients.slice(0, count), ms, baseline)
    }
  }

  return {
    msPerMeasurement: ms,
    baselinePerSec: round(baseline),
    ed25519: {
      messageBytes: MESSAGE_SIZE,
      [nodeBackend.name]: { sign: withBaseline(node.sign, baseline), verify: withBaseline(node.verify, baseline) },
      [nobleBackend.name]: { sign: withBaseline(noble.sign, baseline), verify: withBaseline(noble.verify, baseline) },
      nobleLibraryVerifyCofactored: withBaseline(nobleLibraryVerify, baseline)
    },
    nodeOverNobleVerify: round(node.verify / noble.verify, 2),
    seal: sealResults
  }
}
