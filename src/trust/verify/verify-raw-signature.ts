// Verifies a bare ECDSA/SHA-256 DER signature over exact bytes against each trusted key; returns
// the id of the first key that verifies, else undefined. Malformed signatures simply fail.
import { verify } from 'node:crypto'
import type { TrustedKey } from '../bundle/sigstore-bundle.ts'

export function verifyRawSignature(payload: Uint8Array, signature: Uint8Array, keys: readonly TrustedKey[]): string | undefined {
  for (const { keyId, key } of keys) {
    try {
      if (verify('sha256', payload, { key, dsaEncoding: 'der' }, signature)) return keyId
    } catch {
      // not a DER signature for this key type: not verified
    }
  }
  return undefined
}
