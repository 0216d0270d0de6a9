import { decodeCanonicalCbor as decodeStrict } from '@lienthong/codec'
import { LienthongError } from '@lienthong/errors'
import { RegistryErrorCode } from './errors.js'

export { encodeCbor, bytesEqual, isPlainRecord } from '@lienthong/codec'

/**
 * Strict canonical CBOR decoding (see @lienthong/codec) for registry structures: refusals are
 * `registry-malformed` with `meta.what`.
 */
export function decodeCanonicalCbor (bytes: Uint8Array, what: string, maxBytes: number): unknown {
  if (!(bytes instanceof Uint8Array)) throw new LienthongError(RegistryErrorCode.MALFORMED, `${what} is not bytes`, { what })
  return decodeStrict(bytes, what, maxBytes, (reason, meta, cause) => {
    throw new LienthongError(RegistryErrorCode.MALFORMED, reason, meta, { cause })
  })
}
