/**
 * Shared set-up for the deploy-gate tests: the registry app on real parts (SQLite and the
 * filesystem in a temp dir) listening on 127.0.0.1, with scan on push over the advisory DB built
 * from ../shared/testdata/vulndb, a trusted key for the `acme` namespace, access control on with
 * a bootstrap admin, a StaticPolicySource the tests change, and a fake clock (allowlist and
 * exemption expiry). Images are pushed with skopeo and signed with the real `drydock sign`.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Digest } from '../../src/oci/digest.ts'
import type { RepositoryName } from '../../src/oci/reference.ts'
import { buildApp } from '../../src/registry/app.ts'
import { DEFAULT_CONFIG, type RegistryConfig } from '../../src/registry/config/config.ts'
import { DEFAULT_SCANNING } from '../../src/registry/scanning/scanning-config.ts'
import { SqliteStore } from '../../src/registry/metadata/sqlite/sqlite-store.ts'
import { parseDeployPolicy } from '../../src/registry/policy/parse-policy.ts'
import type { DeployPolicy } from '../../src/registry/policy/policy.ts'
import { StaticPolicySource } from '../../src/registry/policy/policy-source.ts'
import { fakeClock, type FakeClock } from '../../src/registry/ports.ts'
import { FilesystemDriver } from '../../src/registry/storage/filesystem/filesystem-driver.ts'
import { buildVulndbFixture, type VulndbFixture } from '../../src/scanner/vuln/db/vulndb-fixture.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { describe, drydock, generateKeys } from '../trust/trust-fixture.ts'

export const ADMIN = { user: 'boss', password: 'boss-password-long-1' }

export interface GateServer {
  readonly app: FastifyInstance
  readonly url: string
  /** host:port for image references. */
  readonly host: string
  readonly clock: FakeClock
  readonly source: StaticPolicySource
  readonly store: SqliteStore
  readonly skopeo: Skopeo
  /** Trusted for `acme`; `other` is trusted nowhere. */
  readonly keys: { readonly trusted: { key: string; pub: string }; readonly other: { key: string; pub: string } }
  /** `robot$acme+deploy`, with read on acme/*: the caller of pull() and of the details route. */
  readonly robot: { readonly user: string; readonly secret: string }
  /** skopeo copy of a test image (oci layout name:tag) to REPO:TAG, as the admin. */
  push(image: string, repoTag: string, opts?: { all?: boolean }): Promise<Digest>
  /** Waits until the scan of the digest is final (scan on push). */
  scanned(repo: string, digest: string): Promise<string>
  sign(ref: string, key: string): Promise<void>
  close(): Promise<void>
}

export function policy(doc: Record<string, unknown>): DeployPolicy {
  return parseDeployPolicy(JSON.stringify(doc))
}

/**
 * `stored`: policies and exemptions come from the app's own source (the metadata store, managed
 * through /api/v1), as in production; `source` is then not consulted by the app.
 */
export async function startGateServer(scanning: Partial<RegistryConfig['scanning'] & object> = {}, opts: { readonly stored?: boolean } = {}): Promise<GateServer> {
  requireTestdata()
  const dir = await mkdtemp(join(tmpdir(), 'drydock-gate-'))
  const vulndb: VulndbFixture = await buildVulndbFixture()
  const trusted = await generateKeys(dir, 'trusted')
  const other = await generateKeys(dir, 'other')
  const config: RegistryConfig = {
    ...DEFAULT_CONFIG,
    storage: { dataDir: join(dir, 'data') },
    log: { level: 'silent' },
    auth: { ...DEFAULT_CONFIG.auth, mode: 'on', bootstrapAdmin: ADMIN },
    scanning: { ...DEFAULT_SCANNING, scanOnPush: true, advisoryDb: vulndb.path, ...scanning },
    trust: { namespaces: { acme: [await readFile(trusted.pub, 'utf8')] } },
  }
  // After the advisory data's import (2026-11-22), so a maxAdvisoryAgeDays policy reads naturally.
  const clock = fakeClock('2026-12-01T00:00:00Z')
  const store = new SqliteStore(join(dir, 'metadata.db'))
  const source = new StaticPolicySource([])
  const app = buildApp(config, { store, driver: new FilesystemDriver(join(dir, 'data', 'storage')), clock, ...(opts.stored ? {} : { policySource: source }) })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  const host = new URL(url).host
  const skopeo = await createSkopeo()
  const admin = { authorization: basicAuth(ADMIN.user, ADMIN.password), 'content-type': 'application/json' }
  const org = await fetch(`${url}/api/v1/orgs`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'acme' }) })
  assert.equal(org.status, 201, await org.text())
  const made = await fetch(`${url}/api/v1/orgs/acme/robots`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'deploy', grants: [{ target: 'acme/*', role: 'read' }] }) })
  const madeText = await made.text()
  assert.equal(made.status, 201, madeText)
  const robotBody = JSON.parse(madeText) as { name: string; secret: string }
  return {
    app, url, host, clock, source, store, skopeo, keys: { trusted, other }, robot: { user: robotBody.name, secret: robotBody.secret },
    push: async (image, repoTag, opts = {}) => {
      await skopeo.copy(`oci:${join(IMAGES_DIR, image)}`, `docker://${host}/${repoTag}`, { creds: `${ADMIN.user}:${ADMIN.password}`, ...(opts.all ? { all: true } : {}) })
      const [repo, tag] = repoTag.split(':') as [string, string]
      const digest = await store.tags.resolve(repo as RepositoryName, tag as never)
      assert.ok(digest, `${repoTag} was pushed`)
      return digest
    },
    scanned: async (repo, digest) => {
      // Polls the real worker's record; the wait ends on the outcome, not on a duration.
      for (;;) {
        const rec = await store.scans.get(repo as RepositoryName, digest as Digest)
        if (rec && rec.status !== 'PENDING' && rec.status !== 'IN_PROGRESS') return rec.status
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    sign: async (ref, key) => {
      const res = await drydock(['sign', `${host}/${ref}`, '--key', key], { env: { DRYDOCK_REGISTRY: `http://${host}`, DRYDOCK_USERNAME: ADMIN.user, DRYDOCK_PASSWORD: ADMIN.password } })
      assert.equal(res.code, 0, describe(res))
    },
    close: async () => {
      await app.close()
      await store.close()
      await skopeo.dispose()
      vulndb.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export interface Pulled {
  readonly status: number
  readonly code?: string
  readonly message?: string
  readonly digest?: string | null
}

export function basicAuth(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`
}

/** A manifest GET or HEAD by the deploy robot, with a registry token as docker gets one. */
export async function pull(server: GateServer, repo: string, ref: string, method: 'GET' | 'HEAD' = 'GET'): Promise<Pulled> {
  const t = await fetch(`${server.url}/token?service=drydock&scope=${encodeURIComponent(`repository:${repo}:pull`)}`, {
    headers: { authorization: basicAuth(server.robot.user, server.robot.secret) },
  })
  assert.equal(t.status, 200)
  const { token } = (await t.json()) as { token: string }
  const res = await fetch(`${server.url}/v2/${repo}/manifests/${ref}`, {
    method, headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
  })
  const text = await res.text()
  if (res.status < 300 || text === '') return { status: res.status, digest: res.headers.get('docker-content-digest') }
  const err = (JSON.parse(text) as { errors: { code: string; message: string }[] }).errors[0]
  return { status: res.status, ...(err ? { code: err.code, message: err.message } : {}) }
}

/** Policy audit events recorded so far (policy.deny, policy.audit-deny, policy.exemption-used). */
export async function policyEvents(server: GateServer, action: string): Promise<readonly { repository?: string; detail?: Readonly<Record<string, unknown>> }[]> {
  return await server.store.auth.audit.query({ action, limit: 1000 })
}

/** A pull token for the deploy robot, from the token endpoint as docker gets one. */
export async function robotToken(server: GateServer, repo: string): Promise<string> {
  const t = await fetch(`${server.url}/token?service=drydock&scope=${encodeURIComponent(`repository:${repo}:pull`)}`, {
    headers: { authorization: basicAuth(server.robot.user, server.robot.secret) },
  })
  assert.equal(t.status, 200)
  return ((await t.json()) as { token: string }).token
}
