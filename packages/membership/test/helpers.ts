import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ExecutionContext } from 'ava'
import { encode } from 'cborg'
import { generateNodeKey, peerIdFromPublicKeyBytes, sign, type NodeKey } from '@lienthong/crypto'
import { isLienthongError } from '@lienthong/errors'
import { JOIN_REQUEST_DOMAIN, type JoinRequestInit, type SignedRequestWire } from '@lienthong/membership'

export const NETWORK = 'lienthong-test'
export const NOW = 1_750_000_000_000

/** A fresh temp folder, removed when the test ends. */
export async function tempDir (t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-membership-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

/** A complete, valid join request init for `key` (addresses end in its PeerId). */
export function joinInit (key: NodeKey, overrides: Partial<JoinRequestInit> = {}): JoinRequestInit {
  const peerId = peerIdFromPublicKeyBytes(key.publicKey)
  return {
    network: NETWORK,
    orgs: ['000.00.00.H29', '000.00.00.G01'],
    contacts: { email: ['vanthu@hanoi.gov.vn'], phone: ['+84 24 3825 3536'] },
    addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${peerId}`],
    services: [{ id: 'hanoi.dvc', org: '000.00.00.H29', name: 'Dịch vụ công', protocol: '/lienthong/deliver/1.0.0' }],
    selfAssessment: {
      infrastructure: 'Hai máy chủ, nguồn dự phòng.',
      network: 'Đường truyền số liệu chuyên dùng,\nfirewall.',
      application: 'Hệ thống quản lý văn bản v5.',
      security: ''
    },
    software: 'lienthong-node/0.1.0',
    createdAt: NOW,
    ...overrides
  }
}

/** The raw fields of a valid join request, for building malformed ones by hand. */
export function rawJoin (key: NodeKey): Record<string, unknown> {
  const init = joinInit(key)
  return {
    version: 1,
    network: init.network,
    peerId: peerIdFromPublicKeyBytes(key.publicKey),
    publicKey: key.publicKey,
    sealingPublicKey: key.sealingPublicKey,
    orgs: init.orgs,
    contacts: init.contacts,
    addresses: init.addresses,
    services: init.services,
    selfAssessment: init.selfAssessment,
    software: init.software,
    createdAt: NOW,
    nonce: new Uint8Array(16).fill(7)
  }
}

/** Encode any map as canonical CBOR and sign it with `key` under `domain`: a well-signed request of any shape. */
export function signedWire (key: NodeKey, value: unknown, domain = JOIN_REQUEST_DOMAIN): SignedRequestWire {
  const bytes = encode(value)
  return { request: Buffer.from(bytes).toString('base64'), signature: Buffer.from(sign(key, domain, bytes)).toString('base64') }
}

/** The code and meta.field of what `fn` throws. */
export function failure (fn: () => unknown): { code: string, field?: unknown } {
  try {
    fn()
  } catch (err) {
    if (isLienthongError(err)) return err.meta.field === undefined ? { code: err.code } : { code: err.code, field: err.meta.field }
    return { code: `not a LienthongError: ${String(err)}` }
  }
  return { code: 'nothing thrown' }
}

/** The code of a LienthongError rejection (fails the test for anything else). */
export async function codeOf (t: ExecutionContext, promise: Promise<unknown>): Promise<string> {
  const err = await t.throwsAsync(promise)
  t.true(isLienthongError(err), `expected a LienthongError, got ${String(err)}`)
  return isLienthongError(err) ? err.code : 'not-a-lienthong-error'
}

export { generateNodeKey }
