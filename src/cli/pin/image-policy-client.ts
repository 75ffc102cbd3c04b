/**
 * What `drydock policy check` and `drydock pin` ask a Drydock registry about one image:
 *   1. its digest: a tag is resolved once with HEAD /v2/{name}/manifests/{tag} (token auth as
 *      every client does), so the decision and the pinned file name the same bytes;
 *   2. the gate's decision for the caller: GET /api/v1/repositories/{name}/images/{digest}/policy
 *      (GateDecision, src/registry/policy/policy-gate.ts).
 * Credentials come from the one resolver (README "Credentials"), looked up once per registry.
 *
 * An enforced policy refuses the HEAD itself (403 DENIED). HEAD answers carry no body, so the
 * refusal is fetched again with GET: the DENIED error names the digest (its detail, and the
 * details URL in its message, refusal-message.ts), and the decision is read from there like any other.
 * Failures are ExitErrors with the README's exit codes: unknown image 2, registry down 3,
 * refused credentials 4.
 */
import { isDigest, type Digest } from '../../oci/digest.ts'
import { MediaType } from '../../oci/media-types.ts'
import type { ImageReference } from '../../oci/reference.ts'
import type { GateDecision } from '../../registry/policy/policy-gate.ts'
import { parseChallenge, requestToken, basicHeader, isLoopbackHost } from '../../scanner/image/remote/registry-auth.ts'
import { apiAuthorization, missingCredentialsHint, registryCredentials, resolveCredential, type Credential, type CredentialFlags } from '../credentials/resolve-credentials.ts'
import { EXIT, ExitError } from '../exit-codes.ts'

const MANIFEST_ACCEPT = [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList].join(', ')
/** A GateDecision is small; anything larger is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024
const TIMEOUT_MS = 60_000

export interface CheckedImage {
  /** `host/name@digest`: what was judged and what a pinned file names. */
  readonly reference: string
  readonly digest: Digest
  readonly decision: GateDecision
}

export class ImagePolicyClient {
  readonly #origin: string
  readonly #host: string
  readonly #flags: CredentialFlags
  #credential: Promise<Credential | undefined> | undefined
  readonly #tokens = new Map<string, string>()

  /** `origin` is the registry's URL (`https://registry.example.com`). */
  constructor(origin: string, flags: CredentialFlags = {}) {
    this.#origin = origin.replace(/\/+$/, '')
    this.#host = new URL(this.#origin).host
    this.#flags = flags
  }

  /** The scheme a host is reached with: https, or http for loopback and `--insecure`. */
  static originOf(host: string, insecure: boolean): string {
    return `${insecure || isLoopbackHost(host) ? 'http' : 'https'}://${host}`
  }

  async check(image: ImageReference): Promise<CheckedImage> {
    const digest = image.digest ?? (await this.#resolveTag(image.repository, image.tag ?? 'latest'))
    const decision = await this.#decision(image.repository, digest)
    return { reference: `${image.registry}/${image.repository}@${digest}`, digest, decision }
  }

  #credentials(): Promise<Credential | undefined> {
    // Named by URL: DRYDOCK_* credentials go to this registry when DRYDOCK_REGISTRY is unset.
    this.#credential ??= resolveCredential(this.#host, this.#flags, process.env, { registryNamedByUrl: true })
    return this.#credential
  }

  async #refused(status: number, what: string): Promise<never> {
    const c = await this.#credentials()
    const note = c ? ` (credentials from ${c.source})` : missingCredentialsHint(this.#host)
    throw new ExitError(`${what}: the registry refused access (HTTP ${status})${note}`, EXIT.unauthorized)
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) })
    } catch (err) {
      throw new ExitError(`cannot reach the registry at ${this.#origin}: ${(err as Error).message}`, EXIT.unreachable)
    }
  }

  /** A /v2 request for `repo`, answering one 401 challenge (Bearer token or Basic) with the resolved credentials. */
  async #v2(repo: string, method: string, path: string): Promise<Response> {
    const url = `${this.#origin}/v2/${repo}/${path}`
    const send = (): Promise<Response> => {
      const auth = this.#tokens.get(repo)
      return this.#fetch(url, { method, headers: { accept: MANIFEST_ACCEPT, ...(auth ? { authorization: auth } : {}) } })
    }
    let res = await send()
    if (res.status === 401 && !this.#tokens.has(repo)) {
      await res.body?.cancel()
      this.#tokens.set(repo, await this.#answerChallenge(res.headers.get('www-authenticate') ?? '', repo))
      res = await send()
    }
    return res
  }

  async #answerChallenge(header: string, repo: string): Promise<string> {
    const credentials = registryCredentials(await this.#credentials())
    const challenge = parseChallenge(header)
    if (challenge?.scheme === 'basic' && credentials && !credentials.identityToken) return basicHeader(credentials)
    if (challenge?.scheme !== 'bearer' || !challenge.params['realm']) return this.#refused(401, `${repo}`)
    let realm: URL
    try {
      realm = new URL(challenge.params['realm'])
    } catch {
      throw new ExitError(`the registry at ${this.#origin} sent an invalid token realm`, EXIT.unreachable)
    }
    if (realm.protocol !== 'https:' && !isLoopbackHost(realm.host) && realm.origin !== this.#origin) {
      throw new ExitError(`token realm ${realm.origin} is not https; credentials are not sent over plain http`, EXIT.unreachable)
    }
    let answer
    try {
      answer = await requestToken(realm, challenge.params['service'], `repository:${repo}:pull`, credentials, AbortSignal.timeout(TIMEOUT_MS))
    } catch (err) {
      throw new ExitError(`cannot reach the token realm ${realm.origin}: ${(err as Error).message}`, EXIT.unreachable)
    }
    if ('refusedStatus' in answer) return this.#refused(answer.refusedStatus, `token for ${repo}`)
    return `Bearer ${answer.token}`
  }

  async #resolveTag(repo: string, tag: string): Promise<Digest> {
    const what = `${this.#host}/${repo}:${tag}`
    const head = await this.#v2(repo, 'HEAD', `manifests/${tag}`)
    await head.body?.cancel()
    if (head.status === 200) {
      const digest = head.headers.get('docker-content-digest') ?? ''
      if (isDigest(digest)) return digest
      throw new ExitError(`${what}: the registry did not send the manifest's digest (Docker-Content-Digest)`, EXIT.unreachable)
    }
    if (head.status === 404) throw new ExitError(`${what}: no such image on ${this.#origin}`, EXIT.usage)
    if (head.status === 403) {
      const refused = await this.#digestOfRefusal(repo, tag)
      if (refused) return refused
    }
    if (head.status === 401 || head.status === 403 || head.status === 429) return this.#refused(head.status, what)
    throw new ExitError(`${what}: the registry answered HTTP ${head.status}`, EXIT.unreachable)
  }

  /** The digest named by a policy refusal (OCI DENIED whose message links the details page), if it is one. */
  async #digestOfRefusal(repo: string, tag: string): Promise<Digest | undefined> {
    const res = await this.#v2(repo, 'GET', `manifests/${tag}`)
    const body = await readJson(res)
    const errors = (body as { errors?: Array<{ code?: unknown; message?: unknown; detail?: { digest?: unknown } }> } | undefined)?.errors
    const denied = Array.isArray(errors) ? errors.find((e) => e.code === 'DENIED') : undefined
    if (denied === undefined) return undefined
    const fromDetail = denied.detail?.digest
    if (typeof fromDetail === 'string' && isDigest(fromDetail)) return fromDetail
    const m = /\/images\/([a-z0-9]+:[a-f0-9]+)\/policy\b/.exec(String(denied.message))
    return m?.[1] !== undefined && isDigest(m[1]) ? m[1] : undefined
  }

  async #decision(repo: string, digest: Digest): Promise<GateDecision> {
    const what = `${this.#host}/${repo}@${digest}`
    const c = await this.#credentials()
    const res = await this.#fetch(`${this.#origin}/api/v1/repositories/${repo}/images/${digest}/policy`, {
      headers: { accept: 'application/json', ...(c ? { authorization: apiAuthorization(c) } : {}) },
    })
    if (res.status === 401 || res.status === 403 || res.status === 429) {
      await res.body?.cancel()
      return this.#refused(res.status, what)
    }
    const body = await readJson(res)
    if (res.status === 404) {
      const message = (body as { errors?: Array<{ message?: unknown }> } | undefined)?.errors?.[0]?.message
      throw new ExitError(`${what}: ${typeof message === 'string' ? message : 'not found'} (HTTP 404)`, EXIT.usage)
    }
    if (res.status !== 200 || !isGateDecision(body)) {
      throw new ExitError(`${what}: the registry's policy API answered HTTP ${res.status}${res.status === 200 ? ' with something that is not a decision' : ''}`, EXIT.unreachable)
    }
    if (body.digest !== digest) throw new ExitError(`${what}: the registry answered for another digest (${body.digest})`, EXIT.unreachable)
    return body
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '')
  if (text.length > MAX_ANSWER_BYTES) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function isGateDecision(v: unknown): v is GateDecision {
  const d = v as Partial<GateDecision> | undefined
  return typeof d === 'object' && d !== null && typeof d.repository === 'string' && typeof d.digest === 'string' &&
    (d.decision === 'allow' || d.decision === 'deny' || d.decision === 'audit-deny')
}
