/**
 * The permission matrix's world: one real Drydock (buildApp on SQLite + the filesystem, listening
 * on 127.0.0.1:0, spoken to over real HTTP with fetch), its users, teams, robots and repositories,
 * and every caller of the matrix with the credentials it presents.
 *
 * Users are written straight into the metadata store with a cheap scrypt cost (the hash carries
 * its parameters and the server honours them): password logins are not what is under test, and
 * thousands of them at the production cost would take minutes. Everything else goes through the API.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { digestOf } from '../../../src/oci/digest.ts'
import { MediaType } from '../../../src/oci/media-types.ts'
import { buildApp } from '../../../src/registry/app.ts'
import { hashPassword } from '../../../src/registry/auth/password-hasher.ts'
import { DEFAULT_CONFIG, type RegistryConfig } from '../../../src/registry/config/config.ts'
import { DEFAULT_ADMISSION } from '../../../src/registry/admission/admission-config.ts'
import { MATRIX_METRICS_CONFIG } from './metrics-rows.ts'
import { SqliteStore } from '../../../src/registry/metadata/sqlite/sqlite-store.ts'
import { DEFAULT_SCANNING } from '../../../src/registry/scanning/scanning-config.ts'
import { FilesystemDriver } from '../../../src/registry/storage/filesystem/filesystem-driver.ts'
import type { Action, Caller, Grant, Owner } from './model.ts'

export const CHEAP_SCRYPT = { N: 1024, r: 8, p: 1 }
export const REPOS = ['acme/app', 'acme/private', 'acme/pub', 'alice/x', 'other/y'] as const
export const PUBLIC: ReadonlySet<string> = new Set(['acme/pub'])
/** The host name of this registry in the admission rows' image references (`admission.registryHosts`). */
export const MATRIX_REGISTRY_HOST = 'matrix.registry.example'
export const ORGS = ['acme', 'other'] as const
const MATRIX_LIFECYCLE_POLICY = JSON.stringify({ rules: [{ rulePriority: 1, description: 'keep the last 100 images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 }, action: { type: 'expire' } }] })

/** Users of the matrix: name, admin flag, team (in acme) and its grant. */
export const USERS: ReadonlyArray<{ name: string; admin: boolean; grant?: Grant }> = [
  { name: 'root', admin: true },
  { name: 'alice', admin: false },
  { name: 'reader', admin: false, grant: { target: 'acme/*', role: 'read' } },
  { name: 'writer', admin: false, grant: { target: 'acme/*', role: 'write' } },
  { name: 'orgadmin', admin: false, grant: { target: 'acme/*', role: 'admin' } },
  { name: 'appadmin', admin: false, grant: { target: 'acme/app', role: 'admin' } },
]
export const ROBOTS: ReadonlyArray<{ short: string; grants: Grant[] }> = [
  { short: 'ci', grants: [{ target: 'acme/*', role: 'write' }] },
  { short: 'boss', grants: [{ target: 'acme/*', role: 'admin' }] },
]
/** Personal access tokens of every user: each action set on each target set. */
export const PAT_ACTIONS: ReadonlyArray<readonly Action[]> = [['pull', 'push', 'delete', 'admin'], ['pull'], ['pull', 'push'], ['admin'], ['pull', 'admin']]
export const PAT_TARGETS: ReadonlyArray<readonly string[]> = [['*'], ['acme/*'], ['acme/app']]
/** Teams every org has for the matrix: crew (member bystander) and grantee (no members). */
export const CREW_GRANT = (org: string): Grant => ({ target: `${org}/*`, role: 'read' })

export const password = (user: string): string => `pw-${user}-long-enough`
export const basic = (user: string, secret: string): string => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`

export interface Res {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

export interface Req {
  readonly method: string
  readonly path: string
  readonly body?: string | Buffer
  readonly contentType?: string
  readonly authorization?: string
}

/** A caller of the matrix with what it sends: Basic credentials (API) and a registry token (/v2). */
export interface MatrixCaller extends Caller {
  readonly basic?: string
  bearer?: string
}

export interface World {
  readonly app: FastifyInstance
  readonly store: SqliteStore
  readonly url: string
  readonly callers: MatrixCaller[]
  readonly v1: Record<string, { manifest: string; digest: string; config: string; layer: string }>
  send(req: Req): Promise<Res>
  /** Sends as root (password) and fails on an unexpected status. */
  root(method: string, path: string, body?: unknown, expect?: readonly number[]): Promise<Res>
  /** A registry token for root with every action on every matrix repository. */
  rootBearer(): Promise<string>
  /** A fresh personal access token of `user` (created with the user's password). */
  newPat(user: string, actions: readonly Action[], targets: readonly string[]): Promise<{ id: string; token: string }>
  /** Pushes a manifest unique to `seed` into `repo` (as root); returns its digest. */
  pushUniqueManifest(repo: string, seed: string): Promise<string>
  /** Pushes a blob unique to `seed` into `repo` (as root); returns its digest. */
  pushUniqueBlob(repo: string, seed: string): Promise<string>
  /** Starts an upload in `repo` with a registry token; returns its path (/v2/…/blobs/uploads/<id>). */
  startUpload(repo: string, authorization: string): Promise<string>
  /** Registry tokens for every caller, with every action asked for on every matrix repository. */
  refreshBearers(): Promise<void>
  /** Puts the cheap password hashes back (after the API rehashed a password at full cost). */
  cheapenPasswords(): Promise<void>
  close(): Promise<void>
}

function ensure(res: Res, expect: readonly number[], what: string): Res {
  if (!expect.includes(res.status)) throw new Error(`setup ${what}: ${res.status} ${res.text.slice(0, 300)}`)
  return res
}

function imageOf(repo: string, seed: string): { config: string; layer: string } {
  return { config: `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"seed":"${repo}:${seed}"}`, layer: `layer of ${repo}:${seed}` }
}

function manifestOf(config: string, layer: string, annotation?: string): string {
  return JSON.stringify({
    schemaVersion: 2, mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: digestOf(config), size: Buffer.byteLength(config) },
    layers: [{ mediaType: MediaType.ociLayerGzip, digest: digestOf(layer), size: Buffer.byteLength(layer) }],
    ...(annotation ? { annotations: { seed: annotation } } : {}),
  })
}

export async function startWorld(): Promise<World> {
  const dataDir = await mkdtemp(join(tmpdir(), 'drydock-matrix-'))
  const config: RegistryConfig = {
    ...DEFAULT_CONFIG,
    storage: { dataDir },
    log: { level: 'silent' },
    // Every caller comes from 127.0.0.1: thousands of logins must not trip the per-address backoff.
    auth: { ...DEFAULT_CONFIG.auth, mode: 'on', lockoutThreshold: 1_000_000 },
    // Upload rows leave sessions open; their count limits are not what is under test (0 = unlimited).
    limits: { ...DEFAULT_CONFIG.limits, maxOpenUploads: { total: 0, perRepository: 0, perPrincipal: 0 } },
    // No advisory DB: queued scans end FAILED at once; the routes are what is under test.
    scanning: { ...DEFAULT_SCANNING },
    // A default lifecycle policy everywhere, so an allowed lifecycle preview answers 200 (not "no policy").
    repositories: { defaults: Object.fromEntries(['acme', 'alice', 'other'].map((ns) => [ns, { lifecyclePolicy: MATRIX_LIFECYCLE_POLICY }])), templates: {} },
    // Images named on this host are checked by the admission rows (admission-operations.ts).
    admission: { ...DEFAULT_ADMISSION, registryHosts: [MATRIX_REGISTRY_HOST] },
    // GET /metrics in both opt-in modes, bearer token and admin (metrics-rows.ts).
    metrics: MATRIX_METRICS_CONFIG,
  }
  const store = new SqliteStore(join(dataDir, 'metadata.db'))
  const app = buildApp(config, { store, driver: new FilesystemDriver(join(dataDir, 'storage')) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const send = async (req: Req): Promise<Res> => {
    const headers: Record<string, string> = {}
    if (req.authorization) headers['authorization'] = req.authorization
    if (req.body !== undefined) headers['content-type'] = req.contentType ?? 'application/json'
    const res = await fetch(`${url}${req.path}`, { method: req.method, headers, ...(req.body !== undefined ? { body: req.body } : {}) })
    return { status: res.status, headers: res.headers, text: req.method === 'HEAD' ? '' : await res.text() }
  }
  const rootAuth = basic('root', password('root'))
  const root = async (method: string, path: string, body?: unknown, expect: readonly number[] = [200, 201, 202, 204]) =>
    ensure(await send({ method, path, authorization: rootAuth, ...(body === undefined ? {} : { body: JSON.stringify(body) }) }), expect, `${method} ${path}`)

  const seeded = [...USERS.map((u) => u.name), 'bystander', 'victim2']
  for (const name of seeded) {
    const admin = USERS.find((u) => u.name === name)?.admin ?? false
    await store.auth.users.create({ name, passwordHash: await hashPassword(password(name), CHEAP_SCRYPT), admin, createdAt: new Date() })
  }

  const scopes = [...REPOS.map((r) => `repository:${r}:pull,push,delete`), 'registry:catalog:*']
  const tokenFor = async (authorization: string | undefined): Promise<string> => {
    const q = new URLSearchParams({ service: config.auth.service })
    for (const s of scopes) q.append('scope', s)
    const res = ensure(await send({ method: 'GET', path: `/token?${q.toString()}`, ...(authorization ? { authorization } : {}) }), [200], 'token')
    return `Bearer ${(JSON.parse(res.text) as { token: string }).token}`
  }
  let rootBearerValue: string | undefined
  const rootBearer = async () => (rootBearerValue ??= await tokenFor(rootAuth))

  for (const org of ORGS) {
    await root('POST', '/api/v1/orgs', { name: org })
    for (const team of ['crew', 'grantee']) await root('POST', `/api/v1/orgs/${org}/teams`, { name: team })
    await root('PUT', `/api/v1/orgs/${org}/teams/crew/grants`, CREW_GRANT(org))
    await root('PUT', `/api/v1/orgs/${org}/teams/crew/members/bystander`)
  }
  for (const u of USERS) {
    if (!u.grant) continue
    await root('POST', '/api/v1/orgs/acme/teams', { name: `team-${u.name}` })
    await root('PUT', `/api/v1/orgs/acme/teams/team-${u.name}/grants`, u.grant)
    await root('PUT', `/api/v1/orgs/acme/teams/team-${u.name}/members/${u.name}`)
  }
  for (const r of PUBLIC) await root('PUT', '/api/v1/visibility', { repository: r, public: true })

  const v1: World['v1'] = {}
  const pushBlob = async (repo: string, content: string): Promise<string> => {
    const digest = digestOf(content)
    ensure(await send({ method: 'POST', path: `/v2/${repo}/blobs/uploads/?digest=${digest}`, body: content, contentType: 'application/octet-stream', authorization: await rootBearer() }), [201], `blob ${repo}`)
    return digest
  }
  const pushManifest = async (repo: string, ref: string, manifest: string): Promise<string> => {
    ensure(await send({ method: 'PUT', path: `/v2/${repo}/manifests/${ref}`, body: manifest, contentType: MediaType.ociManifest, authorization: await rootBearer() }), [201], `manifest ${repo}`)
    return digestOf(manifest)
  }
  for (const repo of REPOS) {
    const { config: cfg, layer } = imageOf(repo, 'v1')
    await pushBlob(repo, cfg)
    await pushBlob(repo, layer)
    const manifest = manifestOf(cfg, layer)
    v1[repo] = { manifest, digest: await pushManifest(repo, 'v1', manifest), config: digestOf(cfg), layer: digestOf(layer) }
  }

  const newPat = async (user: string, actions: readonly Action[], targets: readonly string[]) => {
    const res = ensure(await send({
      method: 'POST', path: '/api/v1/tokens', authorization: basic(user, password(user)),
      body: JSON.stringify({ actions, targets, expiresIn: 3600, description: 'matrix' }),
    }), [201], `token of ${user}`)
    return JSON.parse(res.text) as { id: string; token: string }
  }

  const callers: MatrixCaller[] = [{ label: 'anonymous', owner: { kind: 'anonymous', name: 'anonymous', admin: false, grants: [] }, via: 'none' }]
  for (const u of USERS) {
    const owner: Owner = { kind: 'user', name: u.name, admin: u.admin, grants: u.grant ? [u.grant] : [] }
    callers.push({ label: `${u.name} (password)`, owner, via: 'password', basic: basic(u.name, password(u.name)) })
    const login = JSON.parse(ensure(await send({ method: 'POST', path: '/api/v1/login-password', authorization: basic(u.name, password(u.name)) }), [201], 'login-password').text) as { password: string }
    const loginId = login.password.split('_')[1] ?? ''
    callers.push({ label: `${u.name} (login password)`, owner, via: 'login', basic: basic(u.name, login.password), limits: { id: loginId, actions: ['pull', 'push', 'delete'], targets: ['*'] } })
    for (const actions of PAT_ACTIONS) {
      for (const targets of PAT_TARGETS) {
        const pat = await newPat(u.name, actions, targets)
        callers.push({ label: `${u.name} PAT [${actions.join(',')}] on [${targets.join(',')}]`, owner, via: 'pat', basic: basic(u.name, pat.token), limits: { id: pat.id, actions, targets } })
      }
    }
  }
  for (const r of ROBOTS) {
    const res = await root('POST', '/api/v1/orgs/acme/robots', { name: r.short, grants: r.grants })
    const { name, secret } = JSON.parse(res.text) as { name: string; secret: string }
    callers.push({ label: `${name} (robot)`, owner: { kind: 'robot', name, admin: false, grants: r.grants }, via: 'password', basic: basic(name, secret) })
  }

  const world: World = {
    app, store, url, callers, v1, send, root, rootBearer, newPat,
    pushUniqueManifest: async (repo, seed) => pushManifest(repo, `u-${seed}`, manifestOf(imageOf(repo, 'v1').config, imageOf(repo, 'v1').layer, seed)),
    pushUniqueBlob: (repo, seed) => pushBlob(repo, `unique blob ${seed}`),
    startUpload: async (repo, authorization) => {
      const res = ensure(await send({ method: 'POST', path: `/v2/${repo}/blobs/uploads/`, authorization }), [202], `upload ${repo}`)
      return new URL(res.headers.get('location') ?? '', url).pathname
    },
    refreshBearers: async () => {
      rootBearerValue = undefined
      for (const c of callers) c.bearer = await tokenFor(c.basic)
    },
    cheapenPasswords: async () => {
      for (const name of seeded) await store.auth.users.setPassword(name, await hashPassword(password(name), CHEAP_SCRYPT))
    },
    close: async () => {
      await app.close()
      await store.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
  return world
}
