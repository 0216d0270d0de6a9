import test, { type ExecutionContext } from 'ava'
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  CryptoErrorCode, ED25519_PKCS8_PREFIX, generateNodeKey, readKeyFile, readSecretFile, writeKeyFile, writeSecretFile
} from '@lienthong/crypto'
import type { LienthongError } from '@lienthong/errors'
import { hex } from './helpers.js'

function tempDir (t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-crypto-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

const modeOf = (path: string): number => statSync(path).mode & 0o777

test('a key file round-trips, is 0600 and leaves no temporary file behind', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'node.key')
  const key = generateNodeKey()
  writeKeyFile(path, key)
  t.is(modeOf(path), 0o600)
  t.deepEqual(readdirSync(dir), ['node.key'])
  const back = readKeyFile(path)
  t.is(hex(back.seed), hex(key.seed))
  t.is(hex(back.publicKey), hex(key.publicKey))
  t.is(hex(back.sealingPublicKey), hex(key.sealingPublicKey))
})

test('a key file is a standard ed25519 PKCS#8 PEM that OpenSSL reads', (t) => {
  const path = join(tempDir(t), 'node.key')
  const key = generateNodeKey()
  writeKeyFile(path, key)
  const pem = readFileSync(path, 'latin1')
  t.regex(pem, /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=]{64}\n-----END PRIVATE KEY-----\n$/)
  const der = Buffer.from(pem.split('\n')[1]!, 'base64')
  t.is(hex(der), hex(ED25519_PKCS8_PREFIX) + hex(key.seed))
  const parsed = createPrivateKey(pem)
  t.is(parsed.asymmetricKeyType, 'ed25519')
  t.is(Buffer.from(parsed.export({ format: 'jwk' }).x!, 'base64url').toString('hex'), hex(key.publicKey))
})

test('a key written by another tool (PKCS#8 PEM from OpenSSL) is read', (t) => {
  const path = join(tempDir(t), 'other.key')
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 })
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)
  t.is(hex(readKeyFile(path).publicKey), raw.toString('hex'))
})

test('a key file that group or others can access is refused with the chmod advice', (t) => {
  const path = join(tempDir(t), 'node.key')
  writeKeyFile(path, generateNodeKey())
  for (const mode of [0o644, 0o640, 0o604, 0o660, 0o601]) {
    chmodSync(path, mode)
    const err = t.throws<LienthongError>(() => readKeyFile(path), { code: CryptoErrorCode.KEY_FILE_PERMISSIONS })
    t.deepEqual(err?.meta, { path, mode: '0' + mode.toString(8) })
    t.true(err?.message.includes(`chmod 600 ${path}`))
  }
  chmodSync(path, 0o400)
  t.notThrows(() => readKeyFile(path))
})

test('a missing key file is key-file-missing', (t) => {
  const dir = tempDir(t)
  t.throws(() => readKeyFile(join(dir, 'nope.key')), { code: CryptoErrorCode.KEY_FILE_MISSING })
  t.throws(() => readSecretFile(join(dir, 'nope.token')), { code: CryptoErrorCode.KEY_FILE_MISSING })
})

test('anything but an unencrypted ed25519 PKCS#8 PEM is key-file-malformed', (t) => {
  const dir = tempDir(t)
  const ed = generateKeyPairSync('ed25519').privateKey
  const pemBody = (ed.export({ format: 'pem', type: 'pkcs8' }) as string).split('\n')[1]!
  const cases: Record<string, string | Buffer> = {
    empty: '',
    text: 'not a key\n',
    binaryDer: ed.export({ format: 'der', type: 'pkcs8' }),
    badBase64: '-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n',
    truncated: `-----BEGIN PRIVATE KEY-----\n${pemBody.slice(0, 40)}\n-----END PRIVATE KEY-----\n`,
    x25519: generateKeyPairSync('x25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
    p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    sec1: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'sec1' }),
    encrypted: ed.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'secret' }),
    twoKeys: (ed.export({ format: 'pem', type: 'pkcs8' }) as string).repeat(2),
    publicKey: generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }),
    huge: 'x'.repeat(100_000)
  }
  for (const [name, content] of Object.entries(cases)) {
    const path = join(dir, `${name}.key`)
    writeFileSync(path, content, { mode: 0o600 })
    t.throws(() => readKeyFile(path), { code: CryptoErrorCode.KEY_FILE_MALFORMED }, name)
  }
  const folder = join(dir, 'folder.key')
  mkdirSync(folder, { mode: 0o700 })
  t.throws(() => readKeyFile(folder), { code: CryptoErrorCode.KEY_FILE_MALFORMED })
})

test('an existing key file is never overwritten unless asked', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'node.key')
  const first = generateNodeKey()
  const second = generateNodeKey()
  writeKeyFile(path, first)
  t.throws(() => { writeKeyFile(path, second) }, { code: CryptoErrorCode.KEY_FILE_EXISTS })
  t.throws(() => { writeKeyFile(path, second, { overwrite: false }) }, { code: CryptoErrorCode.KEY_FILE_EXISTS })
  t.is(hex(readKeyFile(path).seed), hex(first.seed))
  chmodSync(path, 0o644)
  writeKeyFile(path, second, { overwrite: true })
  t.is(modeOf(path), 0o600)
  t.is(hex(readKeyFile(path).seed), hex(second.seed))
  t.deepEqual(readdirSync(dir), ['node.key'])
})

test('writing into a missing folder fails and leaves nothing', (t) => {
  const dir = tempDir(t)
  t.throws(() => { writeKeyFile(join(dir, 'missing', 'node.key'), generateNodeKey()) }, { code: 'ENOENT' })
  t.deepEqual(readdirSync(dir), [])
})

test('secret files: 0600 round trip of exact text, same refusals', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'api.token')
  const token = 'lt_Đà-Nẵng_7f3c…\n'
  writeSecretFile(path, token)
  t.is(modeOf(path), 0o600)
  t.is(readSecretFile(path), token)
  t.throws(() => { writeSecretFile(path, 'other') }, { code: CryptoErrorCode.KEY_FILE_EXISTS })
  writeSecretFile(path, 'other', { overwrite: true })
  t.is(readSecretFile(path), 'other')
  chmodSync(path, 0o644)
  t.throws(() => readSecretFile(path), { code: CryptoErrorCode.KEY_FILE_PERMISSIONS })
  const binary = join(dir, 'binary.token')
  writeFileSync(binary, Buffer.from([0xff, 0xfe, 0x00]), { mode: 0o600 })
  t.throws(() => readSecretFile(binary), { code: CryptoErrorCode.KEY_FILE_MALFORMED })
  t.deepEqual(readdirSync(dir).sort(), ['api.token', 'binary.token'])
})
