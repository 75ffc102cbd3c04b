/**
 * The token signing keys. One active Ed25519 key signs; rotate() makes a new one active and
 * retires the old one, which keeps verifying until every token it signed has expired (so a
 * rotation logs nobody out). Keys live in the metadata store, inside the data dir.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import type { SigningKeyRepo } from '../metadata/auth-store.ts'
import type { Clock } from '../ports.ts'

interface LoadedKey {
  readonly kid: string
  readonly publicKey: KeyObject
  readonly privateKey: KeyObject
  readonly retiredAt?: Date
}

export class KeyRing {
  readonly #repo: SigningKeyRepo
  readonly #clock: Clock
  readonly #maxTokenTtlMs: number
  #keys: LoadedKey[] = []

  constructor(repo: SigningKeyRepo, clock: Clock, maxTokenTtlMs: number) {
    this.#repo = repo
    this.#clock = clock
    this.#maxTokenTtlMs = maxTokenTtlMs
  }

  /** Loads the keys, creating the first one on a fresh store. */
  async load(): Promise<void> {
    await this.#repo.purgeRetired(new Date(this.#clock.now().getTime() - this.#maxTokenTtlMs))
    let records = await this.#repo.list()
    if (!records.some((k) => k.retiredAt === undefined)) {
      await this.#addKey()
      records = await this.#repo.list()
    }
    this.#keys = records.map((k) => ({
      kid: k.kid,
      publicKey: createPublicKey(k.publicKeyPem),
      privateKey: createPrivateKey(k.privateKeyPem),
      ...(k.retiredAt ? { retiredAt: k.retiredAt } : {}),
    }))
  }

  /** The key new tokens are signed with. */
  active(): { readonly kid: string; readonly key: KeyObject } {
    const k = this.#keys.find((x) => x.retiredAt === undefined)
    if (!k) throw new Error('key ring not loaded')
    return { kid: k.kid, key: k.privateKey }
  }

  /** The public key for `kid`, while tokens it signed can still be valid. */
  publicKey(kid: string): KeyObject | undefined {
    const k = this.#keys.find((x) => x.kid === kid)
    if (!k) return undefined
    if (k.retiredAt && k.retiredAt.getTime() + this.#maxTokenTtlMs < this.#clock.now().getTime()) return undefined
    return k.publicKey
  }

  /** Makes a new key active; returns its kid. */
  async rotate(): Promise<string> {
    const old = this.#keys.filter((k) => k.retiredAt === undefined)
    const kid = await this.#addKey()
    for (const k of old) await this.#repo.retire(k.kid, this.#clock.now())
    await this.load()
    return kid
  }

  async #addKey(): Promise<string> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const kid = randomBytes(9).toString('base64url')
    await this.#repo.add({
      kid,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      createdAt: this.#clock.now(),
    })
    return kid
  }
}
