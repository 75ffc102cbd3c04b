/**
 * Password hashing with scrypt (node:crypto). The stored string carries its own parameters and
 * salt, `scrypt$N$r$p$<salt b64url>$<hash b64url>`, so the cost can be raised later without
 * invalidating existing passwords. Verification compares in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

export interface ScryptParams {
  readonly N: number
  readonly r: number
  readonly p: number
}

/** N=2^16, r=8, p=1: 64 MiB and about 0.1-0.2 s per guess; the parameters are stored with each hash. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 16, r: 8, p: 1 }
const KEY_LEN = 32
/** Longer inputs are refused before hashing: scrypt cost does not depend on length, but memory for the request does. */
export const MAX_PASSWORD_BYTES = 1024

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LEN, options, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) throw new Error('password too long')
  const salt = randomBytes(16)
  const key = await derive(password, salt, params)
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** false for a wrong password or a malformed stored hash; never throws on bad input. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt' || Buffer.byteLength(password) > MAX_PASSWORD_BYTES) return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  if (!N || !r || !p || N > 2 ** 20 || r > 32 || p > 16) return false
  const expected = Buffer.from(parts[5] ?? '', 'base64url')
  const key = await derive(password, Buffer.from(parts[4] ?? '', 'base64url'), { N, r, p })
  return expected.length === key.length && timingSafeEqual(expected, key)
}

/** A hash of nothing, checked against when the user does not exist so timing does not reveal it. */
let dummy: Promise<string> | undefined
export function dummyHash(params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  dummy ??= hashPassword('drydock-no-such-user', params)
  return dummy
}
