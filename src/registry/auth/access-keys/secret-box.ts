/**
 * Seals access-key secrets at rest. SigV4 verification needs the secret itself (a hash would not
 * do), so it is stored encrypted: AES-256-GCM under a 32-byte key kept in a file of the data dir
 * (`access-keys.key`, created 0600 on first use, never logged). The key id is the additional
 * authenticated data, so a sealed secret moved to another row no longer opens.
 * Format: `v1.<iv>.<tag>.<ciphertext>`, each base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const KEY_FILE = 'access-keys.key'
const KEY_BYTES = 32

export class SecretBox {
  readonly #path: string
  #key: Promise<Buffer> | undefined

  constructor(dataDir: string) {
    this.#path = join(dataDir, KEY_FILE)
  }

  async seal(id: string, secret: string): Promise<string> {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', await this.#loadKey(), iv).setAAD(Buffer.from(id))
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
    return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.')
  }

  /** The secret, or undefined when `sealed` is damaged or was sealed for another id or key. */
  async open(id: string, sealed: string): Promise<string | undefined> {
    const [version, iv, tag, body] = sealed.split('.')
    if (version !== 'v1' || iv === undefined || tag === undefined || body === undefined) return undefined
    try {
      const decipher = createDecipheriv('aes-256-gcm', await this.#loadKey(), Buffer.from(iv, 'base64url')).setAAD(Buffer.from(id))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8')
    } catch {
      return undefined
    }
  }

  #loadKey(): Promise<Buffer> {
    this.#key ??= this.#readOrCreate()
    return this.#key
  }

  async #readOrCreate(): Promise<Buffer> {
    try {
      // `wx`: never overwrite a key another process created first (that would orphan its secrets).
      await writeFile(this.#path, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const key = await readFile(this.#path)
    if (key.length !== KEY_BYTES) throw new Error(`${this.#path} is damaged: expected a ${KEY_BYTES}-byte key`)
    return key
  }
}
