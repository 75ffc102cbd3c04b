/**
 * ECDSA P-256 keys: generation, loading and identification. Private keys live on disk only in
 * cosign's encrypted format (cosign-encrypted-key.ts); an unencrypted PKCS#8 / SEC1 PEM is also
 * accepted for signing so keys made by openssl work directly. Public keys are PEM
 * SubjectPublicKeyInfo. A key's id is the sha256 of its SPKI DER ("sha256:<hex>"), stable across
 * PEM formatting.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { TrustError } from '../trust-errors.ts'
import { decryptPrivateKey, encryptPrivateKey, isEncryptedKeyPem } from './cosign-encrypted-key.ts'
import { MAX_PEM_LENGTH } from './pem.ts'

export interface GeneratedKeyPair {
  /** cosign "ENCRYPTED SIGSTORE PRIVATE KEY" PEM. */
  readonly privatePem: string
  /** "PUBLIC KEY" PEM (SPKI). */
  readonly publicPem: string
  readonly keyId: string
}

export async function generateKeyPair(password: Uint8Array): Promise<GeneratedKeyPair> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' })
  const privatePem = await encryptPrivateKey(pkcs8, password)
  pkcs8.fill(0)
  return { privatePem, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(publicKey) }
}

function requireP256(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TrustError('KEY_INVALID', `${what} is not an ECDSA P-256 key`)
  }
  return key
}

/** Loads a private key PEM (cosign-encrypted, or plain PKCS#8/SEC1); `password` only for encrypted ones. */
export async function loadPrivateKey(pem: string, password: () => Promise<Uint8Array>): Promise<KeyObject> {
  if (pem.length > MAX_PEM_LENGTH) throw new TrustError('KEY_INVALID', 'private key file is too large')
  if (isEncryptedKeyPem(pem)) {
    const der = await decryptPrivateKey(pem, await password())
    try {
      return requireP256(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), 'the private key')
    } catch (err) {
      if (err instanceof TrustError) throw err
      throw new TrustError('KEY_INVALID', 'the decrypted private key is not valid PKCS#8', { cause: err })
    } finally {
      der.fill(0)
    }
  }
  try {
    return requireP256(createPrivateKey({ key: pem, format: 'pem' }), 'the private key')
  } catch (err) {
    if (err instanceof TrustError) throw err
    throw new TrustError('KEY_INVALID', 'cannot read the private key (expected a cosign encrypted key or a PEM private key)', { cause: err })
  }
}

/** Loads a PEM public key (SPKI). A PEM private key is refused, so a secret is never treated as a trust anchor by mistake. */
export function loadPublicKey(pem: string): KeyObject {
  if (pem.length > MAX_PEM_LENGTH) throw new TrustError('KEY_INVALID', 'public key file is too large')
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) throw new TrustError('KEY_INVALID', 'expected a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) block')
  try {
    return requireP256(createPublicKey({ key: pem, format: 'pem' }), 'the public key')
  } catch (err) {
    if (err instanceof TrustError) throw err
    throw new TrustError('KEY_INVALID', 'cannot read the public key', { cause: err })
  }
}

export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey)
}

/** "sha256:<hex of SPKI DER>". */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return `sha256:${createHash('sha256').update(der).digest('hex')}`
}
