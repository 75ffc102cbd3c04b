/**
 * cosign's encrypted private key format, so keys move freely between cosign and Drydock.
 *
 * Layout (facts from the sigstore/go-tuf "encrypted" format that cosign uses):
 *   PEM label  "ENCRYPTED SIGSTORE PRIVATE KEY" (older cosign: "ENCRYPTED COSIGN PRIVATE KEY")
 *   PEM body   JSON {"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":B64},
 *                    "cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}
 *   plaintext  the PKCS#8 DER of the private key
 * Key = scrypt(password, salt, N, r, p, 32 bytes); ciphertext = XSalsa20-Poly1305 secretbox
 * (tag || ciphertext) under a random 24-byte nonce. Byte arrays are standard base64 (Go []byte).
 *
 * Hostile files: scrypt parameters are bounded (a huge N would pin the CPU or memory), lengths of
 * salt and nonce are checked, and a failed authentication is reported as a wrong password.
 */
import { randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto'
import { secretbox } from '@noble/ciphers/salsa.js'
import { TrustError } from '../trust-errors.ts'
import { decodePem, encodePem } from './pem.ts'

export const ENCRYPTED_KEY_LABEL = 'ENCRYPTED SIGSTORE PRIVATE KEY'
const LEGACY_LABELS: ReadonlySet<string> = new Set([ENCRYPTED_KEY_LABEL, 'ENCRYPTED COSIGN PRIVATE KEY'])

/** cosign's defaults (go-tuf encrypted.Encrypt "standard" parameters). */
export const DEFAULT_SCRYPT = { N: 32768, r: 8, p: 1 } as const
const MAX_LOG2_N = 20
const MAX_R = 32
const MAX_P = 16
const SALT_BYTES = 32
const NONCE_BYTES = 24
const KEY_BYTES = 32

interface EncryptedKeyJson {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string }
  cipher: { name: string; nonce: string }
  ciphertext: string
}

function deriveKey(password: Uint8Array, salt: Uint8Array, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is exactly 128*N*r for cosign's parameters, so give headroom.
  const opts: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 }
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, KEY_BYTES, opts, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

/** Encrypts a PKCS#8 DER private key into cosign's PEM format. */
export async function encryptPrivateKey(pkcs8Der: Uint8Array, password: Uint8Array, params: { N: number; r: number; p: number } = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const nonce = randomBytes(NONCE_BYTES)
  const key = await deriveKey(password, salt, params)
  const sealed = secretbox(key, nonce).seal(pkcs8Der)
  key.fill(0)
  const json: EncryptedKeyJson = {
    kdf: { name: 'scrypt', params: { N: params.N, r: params.r, p: params.p }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(sealed).toString('base64'),
  }
  return encodePem(ENCRYPTED_KEY_LABEL, Buffer.from(JSON.stringify(json)))
}

/** Whether a PEM text is in cosign's encrypted format (by label). */
export function isEncryptedKeyPem(text: string): boolean {
  try {
    return LEGACY_LABELS.has(decodePem(text).label)
  } catch {
    return false
  }
}

/** Decrypts cosign's PEM format to the PKCS#8 DER. Throws KEY_INVALID or KEY_DECRYPT_FAILED. */
export async function decryptPrivateKey(pem: string, password: Uint8Array): Promise<Buffer> {
  const block = decodePem(pem)
  if (!LEGACY_LABELS.has(block.label)) throw new TrustError('KEY_INVALID', `expected an ${ENCRYPTED_KEY_LABEL} PEM block, got ${block.label}`)
  const json = parseJson(block.der)
  const { N, r, p } = json.kdf.params
  if (!Number.isSafeInteger(N) || N < 2 || (N & (N - 1)) !== 0 || N > 2 ** MAX_LOG2_N) throw new TrustError('KEY_INVALID', 'scrypt N must be a power of two up to 2^20')
  if (!Number.isSafeInteger(r) || r < 1 || r > MAX_R || !Number.isSafeInteger(p) || p < 1 || p > MAX_P) throw new TrustError('KEY_INVALID', 'scrypt r/p out of range')
  const salt = Buffer.from(json.kdf.salt, 'base64')
  const nonce = Buffer.from(json.cipher.nonce, 'base64')
  const sealed = Buffer.from(json.ciphertext, 'base64')
  if (salt.length < 16 || salt.length > 64) throw new TrustError('KEY_INVALID', 'scrypt salt has an unexpected length')
  if (nonce.length !== NONCE_BYTES) throw new TrustError('KEY_INVALID', `secretbox nonce must be ${NONCE_BYTES} bytes`)
  if (sealed.length < 17) throw new TrustError('KEY_INVALID', 'ciphertext is too short')
  const key = await deriveKey(password, salt, { N, r, p })
  try {
    return Buffer.from(secretbox(key, nonce).open(sealed))
  } catch (err) {
    throw new TrustError('KEY_DECRYPT_FAILED', 'cannot decrypt the private key: wrong password or corrupted key file', { cause: err })
  } finally {
    key.fill(0)
  }
}

function parseJson(bytes: Buffer): EncryptedKeyJson {
  let v: unknown
  try {
    v = JSON.parse(bytes.toString('utf8'))
  } catch {
    throw new TrustError('KEY_INVALID', 'encrypted key body is not JSON')
  }
  const o = v as Partial<EncryptedKeyJson> | null
  const ok =
    o !== null && typeof o === 'object' &&
    o.kdf?.name === 'scrypt' && typeof o.kdf.salt === 'string' && typeof o.kdf.params === 'object' && o.kdf.params !== null &&
    o.cipher?.name === 'nacl/secretbox' && typeof o.cipher.nonce === 'string' &&
    typeof o.ciphertext === 'string'
  if (!ok) throw new TrustError('KEY_INVALID', 'encrypted key JSON must use kdf scrypt and cipher nacl/secretbox')
  return o as EncryptedKeyJson
}
