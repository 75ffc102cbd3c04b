/**
 * The admission webhook tests' set-up. A kube-apiserver cannot run here, so the tests play its
 * part: they POST the AdmissionReview documents it would send (admission.k8s.io/v1), over HTTPS
 * with the CA it would be given (caBundle), authenticating as the Drydock robot it would be
 * configured with. Everything else is real: the registry app on SQLite and the filesystem in a
 * temp dir, serving TLS with a certificate made by openssl, images pushed with skopeo, access
 * control on, and the deploy gate over a StaticPolicySource the tests change.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { RepositoryName } from '../../src/oci/reference.ts'
import { DEFAULT_ADMISSION, type AdmissionConfig } from '../../src/registry/admission/admission-config.ts'
import { buildApp } from '../../src/registry/app.ts'
import { DEFAULT_CONFIG, type RegistryConfig } from '../../src/registry/config/config.ts'
import { SqliteStore } from '../../src/registry/metadata/sqlite/sqlite-store.ts'
import { StaticPolicySource } from '../../src/registry/policy/policy-source.ts'
import { FilesystemDriver } from '../../src/registry/storage/filesystem/filesystem-driver.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { freePort } from '../../src/testkit/start-drydock.ts'

export const ADMIN = { user: 'boss', password: 'boss-password-long-1' }
/** The second name clusters use for this registry (an in-cluster DNS name, say). */
export const ALIAS = 'Drydock.Example.com'

export interface WebhookServer {
  readonly app: FastifyInstance
  /** `https://127.0.0.1:PORT` */
  readonly url: string
  /** `127.0.0.1:PORT`, one of admission.registryHosts. */
  readonly host: string
  readonly ca: Buffer
  readonly caFile: string
  readonly source: StaticPolicySource
  readonly store: SqliteStore
  /** `Basic …` of the robot the apiserver authenticates as (pull on acme/*). */
  readonly robotAuth: string
  readonly adminAuth: string
  /** skopeo copy of a test image (oci layout name:tag) to REPO:TAG; returns its digest. */
  push(image: string, repoTag: string): Promise<string>
  close(): Promise<void>
}

export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`
}

export async function startWebhookServer(opts: { admission?: Partial<AdmissionConfig>; auth?: boolean } = {}): Promise<WebhookServer> {
  requireTestdata()
  const dir = await mkdtemp(join(tmpdir(), 'drydock-admission-'))
  const tls = makeServingCert(dir)
  const port = await freePort()
  const host = `127.0.0.1:${port}`
  const withAuth = opts.auth !== false
  const config: RegistryConfig = {
    ...DEFAULT_CONFIG,
    server: { ...DEFAULT_CONFIG.server, listen: host, tls },
    storage: { dataDir: join(dir, 'data') },
    log: { level: 'silent' },
    auth: withAuth ? { ...DEFAULT_CONFIG.auth, mode: 'on', bootstrapAdmin: ADMIN } : { ...DEFAULT_CONFIG.auth, mode: 'off' },
    admission: { ...DEFAULT_ADMISSION, registryHosts: [host, ALIAS.toLowerCase()], ...opts.admission },
  }
  const store = new SqliteStore(join(dir, 'metadata.db'))
  const source = new StaticPolicySource([])
  const app = buildApp(config, { store, driver: new FilesystemDriver(join(dir, 'data', 'storage')), policySource: source })
  await app.listen({ host: '127.0.0.1', port })
  const adminAuth = basic(ADMIN.user, ADMIN.password)
  let robotAuth = ''
  if (withAuth) {
    const setup = async (url: string, body: unknown): Promise<Record<string, unknown>> => {
      const res = await app.inject({ method: 'POST', url, headers: { authorization: adminAuth, 'content-type': 'application/json' }, payload: JSON.stringify(body) })
      assert.equal(res.statusCode, 201, res.body)
      return JSON.parse(res.body) as Record<string, unknown>
    }
    await setup('/api/v1/orgs', { name: 'acme' })
    const robot = await setup('/api/v1/orgs/acme/robots', { name: 'kube', grants: [{ target: 'acme/*', role: 'read' }] })
    robotAuth = basic(String(robot['name']), String(robot['secret']))
  }
  const skopeo: Skopeo = await createSkopeo()
  return {
    app, url: `https://${host}`, host, ca: await readFile(tls.certFile), caFile: tls.certFile, source, store, robotAuth, adminAuth,
    push: async (image, repoTag) => {
      await skopeo.copy(`oci:${join(IMAGES_DIR, image)}`, `docker://${host}/${repoTag}`, withAuth ? { creds: `${ADMIN.user}:${ADMIN.password}` } : {})
      const [repo, tag] = repoTag.split(':') as [string, string]
      const digest = await store.tags.resolve(repo as RepositoryName, tag as never)
      assert.ok(digest, `${repoTag} was pushed`)
      return digest
    },
    close: async () => {
      await app.close()
      await store.close()
      await skopeo.dispose()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * A self-signed serving certificate for 127.0.0.1 made by the real openssl. The apiserver (Go's
 * TLS) checks the subjectAltName only, never the CN, so the certificate carries one, as a real
 * webhook certificate must (docs/admission.md).
 */
export function makeServingCert(dir: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'webhook.crt')
  const keyFile = join(dir, 'webhook.key')
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=drydock-webhook', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'pipe' })
  return { certFile, keyFile }
}

export interface HttpsAnswer {
  readonly status: number
  readonly body: string
  json<T = Record<string, unknown>>(): T
}

/** One HTTPS POST that trusts only the server's own certificate, as the apiserver does with caBundle. */
export function post(server: WebhookServer, path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${server.url}${path}`, {
      method: 'POST', ca: server.ca, timeout: 30_000,
      headers: { 'content-type': 'application/json', ...headers },
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({ status: res.statusCode ?? 0, body: text, json: <T>() => JSON.parse(text) as T })
      })
    })
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    req.end(body)
  })
}

export interface ReviewAnswer {
  readonly uid: string
  readonly allowed: boolean
  readonly status?: { code: number; message: string }
  readonly warnings?: string[]
  readonly patchType?: string
  readonly patch?: string
}

let uids = 0
export function review(object: Record<string, unknown>, request: Record<string, unknown> = {}): Record<string, unknown> {
  const kind = String(object['kind'])
  const [group, version] = String(object['apiVersion']).includes('/') ? String(object['apiVersion']).split('/') : ['', String(object['apiVersion'])]
  return {
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: {
      uid: `705ab4f5-6393-11e8-b7cc-42010a8000${String(++uids).padStart(2, '0')}`,
      kind: { group, version, kind }, resource: { group, version, resource: `${kind.toLowerCase()}s` },
      requestKind: { group, version, kind }, requestResource: { group, version, resource: `${kind.toLowerCase()}s` },
      name: 'demo', namespace: 'shop', operation: 'CREATE',
      userInfo: { username: 'admin', uid: '014fbff9a07c', groups: ['system:authenticated'] },
      object, oldObject: null, dryRun: false, options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
      ...request,
    },
  }
}

/** POSTs an AdmissionReview as the apiserver's robot and returns its `response` (checking the envelope and uid). */
export async function admit(server: WebhookServer, mode: 'validate' | 'mutate', body: Record<string, unknown>, auth = server.robotAuth): Promise<ReviewAnswer> {
  const res = await post(server, `/admission/${mode}`, JSON.stringify(body), auth === '' ? {} : { authorization: auth })
  assert.equal(res.status, 200, res.body)
  const answer = res.json<{ apiVersion: string; kind: string; response: ReviewAnswer }>()
  assert.equal(answer.apiVersion, 'admission.k8s.io/v1')
  assert.equal(answer.kind, 'AdmissionReview')
  assert.equal(answer.response.uid, (body['request'] as { uid: string }).uid)
  return answer.response
}

/** RFC 6901: the tokens of a pointer, unescaped. */
function tokens(pointer: string): string[] {
  assert.ok(pointer.startsWith('/'), `pointer ${pointer}`)
  return pointer.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))
}

/**
 * Applies an RFC 6902 document as the apiserver would, for the operations a pinning patch may
 * use (`replace`, `test`): the target must exist, anything else fails the test.
 */
export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  assert.ok(Array.isArray(patch), 'a JSONPatch is a JSON array')
  const copy = structuredClone(document)
  for (const op of patch as Record<string, unknown>[]) {
    assert.ok(op['op'] === 'replace' || op['op'] === 'test', `unexpected op ${String(op['op'])}`)
    const path = tokens(String(op['path']))
    const last = path.pop() as string
    const parent = path.reduce<unknown>((node, t) => {
      assert.ok(typeof node === 'object' && node !== null && Object.hasOwn(node, t), `${String(op['path'])} exists`)
      return (node as Record<string, unknown>)[t]
    }, copy) as Record<string, unknown>
    assert.ok(typeof parent === 'object' && parent !== null && Object.hasOwn(parent, last), `${String(op['path'])} exists`)
    if (op['op'] === 'test') assert.deepEqual(parent[last], op['value'])
    else parent[last] = op['value']
  }
  return copy
}

export function decodePatch(answer: ReviewAnswer): unknown {
  assert.equal(answer.patchType, 'JSONPatch')
  assert.ok(answer.patch, 'a patch')
  assert.match(answer.patch, /^[A-Za-z0-9+/]*={0,2}$/, 'the patch is base64')
  return JSON.parse(Buffer.from(answer.patch, 'base64').toString('utf8')) as unknown
}

/** Every kind the webhook configuration sends, as the apiserver would: apiVersion, kind and the pod spec in place. */
export const WORKLOAD_API: Readonly<Record<string, string>> = {
  Pod: 'v1', PodTemplate: 'v1', ReplicationController: 'v1',
  Deployment: 'apps/v1', ReplicaSet: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1',
  Job: 'batch/v1', CronJob: 'batch/v1',
}

export function workload(kind: string, spec: Record<string, unknown>): Record<string, unknown> {
  const metadata = { name: 'demo', namespace: 'shop', labels: { app: 'demo' } }
  const template = { metadata: { labels: { app: 'demo' } }, spec: { restartPolicy: kind === 'Job' || kind === 'CronJob' ? 'Never' : 'Always', ...spec } }
  const selector = { matchLabels: { app: 'demo' } }
  const base = { apiVersion: WORKLOAD_API[kind], kind, metadata }
  switch (kind) {
    case 'Pod':
      return { ...base, spec: template.spec }
    case 'PodTemplate':
      return { ...base, template }
    case 'Job':
      return { ...base, spec: { backoffLimit: 1, template } }
    case 'CronJob':
      return { ...base, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } } }
    case 'StatefulSet':
      return { ...base, spec: { serviceName: 'demo', replicas: 1, selector, template } }
    case 'ReplicationController':
      return { ...base, spec: { replicas: 1, selector: { app: 'demo' }, template } }
    default:
      return { ...base, spec: { replicas: 1, selector, template } }
  }
}
