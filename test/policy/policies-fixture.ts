/**
 * A registry for the policy management tests: buildApp on SQLite and the filesystem in a temp
 * dir, access control on, listening on 127.0.0.1:0 and spoken to over real HTTP. Users are
 * written straight into the store with a cheap scrypt cost (logins are not under test; see the
 * permission matrix's world.ts): root (admin), orgadmin (team admin on acme/*), writer (team
 * write on acme/*). A manifest is recorded in acme/app (tag v1), the image exemptions name.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { digestOf, type Digest } from '../../src/oci/digest.ts'
import type { RepositoryName, Tag } from '../../src/oci/reference.ts'
import { buildApp } from '../../src/registry/app.ts'
import { hashPassword } from '../../src/registry/auth/password-hasher.ts'
import { DEFAULT_CONFIG, type RegistryConfig } from '../../src/registry/config/config.ts'
import { SqliteStore } from '../../src/registry/metadata/sqlite/sqlite-store.ts'
import type { PolicyConfig } from '../../src/registry/policy/store/policy-config.ts'
import { FilesystemDriver } from '../../src/registry/storage/filesystem/filesystem-driver.ts'

const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 }
export const password = (user: string): string => `pw-${user}-long-enough`
export const basic = (user: string): string => `Basic ${Buffer.from(`${user}:${password(user)}`).toString('base64')}`

export interface PolicyRegistry {
  readonly app: FastifyInstance
  readonly store: SqliteStore
  readonly url: string
  /** The digest of acme/app:v1. */
  readonly digest: Digest
  /** fetch as `user` (undefined: anonymous); a body object is sent as JSON. */
  call(user: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string }>
  close(): Promise<void>
}

export async function startPolicyRegistry(policy?: PolicyConfig): Promise<PolicyRegistry> {
  const dataDir = await mkdtemp(join(tmpdir(), 'drydock-policies-'))
  const config: RegistryConfig = {
    ...DEFAULT_CONFIG, storage: { dataDir }, log: { level: 'silent' },
    auth: { ...DEFAULT_CONFIG.auth, mode: 'on' },
    ...(policy ? { policy } : {}),
  }
  const store = new SqliteStore(join(dataDir, 'metadata.db'))
  for (const [name, admin] of [['root', true], ['orgadmin', false], ['writer', false]] as const) {
    await store.auth.users.create({ name, passwordHash: await hashPassword(password(name), CHEAP_SCRYPT), admin, createdAt: new Date() })
  }
  const app = buildApp(config, { store, driver: new FilesystemDriver(join(dataDir, 'storage')) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const call: PolicyRegistry['call'] = async (user, method, path, body) => {
    const headers: Record<string, string> = user === undefined ? {} : { authorization: basic(user) }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) })
    const text = await res.text()
    let parsed: unknown
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {
      parsed = undefined
    }
    return { status: res.status, body: parsed, text }
  }
  const expect = async (method: string, path: string, body: unknown) => {
    const r = await call('root', method, path, body)
    if (r.status >= 300) throw new Error(`setup ${method} ${path}: ${r.status} ${r.text}`)
  }
  await expect('POST', '/api/v1/orgs', { name: 'acme' })
  await expect('POST', '/api/v1/orgs', { name: 'other' })
  for (const [user, role] of [['orgadmin', 'admin'], ['writer', 'write']] as const) {
    await expect('POST', '/api/v1/orgs/acme/teams', { name: `t-${user}` })
    await expect('PUT', `/api/v1/orgs/acme/teams/t-${user}/grants`, { target: 'acme/*', role })
    await expect('PUT', `/api/v1/orgs/acme/teams/t-${user}/members/${user}`, undefined)
  }
  const content = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}'
  const digest = digestOf(content)
  const at = new Date()
  await store.manifests.put({ repo: 'acme/app' as RepositoryName, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: content.length, pushedAt: at })
  await store.tags.put('acme/app' as RepositoryName, 'v1' as Tag, digest, at)
  return {
    app, store, url, digest, call,
    close: async () => {
      await app.close()
      await store.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}
