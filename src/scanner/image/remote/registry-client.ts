/**
 * A minimal OCI distribution client over fetch, for reading: GET with auth negotiation (see
 * registry-auth.ts), one token per scope, cached for the client's life. https by default; plain
 * http only for loopback hosts or with `insecure`, and then only after https failed to connect.
 */
import { ImageError } from '../image-errors.ts'
import { basicHeader, isLoopbackHost, parseChallenge, requestToken, type RegistryCredentials, type TokenAnswer } from './registry-auth.ts'

export interface RegistryClientOptions {
  /** host[:port] as in the reference (docker.io is mapped to registry-1.docker.io). */
  readonly registry: string
  readonly insecure?: boolean
  readonly credentials?: RegistryCredentials
}

export class RegistryClient {
  readonly #host: string
  readonly #plainAllowed: boolean
  readonly #credentials: RegistryCredentials | undefined
  #base: string | undefined
  #authorization: string | undefined

  constructor(opts: RegistryClientOptions) {
    this.#host = opts.registry === 'docker.io' ? 'registry-1.docker.io' : opts.registry
    this.#plainAllowed = opts.insecure === true || isLoopbackHost(this.#host)
    this.#credentials = opts.credentials
  }

  async #baseUrl(signal: AbortSignal | undefined): Promise<string> {
    if (this.#base) return this.#base
    try {
      await fetch(`https://${this.#host}/v2/`, { method: 'GET', ...(signal ? { signal } : {}) }).then((r) => r.body?.cancel())
      this.#base = `https://${this.#host}`
    } catch (err) {
      if (signal?.aborted) throw err
      if (!this.#plainAllowed) {
        throw new ImageError('REGISTRY_ERROR', `cannot reach https://${this.#host}/v2/ (plain http is used only for loopback hosts or with --insecure)`, { cause: err })
      }
      this.#base = `http://${this.#host}`
    }
    return this.#base
  }

  /**
   * GET `path` (under /v2/), answering one auth challenge. Returns the response for 2xx and 404
   * (the caller decides what missing means); throws ImageError for anything else.
   */
  async get(path: string, headers: Record<string, string>, scope: string, signal?: AbortSignal): Promise<Response> {
    const base = await this.#baseUrl(signal)
    const url = `${base}/v2/${path}`
    const send = async (): Promise<Response> => {
      try {
        return await fetch(url, { headers: { ...headers, ...(this.#authorization ? { authorization: this.#authorization } : {}) }, redirect: 'follow', ...(signal ? { signal } : {}) })
      } catch (err) {
        if (signal?.aborted) throw err
        throw new ImageError('REGISTRY_ERROR', `cannot reach ${base}`, { cause: err })
      }
    }
    let res = await send()
    if (res.status === 401) {
      const challenge = res.headers.get('www-authenticate') ?? ''
      await res.body?.cancel()
      this.#authorization = await this.#answer(challenge, scope, signal)
      res = await send()
    }
    if (res.ok || res.status === 404) return res
    await res.body?.cancel()
    if (res.status === 401 || res.status === 403) {
      throw new ImageError('UNAUTHORIZED', `registry ${this.#host} refused access to ${path.split('/')[0]} (HTTP ${res.status})${this.#credentials ? '' : '; no credentials given'}`)
    }
    throw new ImageError('REGISTRY_ERROR', `registry ${this.#host} answered HTTP ${res.status} for ${path}`)
  }

  async #answer(header: string, scope: string, signal: AbortSignal | undefined): Promise<string> {
    const c = parseChallenge(header)
    if (c?.scheme === 'basic') {
      if (!this.#credentials || this.#credentials.identityToken) throw new ImageError('UNAUTHORIZED', `registry ${this.#host} requires a user name and password`)
      return basicHeader(this.#credentials)
    }
    if (c?.scheme !== 'bearer' || !c.params['realm']) {
      throw new ImageError('UNAUTHORIZED', `registry ${this.#host} sent an authentication challenge we cannot answer`)
    }
    let realm: URL
    try {
      realm = new URL(c.params['realm'])
    } catch {
      throw new ImageError('UNAUTHORIZED', `registry ${this.#host} sent an invalid token realm`)
    }
    const plainRealmOk = realm.protocol === 'https:' || (realm.protocol === 'http:' && (this.#plainAllowed || isLoopbackHost(realm.host)))
    if (!plainRealmOk) throw new ImageError('INSECURE_REFUSED', `token realm ${realm.origin} is not https`)
    let answer: TokenAnswer
    try {
      answer = await requestToken(realm, c.params['service'], c.params['scope'] ?? scope, this.#credentials, signal)
    } catch (err) {
      if (signal?.aborted) throw err
      throw new ImageError('REGISTRY_ERROR', `cannot reach token realm ${realm.origin}`, { cause: err })
    }
    if ('refusedStatus' in answer) {
      const why = this.#credentials ? 'refused the credentials' : 'refused the request; no credentials given'
      throw new ImageError('UNAUTHORIZED', `token realm ${realm.origin} ${why} (HTTP ${answer.refusedStatus})`)
    }
    return `Bearer ${answer.token}`
  }
}
