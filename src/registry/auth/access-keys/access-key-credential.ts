/**
 * Access key ids and secrets. The id is `DDAK` + 16 characters of [A-Z2-7] (20 characters, the
 * shape of an AWS `AKIA…` id, so tools that check the length accept it, while the `DDAK` prefix
 * says it is Drydock's and lets secret scanners tell it from an AWS key). The secret is 40
 * characters of base64 (240 random bits), the shape of an AWS secret access key.
 */
import { randomBytes } from 'node:crypto'

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
export const ACCESS_KEY_ID_RE = /^DDAK[A-Z2-7]{16}$/

export function newAccessKeyId(): string {
  let id = 'DDAK'
  // 32 symbols: a byte modulo 32 is uniform.
  for (const b of randomBytes(16)) id += ID_ALPHABET[b % 32]
  return id
}

export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64')
}
