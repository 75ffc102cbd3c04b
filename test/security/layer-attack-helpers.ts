/**
 * Shared by the layer attack tests (layer-cache-poisoning, hardlink-amplification): a real
 * `drydock serve` with scan on push and access control, users made through the management API,
 * and a client that pushes hand-built layers and configs the way an attacker would (the token
 * flow, then plain /v2 requests), so nothing in between can clean the input up.
 */
import { digestOf, type Digest } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import type { RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { startScanServer } from '../scan-on-push/scan-on-push-fixture.ts'

export interface Credentials { readonly user: string; readonly secret: string }

export const ADMIN: Credentials = { user: 'boss', secret: 'boss-password-long-1' }

export const basic = (c: Credentials): string => `Basic ${Buffer.from(`${c.user}:${c.secret}`).toString('base64')}`

export interface AttackServer {
  readonly drydock: RunningDrydock
  close(): Promise<void>
}

/** Drydock with scan on push for every repository and access control on (a bootstrap admin). */
export async function startAttackServer(scanning: Record<string, unknown> = {}): Promise<AttackServer> {
  return startScanServer(scanning, ['--auth', 'on'], { env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.secret } })
}

/** Creates a user (as the admin); the user then has push on `<user>/…` and nothing else. */
export async function createUser(base: string, c: Credentials): Promise<void> {
  const res = await fetch(`${base}/api/v1/users`, {
    method: 'POST', headers: { authorization: basic(ADMIN), 'content-type': 'application/json' },
    body: JSON.stringify({ name: c.user, password: c.secret }),
  })
  if (res.status !== 201) throw new Error(`create user ${c.user}: ${res.status} ${await res.text()}`)
}

/** What the findings API answers, parsed (non-JSON bodies as `text`). */
export async function apiGet(base: string, c: Credentials, path: string): Promise<{ status: number; text: string; body: Record<string, any> | undefined }> {
  const res = await fetch(`${base}/api/v1/repositories/${path}`, { headers: { authorization: basic(c) } })
  const text = await res.text()
  let body: Record<string, any> | undefined
  try {
    body = JSON.parse(text) as Record<string, any>
  } catch {
    body = undefined
  }
  return { status: res.status, text, body }
}

/** Polls scan-findings as `c` until the scan is final; returns the findings body. */
export async function waitForFinalScan(base: string, c: Credentials, repo: string, ref: string, timeoutMs = 240_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    const r = await apiGet(base, c, `${repo}/images/${encodeURIComponent(ref)}/scan-findings`)
    last = `${r.status} ${r.text.slice(0, 500)}`
    const status = r.body?.['imageScanStatus']?.status as string | undefined
    if (r.status === 200 && status !== 'PENDING' && status !== 'IN_PROGRESS') return r.body as Record<string, any>
    if (r.status !== 200 && r.status !== 404) throw new Error(`scan-findings answered ${last}`)
    await new Promise((res) => setTimeout(res, 100))
  }
  throw new Error(`scan of ${repo}:${ref} not final within ${timeoutMs} ms; last: ${last}`)
}

export interface Blob { readonly mediaType: string; readonly digest: Digest; readonly size: number }

/** A /v2 client for one user and one repository (pull,push token from /token). */
export class PushClient {
  readonly #base: string
  readonly #repo: string
  readonly #auth: string

  constructor(base: string, repo: string, auth: string) {
    this.#base = base
    this.#repo = repo
    this.#auth = auth
  }

  static async login(base: string, c: Credentials, repo: string): Promise<PushClient> {
    const q = new URLSearchParams({ service: 'drydock', scope: `repository:${repo}:pull,push` })
    const res = await fetch(`${base}/token?${q.toString()}`, { headers: { authorization: basic(c) } })
    if (res.status !== 200) throw new Error(`token for ${c.user} on ${repo}: ${res.status} ${await res.text()}`)
    return new PushClient(base, repo, `Bearer ${((await res.json()) as { token: string }).token}`)
  }

  /** Monolithic upload (POST ?digest=); throws unless 201. */
  async pushBlob(data: Uint8Array, mediaType: string): Promise<Blob> {
    const digest = digestOf(data)
    const res = await fetch(`${this.#base}/v2/${this.#repo}/blobs/uploads/?digest=${digest}`, {
      method: 'POST', headers: { authorization: this.#auth, 'content-type': 'application/octet-stream' }, body: data,
    })
    if (res.status !== 201) throw new Error(`push blob to ${this.#repo}: ${res.status} ${await res.text()}`)
    return { mediaType, digest, size: data.byteLength }
  }

  /** Pushes an image config listing `diffIds` (whatever they are) and returns its descriptor. */
  async pushConfig(diffIds: readonly string[]): Promise<Blob> {
    const config = { architecture: 'amd64', os: 'linux', config: { User: '1000' }, rootfs: { type: 'layers', diff_ids: diffIds } }
    return this.pushBlob(Buffer.from(JSON.stringify(config)), MediaType.ociConfig)
  }

  /** PUTs an OCI image manifest; returns the response status and body. */
  async putManifest(tag: string, config: Blob, layers: readonly Blob[]): Promise<{ status: number; text: string }> {
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers })
    const res = await fetch(`${this.#base}/v2/${this.#repo}/manifests/${tag}`, {
      method: 'PUT', headers: { authorization: this.#auth, 'content-type': MediaType.ociManifest }, body: manifest,
    })
    return { status: res.status, text: await res.text() }
  }
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

function pseudoRandom(alphabet: string, length: number, seed: number): string {
  let x = seed >>> 0
  let out = ''
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out += alphabet[(x >>> 16) % alphabet.length]
  }
  return out
}

/**
 * `count` fake AWS credential pairs (AKIA + 16 base-32 characters, and a 40-character secret
 * access key next to it), one pair per line, as the built-in secret rules detect them.
 */
export function fakeAwsKeys(count: number, seed = 1): string {
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    lines.push(`AKIA${pseudoRandom(BASE32, 16, seed * 7919 + i)} aws_secret_access_key=${pseudoRandom(BASE64, 40, seed * 104729 + i)}`)
  }
  return `${lines.join('\n')}\n`
}
