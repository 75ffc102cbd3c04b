/**
 * The registry operations signing and verification need: resolve a tag, read small manifests and
 * blobs (bounded, digest-checked), push blobs and manifests, list referrers. The scanner's
 * RegistryClient (src/scanner/image/remote) only reads, so this one adds writes; it reuses its
 * auth helpers (bearer/basic challenges, loopback detection).
 *
 * Nothing the registry says is trusted without checking: manifest and blob digests are computed
 * from the bytes received, never taken from Docker-Content-Digest. Plain http is used only for
 * loopback hosts or with `insecure`; credentials are never logged.
 */
import { digestOf, isDigest, type Digest } from '../../oci/digest.ts'
import { MediaType } from '../../oci/media-types.ts'
import { basicHeader, isLoopbackHost, parseChallenge, requestToken, type RegistryCredentials, type TokenAnswer } from '../../scanner/image/remote/registry-auth.ts'
import { TrustError } from '../trust-errors.ts'
import { readBounded } from './read-bounded.ts'
import { parseStrictJson } from '../../oci/strict-json.ts'
import { MANIFEST_SHAPE } from '../../oci/go-json-shapes.ts'

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024

const MANIFEST_ACCEPT = [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList].join(', ')

export interface TrustRegistryClientOptions {
  /** host[:port] */
  readonly registry: string
  readonly insecure?: boolean
  readonly credentials?: RegistryCredentials
}

export interface FetchedManifest {
  readonly digest: Digest
  readonly mediaType: string
  readonly bytes: Buffer
}

export interface ReferrersResult {
  /** False when the registry has no referrers API (404 on /referrers). */
  readonly supported: boolean
  readonly manifests: readonly { readonly digest: Digest; readonly mediaType: string; readonly artifactType?: string }[]
}

/**
 * The read side that verification needs. The CLI passes a TrustRegistryClient; the registry
 * implements it in-process over its own services (src/registry/trust/registry-trust-reader.ts).
 */
export type TrustRegistryReader = Pick<TrustRegistryClient, 'getManifest' | 'getBlob' | 'listReferrers'>

export class TrustRegistryClient {
  readonly registry: string
  readonly #base: string
  readonly #credentials: RegistryCredentials | undefined
  readonly #tokens = new Map<string, string>()

  constructor(opts: TrustRegistryClientOptions) {
    this.registry = opts.registry
    const plain = opts.insecure === true || isLoopbackHost(opts.registry)
    this.#base = `${plain ? 'http' : 'https'}://${opts.registry === 'docker.io' ? 'registry-1.docker.io' : opts.registry}`
    this.#credentials = opts.credentials
  }

  /** Fetches a manifest by tag or digest; undefined on 404. The digest is computed from the bytes. */
  async getManifest(repo: string, reference: string): Promise<FetchedManifest | undefined> {
    const res = await this.#send(repo, 'GET', `${repo}/manifests/${reference}`, { accept: MANIFEST_ACCEPT })
    if (res.status === 404) return undefined
    await this.#expect(res, [200], `get manifest ${repo}:${reference}`)
    const bytes = await readBounded(res, MAX_MANIFEST_BYTES, `manifest ${repo}:${reference}`)
    const digest = digestOf(bytes)
    if (isDigest(reference) && reference !== digest) {
      throw new TrustError('REGISTRY', `registry returned a manifest whose digest ${digest} is not the requested ${reference}`)
    }
    const mediaType = mediaTypeOf(bytes) ?? res.headers.get('content-type') ?? MediaType.ociManifest
    return { digest, mediaType, bytes }
  }

  /** Reads a small blob fully, refusing more than `maxBytes` and checking its digest. */
  async getBlob(repo: string, digest: Digest, maxBytes: number): Promise<Buffer> {
    const res = await this.#send(repo, 'GET', `${repo}/blobs/${digest}`, {})
    await this.#expect(res, [200], `get blob ${digest}`)
    const bytes = await readBounded(res, maxBytes, `blob ${digest}`)
    if (digestOf(bytes, digest.startsWith('sha512:') ? 'sha512' : 'sha256') !== digest) {
      throw new TrustError('REGISTRY', `blob ${digest} from the registry does not match its digest`)
    }
    return bytes
  }

  /** Uploads a blob (monolithic POST + PUT) unless the registry already has it. */
  async pushBlob(repo: string, bytes: Uint8Array): Promise<Digest> {
    const digest = digestOf(bytes)
    const head = await this.#send(repo, 'HEAD', `${repo}/blobs/${digest}`, {})
    await head.body?.cancel()
    if (head.status === 200) return digest
    const start = await this.#send(repo, 'POST', `${repo}/blobs/uploads/`, { 'content-length': '0' })
    await this.#expect(start, [202], `start upload to ${repo}`)
    const location = start.headers.get('location')
    if (!location) throw new TrustError('REGISTRY', 'registry started an upload without a Location')
    const url = new URL(location, `${this.#base}/`)
    url.searchParams.set('digest', digest)
    const put = await this.#send(repo, 'PUT', url.toString(), { 'content-type': 'application/octet-stream' }, bytes)
    await this.#expect(put, [201], `upload blob ${digest} to ${repo}`)
    await put.body?.cancel()
    return digest
  }

  async putManifest(repo: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<Digest> {
    const res = await this.#send(repo, 'PUT', `${repo}/manifests/${reference}`, { 'content-type': mediaType }, bytes)
    await this.#expect(res, [201], `push manifest ${repo}:${reference}`)
    await res.body?.cancel()
    return digestOf(bytes)
  }

  /** GET /v2/<repo>/referrers/<digest>; `supported: false` when the API is absent (404). */
  async listReferrers(repo: string, digest: Digest, artifactType?: string): Promise<ReferrersResult> {
    const q = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : ''
    const res = await this.#send(repo, 'GET', `${repo}/referrers/${digest}${q}`, { accept: MediaType.ociIndex })
    if (res.status === 404) {
      await res.body?.cancel()
      return { supported: false, manifests: [] }
    }
    await this.#expect(res, [200], `list referrers of ${digest}`)
    const bytes = await readBounded(res, MAX_MANIFEST_BYTES, `referrers of ${digest}`)
    let index: { manifests?: unknown }
    try {
      index = parseStrictJson(bytes, { shape: MANIFEST_SHAPE }) as { manifests?: unknown }
    } catch (err) {
      throw new TrustError('REGISTRY', `referrers response is not a valid JSON index: ${(err as Error).message}`)
    }
    const list = Array.isArray(index.manifests) ? index.manifests : []
    const manifests = list.flatMap((m: { digest?: unknown; mediaType?: unknown; artifactType?: unknown }) =>
      typeof m === 'object' && m !== null && typeof m.digest === 'string' && isDigest(m.digest)
        ? [{ digest: m.digest, mediaType: typeof m.mediaType === 'string' ? m.mediaType : MediaType.ociManifest, ...(typeof m.artifactType === 'string' ? { artifactType: m.artifactType } : {}) }]
        : [],
    )
    return { supported: true, manifests }
  }

  async #send(repo: string, method: string, pathOrUrl: string, headers: Record<string, string>, body?: Uint8Array): Promise<Response> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.#base}/v2/${pathOrUrl}`
    const scope = `repository:${repo}:pull,push`
    const attempt = async (): Promise<Response> => {
      const auth = this.#tokens.get(scope)
      try {
        return await fetch(url, { method, headers: { ...headers, ...(auth ? { authorization: auth } : {}) }, ...(body ? { body } : {}), redirect: 'follow' })
      } catch (err) {
        throw new TrustError('REGISTRY', `cannot reach ${this.#base}`, { cause: err })
      }
    }
    let res = await attempt()
    if (res.status === 401 && !this.#tokens.has(scope)) {
      await res.body?.cancel()
      this.#tokens.set(scope, await this.#answer(res.headers.get('www-authenticate') ?? '', scope))
      res = await attempt()
    }
    return res
  }

  async #answer(header: string, scope: string): Promise<string> {
    const c = parseChallenge(header)
    if (c?.scheme === 'basic' && this.#credentials && !this.#credentials.identityToken) return basicHeader(this.#credentials)
    if (c?.scheme !== 'bearer' || !c.params['realm']) {
      throw new TrustError('UNAUTHORIZED', `registry ${this.registry} requires authentication we cannot provide${this.#credentials ? '' : ' (no credentials found)'}`)
    }
    const realm = new URL(c.params['realm'])
    if (realm.protocol !== 'https:' && !isLoopbackHost(realm.host)) throw new TrustError('REGISTRY', `token realm ${realm.origin} is not https`)
    let answer: TokenAnswer
    try {
      answer = await requestToken(realm, c.params['service'], scope, this.#credentials)
    } catch (err) {
      throw new TrustError('REGISTRY', `cannot reach token realm ${realm.origin}`, { cause: err })
    }
    if ('refusedStatus' in answer) {
      const why = this.#credentials ? 'refused the credentials' : 'refused the request; no credentials found'
      throw new TrustError('UNAUTHORIZED', `token realm ${realm.origin} ${why} (HTTP ${answer.refusedStatus})`)
    }
    return `Bearer ${answer.token}`
  }

  async #expect(res: Response, ok: readonly number[], what: string): Promise<void> {
    if (ok.includes(res.status)) return
    const text = (await res.text().catch(() => '')).slice(0, 300)
    const code = res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : 'REGISTRY'
    throw new TrustError(code, `${what}: registry ${this.registry} answered HTTP ${res.status} ${text}`)
  }
}

function mediaTypeOf(bytes: Buffer): string | undefined {
  try {
    const mt = (parseStrictJson(bytes, { shape: MANIFEST_SHAPE }) as { mediaType?: unknown }).mediaType
    return typeof mt === 'string' ? mt : undefined
  } catch {
    return undefined
  }
}
