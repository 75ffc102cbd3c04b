/**
 * A small OCI Distribution client for black-box tests: raw requests (fetch, plus node:http for
 * paths fetch would normalise) and push helpers (random blob, image, artifact). Everything is
 * read fully into memory, which is fine for the kilobyte-sized test content it is meant for.
 * Helpers assert the spec's success statuses themselves and throw with the response body when
 * the registry answers otherwise, so a failing push says why.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { digestOf, type Digest, type DigestAlgorithm } from '../oci/digest.ts'
import { MediaType } from '../oci/media-types.ts'

export interface OciResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: Buffer
  text(): string
  /** Parses the body as JSON; throws with the raw text when it is not JSON. */
  json<T = unknown>(): T
}

export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Uint8Array | string
}

export interface BlobDescriptor {
  readonly mediaType: string
  readonly digest: Digest
  readonly size: number
  readonly artifactType?: string
  readonly annotations?: Readonly<Record<string, string>>
}

export interface ImageOptions {
  /** Number of random layers (default 1). */
  readonly layers?: number
  readonly artifactType?: string
  readonly annotations?: Readonly<Record<string, string>>
  readonly subject?: BlobDescriptor
  /** Use the empty config `{}` (application/vnd.oci.empty.v1+json), as artifacts do. */
  readonly emptyConfig?: boolean
  /** Push the manifest under this reference (default: its digest). */
  readonly tag?: string
}

export interface PushedImage {
  readonly digest: Digest
  readonly bytes: Buffer
  readonly descriptor: BlobDescriptor
  readonly config: BlobDescriptor
  readonly layers: readonly BlobDescriptor[]
  /** The PUT response (for Location, OCI-Subject, ...). */
  readonly response: OciResponse
}

/** Per-request limit: a registry that does not answer fails the test instead of hanging it. */
const REQUEST_TIMEOUT_MS = 30_000

/** The empty JSON blob `{}` from the image spec ("Guidance for an Empty Descriptor"). */
export const EMPTY_JSON = Buffer.from('{}')
export const EMPTY_DESCRIPTOR: BlobDescriptor = {
  mediaType: MediaType.ociEmpty,
  digest: digestOf(EMPTY_JSON),
  size: 2,
}

/** A fresh, valid repository name so tests never share state. */
export function uniqueRepo(prefix = 'conformance'): string {
  return `${prefix}/${randomUUID().slice(0, 8)}`
}

export function randomBlob(size = 1024): Buffer {
  return randomBytes(size)
}

/** Appends query parameters to an upload Location that may already carry its own. */
export function withQuery(location: string, params: Readonly<Record<string, string>>): string {
  const u = new URL(location, 'http://placeholder.invalid')
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v)
  return location.startsWith('http') ? u.toString() : `${u.pathname}${u.search}`
}

function wrap(status: number, headers: Headers, body: Buffer): OciResponse {
  return {
    status,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: <T>() => {
      try {
        return JSON.parse(body.toString('utf8')) as T
      } catch {
        throw new Error(`expected a JSON body (status ${status}), got: ${body.toString('utf8').slice(0, 500)}`)
      }
    },
  }
}

export function describeResponse(res: OciResponse): string {
  return `${res.status} ${res.text().slice(0, 400)}`
}

export class OciClient {
  readonly baseUrl: string

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '')
  }

  /** Resolves a path or a (possibly relative) Location against the registry. */
  resolve(pathOrUrl: string): string {
    return new URL(pathOrUrl, `${this.baseUrl}/`).toString()
  }

  async request(method: string, pathOrUrl: string, opts: RequestOptions = {}): Promise<OciResponse> {
    // A hung server must fail the test, not stall the run.
    const init: RequestInit = { method, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }
    if (opts.headers) init.headers = { ...opts.headers }
    if (opts.body !== undefined) init.body = opts.body
    const res = await fetch(this.resolve(pathOrUrl), init)
    const body = Buffer.from(await res.arrayBuffer())
    return wrap(res.status, res.headers, body)
  }

  /**
   * Sends the request line exactly as given (no URL normalisation, so `..` and `%2e` reach the
   * server) with exactly the given headers. For hostile-input tests.
   */
  async raw(method: string, rawPath: string, opts: RequestOptions = {}): Promise<OciResponse> {
    const u = new URL(this.baseUrl)
    return new Promise((resolveRes, reject) => {
      const req = httpRequest(
        { host: u.hostname, port: u.port, method, path: rawPath, headers: { ...opts.headers } },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const headers = new Headers()
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v)
            }
            resolveRes(wrap(res.statusCode ?? 0, headers, Buffer.concat(chunks)))
          })
          res.on('error', reject)
        },
      )
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${rawPath}: no answer within ${REQUEST_TIMEOUT_MS} ms`)))
      req.on('error', reject)
      req.end(opts.body)
    })
  }

  /** POST /v2/<name>/blobs/uploads/ and return the session Location (202 expected). */
  async startUpload(repo: string): Promise<string> {
    const res = await this.request('POST', `/v2/${repo}/blobs/uploads/`, { headers: { 'Content-Length': '0' } })
    const loc = res.headers.get('location')
    if (res.status !== 202 || !loc) throw new Error(`start upload in ${repo}: ${describeResponse(res)}`)
    return loc
  }

  /** Pushes a blob with POST then PUT; returns its descriptor. */
  async pushBlob(repo: string, data: Uint8Array, mediaType = 'application/octet-stream', alg: DigestAlgorithm = 'sha256'): Promise<BlobDescriptor> {
    const digest = digestOf(data, alg)
    const loc = await this.startUpload(repo)
    const res = await this.request('PUT', withQuery(loc, { digest }), {
      headers: { 'Content-Type': 'application/octet-stream' },
      body: data,
    })
    if (res.status !== 201) throw new Error(`push blob ${digest} to ${repo}: ${describeResponse(res)}`)
    return { mediaType, digest, size: data.byteLength }
  }

  /** PUT a manifest; returns the response without judging it. */
  async putManifest(repo: string, reference: string, bytes: Uint8Array | string, mediaType: string = MediaType.ociManifest): Promise<OciResponse> {
    return this.request('PUT', `/v2/${repo}/manifests/${reference}`, {
      headers: { 'Content-Type': mediaType },
      body: bytes,
    })
  }

  /** Pushes config + layers + an OCI image manifest (201 expected). */
  async pushImage(repo: string, opts: ImageOptions = {}): Promise<PushedImage> {
    const config = opts.emptyConfig
      ? await this.pushBlob(repo, EMPTY_JSON, MediaType.ociEmpty)
      : await this.pushBlob(repo, Buffer.from(JSON.stringify(randomConfig())), MediaType.ociConfig)
    const layers: BlobDescriptor[] = []
    for (let i = 0; i < (opts.layers ?? 1); i++) {
      layers.push(await this.pushBlob(repo, randomBlob(512 + i), MediaType.ociLayerGzip))
    }
    const bytes = Buffer.from(JSON.stringify(imageManifest(config, layers, opts)))
    const digest = digestOf(bytes)
    const response = await this.putManifest(repo, opts.tag ?? digest, bytes)
    if (response.status !== 201) throw new Error(`push manifest to ${repo}: ${describeResponse(response)}`)
    const descriptor: BlobDescriptor = { mediaType: MediaType.ociManifest, digest, size: bytes.byteLength }
    return { digest, bytes, descriptor, config, layers, response }
  }
}

function randomConfig(): object {
  // A random label keeps every config (and so every manifest) unique.
  return { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Labels: { nonce: randomUUID() } } }
}

/** Builds an OCI image manifest object (not serialised). */
export function imageManifest(config: BlobDescriptor, layers: readonly BlobDescriptor[], opts: Pick<ImageOptions, 'artifactType' | 'annotations' | 'subject'> = {}): Record<string, unknown> {
  const m: Record<string, unknown> = { schemaVersion: 2, mediaType: MediaType.ociManifest }
  if (opts.artifactType !== undefined) m['artifactType'] = opts.artifactType
  m['config'] = config
  m['layers'] = layers
  if (opts.subject !== undefined) m['subject'] = opts.subject
  if (opts.annotations !== undefined) m['annotations'] = opts.annotations
  return m
}

/** Builds an OCI image index object (not serialised). */
export function imageIndex(manifests: readonly BlobDescriptor[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests, ...extra }
}
