// The sealed format written again from its description at the top of src/seal.ts, with node:crypto
// alone and none of the package's code: it builds the golden vectors of test/fixtures/seal-vectors.json
// and opens what the package seals. Deliberately plain and slow.
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto'

const PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI = Buffer.from('302a300506032b656e032100', 'hex')

export const privateKey = (raw: Uint8Array): ReturnType<typeof createPrivateKey> => createPrivateKey({ key: Buffer.concat([PKCS8, raw]), format: 'der', type: 'pkcs8' })
export const publicKey = (raw: Uint8Array): ReturnType<typeof createPublicKey> => createPublicKey({ key: Buffer.concat([SPKI, raw]), format: 'der', type: 'spki' })
export const x25519Public = (priv: Uint8Array): Buffer => createPublicKey(privateKey(priv)).export({ format: 'der', type: 'spki' }).subarray(-32)

/** The X25519 sealing key of a node seed (keys.ts: HKDF-SHA256, empty salt). */
export const sealingPrivateKeyOfSeed = (seed: Uint8Array): Buffer =>
  Buffer.from(hkdfSync('sha256', seed, new Uint8Array(0), 'lienthong/x25519-from-seed/v1', 32))

/** KEK = HKDF-SHA256(X25519 secret, salt = ephPub | recipientPub, info = "lienthong/seal/v<version>/kek"). */
function kek (version: 1 | 2, ikm: Uint8Array, ephPub: Uint8Array, recipientPub: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.concat([ephPub, recipientPub]), `lienthong/seal/v${version}/kek`, 32))
}

/** The wrap's nonce: v2 the first 12 bytes of the salt, v1 12 zero bytes. */
const wrapNonce = (version: 1 | 2, salt: Uint8Array): Buffer => version === 2 ? Buffer.from(salt.subarray(0, 12)) : Buffer.alloc(12)

/** The chunks' AAD: the header's SHA-256 (both versions). */
const chunkAad = (header: Buffer): Buffer => createHash('sha256').update(header).digest()

function gcm (key: Uint8Array, nonce: Uint8Array, plain: Uint8Array, aad?: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  if (aad !== undefined) cipher.setAAD(aad)
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()])
}

function nonce (index: number, last: boolean): Buffer {
  const out = Buffer.alloc(12)
  out.writeUInt32BE(index, 7)
  out[11] = last ? 1 : 0
  return out
}

/** Inputs of one deterministic sealing. */
export interface SpecInput {
  version: 1 | 2
  ephemeralPrivateKey: Uint8Array
  dataKey: Uint8Array
  /** 16 bytes for version 2; ignored for version 1. */
  salt: Uint8Array
  recipients: Uint8Array[]
  chunkSize: number
  payload: Uint8Array
}

/** Seal by the book. */
export function specSeal (input: SpecInput): Buffer {
  const { version, ephemeralPrivateKey, dataKey, salt, recipients, chunkSize, payload } = input
  const ephPub = x25519Public(ephemeralPrivateKey)
  const count = Buffer.alloc(2)
  count.writeUInt16BE(recipients.length)
  const size = Buffer.alloc(4)
  size.writeUInt32BE(chunkSize)
  const header = Buffer.concat([
    Buffer.from(`LTS${version}`, 'latin1'), ephPub, version === 2 ? salt : Buffer.alloc(0), count,
    ...recipients.flatMap((r) => {
      const shared = diffieHellman({ privateKey: privateKey(ephemeralPrivateKey), publicKey: publicKey(r) })
      return [Buffer.from(r), gcm(kek(version, shared, ephPub, r), wrapNonce(version, salt), dataKey)]
    }),
    size
  ])
  const aad = chunkAad(header)
  const chunks = Math.max(1, Math.ceil(payload.length / chunkSize))
  const body = Array.from({ length: chunks }, (_, i) =>
    gcm(dataKey, nonce(i, i === chunks - 1), payload.subarray(i * chunkSize, (i + 1) * chunkSize), aad))
  return Buffer.concat([header, ...body])
}

/** Open by the book, as recipient `me` (raw X25519 private key); throws on any failure. */
export function specOpen (sealed: Uint8Array, me: Uint8Array): Buffer {
  const bytes = Buffer.from(sealed)
  const version = bytes.subarray(0, 4).toString('latin1') === 'LTS2' ? 2 : 1
  const ephPub = bytes.subarray(4, 36)
  const salt = version === 2 ? bytes.subarray(36, 52) : Buffer.alloc(0)
  let offset = version === 2 ? 52 : 36
  const n = bytes.readUInt16BE(offset)
  offset += 2
  const myPub = x25519Public(me)
  let dataKey: Buffer | undefined
  for (let i = 0; i < n; i++, offset += 80) {
    if (!bytes.subarray(offset, offset + 32).equals(myPub)) continue
    const shared = diffieHellman({ privateKey: privateKey(me), publicKey: publicKey(ephPub) })
    const unwrap = createDecipheriv('aes-256-gcm', kek(version, shared, ephPub, myPub), wrapNonce(version, salt))
    unwrap.setAuthTag(bytes.subarray(offset + 64, offset + 80))
    dataKey = Buffer.concat([unwrap.update(bytes.subarray(offset + 32, offset + 64)), unwrap.final()])
  }
  if (dataKey === undefined) throw new Error('not a recipient')
  const chunkSize = bytes.readUInt32BE(offset)
  offset += 4
  const aad = chunkAad(bytes.subarray(0, offset))
  const plain: Buffer[] = []
  for (let i = 0; offset < bytes.length; i++) {
    const end = Math.min(bytes.length, offset + chunkSize + 16)
    const decipher = createDecipheriv('aes-256-gcm', dataKey, nonce(i, end === bytes.length))
    decipher.setAAD(aad)
    decipher.setAuthTag(bytes.subarray(end - 16, end))
    plain.push(decipher.update(bytes.subarray(offset, end - 16)), decipher.final())
    offset = end
  }
  return Buffer.concat(plain)
}

/** One committed vector (hex strings): recipients are node seeds, opened with their sealing keys. */
export interface SealVector {
  name: string
  version: 1 | 2
  recipientSeeds: string[]
  ephemeralPrivateKey: string
  dataKey: string
  salt: string
  chunkSize: number
  payload: string
  sealed: string
}

const labelled = (label: string, length: number): Buffer => {
  const out: Buffer[] = []
  for (let i = 0; out.length * 32 < length; i++) out.push(createHash('sha256').update(`${label}:${i}`).digest())
  return Buffer.concat(out).subarray(0, length)
}

/** The vectors of test/fixtures/seal-vectors.json, rebuilt by the book (inputs from fixed labels). */
export function buildSealVectors (): SealVector[] {
  const shapes = [
    { name: 'three chunks, two recipients', recipients: 2, chunkSize: 1024, length: 2 * 1024 + 100 },
    { name: 'empty payload, one recipient', recipients: 1, chunkSize: 65536, length: 0 }
  ]
  return ([1, 2] as const).flatMap((version) => shapes.map((shape, s) => {
    const label = `seal-vector/v${version}/${s}`
    const seeds = Array.from({ length: shape.recipients }, (_, i) => labelled(`${label}/seed/${i}`, 32))
    const input: SpecInput = {
      version,
      ephemeralPrivateKey: labelled(`${label}/ephemeral`, 32),
      dataKey: labelled(`${label}/dek`, 32),
      salt: version === 2 ? labelled(`${label}/salt`, 16) : Buffer.alloc(0),
      recipients: seeds.map((seed) => x25519Public(sealingPrivateKeyOfSeed(seed))),
      chunkSize: shape.chunkSize,
      payload: labelled(`${label}/payload`, shape.length)
    }
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
    return {
      name: `v${version}: ${shape.name}`,
      version,
      recipientSeeds: seeds.map(hex),
      ephemeralPrivateKey: hex(input.ephemeralPrivateKey),
      dataKey: hex(input.dataKey),
      salt: hex(input.salt),
      chunkSize: input.chunkSize,
      payload: hex(input.payload),
      sealed: hex(specSeal(input))
    }
  }))
}
