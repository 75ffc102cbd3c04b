/**
 * Managing deploy policies and break-glass exemptions (docs/policies.md "Managing policies"),
 * transport-agnostic: the HTTP edge (http/api/policies-api.ts) checks who may act, then calls
 * this. Rules kept here:
 *  - policies have unique names across the store and the config file, and one policy per scope;
 *  - a config file policy cannot be deleted, but a stored policy of the same scope replaces it
 *    (with the same name, or another one);
 *  - an exemption is for one digest (a tag is resolved when it is granted), needs a reason and
 *    an expiry of at most `policy.maxExemption`, and is revoked, never deleted.
 * Every change tells the policy source's listeners, so decision caches drop what they hold.
 */
import { RegistryError } from '../../../oci/errors.ts'
import { parseManifestReference, type RepositoryName } from '../../../oci/reference.ts'
import type { ExemptionRecord } from '../../metadata/policy-store.ts'
import type { MetadataStore } from '../../metadata/store.ts'
import type { Clock, IdGenerator } from '../../ports.ts'
import { parseDuration } from '../../config/parse-units.ts'
import type { DeployPolicy } from '../policy.ts'
import type { StoredPolicySource } from './stored-policy-source.ts'

export interface PolicyView {
  readonly name: string
  readonly scope: string
  readonly mode: DeployPolicy['mode']
  /** `stored` (API) or `config` (the config file's `policies`). */
  readonly source: 'stored' | 'config'
  /** A config policy replaced by the stored policy of that name (same scope). */
  readonly overriddenBy?: string
  readonly updatedAt?: string
  readonly updatedBy?: string
  /** The policy document as written. */
  readonly policy: unknown
}

export interface ExemptionView extends ExemptionRecord {
  /** `active`, `expired` or `revoked`, at the time of the answer. */
  readonly status: 'active' | 'expired' | 'revoked'
}

export interface PolicyAdminDeps {
  readonly store: MetadataStore
  readonly source: StoredPolicySource
  readonly clock: Clock
  readonly ids: IdGenerator
  readonly maxExemptionMs: number
}

const MAX_REASON_CHARS = 1024
const MAX_LISTED_EXEMPTIONS = 500

const badRequest = (message: string, detail?: Record<string, unknown>): RegistryError =>
  new RegistryError('UNSUPPORTED', message, { status: 400, ...(detail ? { detail } : {}) })
const conflict = (message: string): RegistryError => new RegistryError('DENIED', message, { status: 409 })

function formatDuration(ms: number): string {
  // Hours up to two days ("24h", as written in the docs), days beyond.
  if (ms >= 2 * 86_400_000 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${Math.round(ms / 60_000)}m`
}

export class PolicyAdmin {
  readonly #deps: PolicyAdminDeps

  constructor(deps: PolicyAdminDeps) {
    this.#deps = deps
  }

  get maxExemptionMs(): number {
    return this.#deps.maxExemptionMs
  }

  /** Every policy: stored ones, then config ones (marked when a stored policy replaces them). */
  async list(): Promise<PolicyView[]> {
    const stored = await this.#deps.store.policies.list()
    const byScope = new Map(stored.map((r) => [r.scope, r.name]))
    return [
      ...stored.map((r): PolicyView => ({
        name: r.name, scope: r.scope, mode: (JSON.parse(r.text) as { mode?: DeployPolicy['mode'] }).mode ?? 'enforce', source: 'stored',
        updatedAt: r.updatedAt.toISOString(), updatedBy: r.updatedBy, policy: JSON.parse(r.text) as unknown,
      })),
      ...this.#deps.source.configDefaults.map((c): PolicyView => {
        const over = byScope.get(c.policy.scope)
        return { name: c.policy.name, scope: c.policy.scope, mode: c.policy.mode, source: 'config', ...(over === undefined ? {} : { overriddenBy: over }), policy: c.document }
      }),
    ]
  }

  /** The stored policy of that name, else the config one. */
  async get(name: string): Promise<PolicyView | undefined> {
    const views = (await this.list()).filter((v) => v.name === name)
    return views.find((v) => v.source === 'stored') ?? views[0]
  }

  /**
   * Stores `policy` (validated, `text` as accepted). Returns whether it was created and the
   * scope it had before (the caller checked the right to manage both).
   */
  async put(policy: DeployPolicy, text: string, by: string): Promise<{ readonly created: boolean; readonly view: PolicyView }> {
    const fromConfig = this.#deps.source.configDefaults.find((c) => c.policy.name === policy.name)
    if (fromConfig && fromConfig.policy.scope !== policy.scope) {
      throw conflict(`policy '${policy.name}' is defined in the config file for scope '${fromConfig.policy.scope}'; a stored policy of that name must keep that scope (or use another name)`)
    }
    const outcome = await this.#deps.store.transaction(async (tx) => {
      const other = (await tx.policies.list()).find((r) => r.scope === policy.scope && r.name !== policy.name)
      if (other) throw conflict(`policy '${other.name}' already covers scope '${policy.scope}'; one policy per scope (change or delete '${other.name}')`)
      return tx.policies.put({ name: policy.name, scope: policy.scope, text, by }, this.#deps.clock.now())
    })
    this.#deps.source.changed()
    const view = await this.get(policy.name)
    if (!view) throw new Error(`policy '${policy.name}' vanished after it was stored`)
    return { created: outcome === 'created', view }
  }

  /** Deletes the stored policy `name`; a config file policy is refused (409). */
  async delete(name: string): Promise<boolean> {
    const view = await this.get(name)
    if (view === undefined) return false
    if (view.source === 'config') {
      throw conflict(`policy '${name}' is defined in the config file and cannot be deleted; store a policy for scope '${view.scope}' to replace it`)
    }
    const gone = await this.#deps.store.policies.delete(name)
    if (gone) this.#deps.source.changed()
    return gone
  }

  /** A break-glass exemption for the digest `ref` names (a tag is resolved now). */
  async exempt(repo: RepositoryName, ref: string, body: Record<string, unknown>, by: string): Promise<ExemptionView> {
    const { reason, expiresIn } = body
    for (const key of Object.keys(body)) if (key !== 'reason' && key !== 'expiresIn') throw badRequest(`unknown field '${key.slice(0, 64)}' (allowed: reason, expiresIn)`, { field: key.slice(0, 64) })
    if (typeof reason !== 'string' || reason.trim() === '') throw badRequest("'reason' is required: why this image may be deployed although it fails its policy", { field: 'reason' })
    if (reason.length > MAX_REASON_CHARS) throw badRequest(`'reason' must be at most ${MAX_REASON_CHARS} characters`, { field: 'reason' })
    if (expiresIn === undefined) throw badRequest(`'expiresIn' is required (e.g. "4h", at most ${formatDuration(this.#deps.maxExemptionMs)})`, { field: 'expiresIn' })
    let ms: number
    try {
      if (typeof expiresIn !== 'string') throw new Error(`'expiresIn': invalid duration ${JSON.stringify(expiresIn)?.slice(0, 40)} (e.g. 30m, 4h)`)
      ms = parseDuration(expiresIn, "'expiresIn'")
    } catch (err) {
      throw badRequest((err as Error).message, { field: 'expiresIn' })
    }
    if (ms <= 0) throw badRequest("'expiresIn' must be more than 0", { field: 'expiresIn' })
    if (ms > this.#deps.maxExemptionMs) {
      throw badRequest(`'expiresIn' must be at most ${formatDuration(this.#deps.maxExemptionMs)} (policy.maxExemption)`, { field: 'expiresIn' })
    }
    const digest = await this.#resolve(repo, ref)
    const now = this.#deps.clock.now()
    const record = {
      id: this.#deps.ids.next(), repository: repo, digest, reason, createdBy: by,
      createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + ms).toISOString(),
    }
    await this.#deps.store.policies.addExemption(record)
    this.#deps.source.changed()
    return this.#view(record, now)
  }

  async exemptions(repo: RepositoryName): Promise<ExemptionView[]> {
    const now = this.#deps.clock.now()
    return (await this.#deps.store.policies.exemptions(repo, MAX_LISTED_EXEMPTIONS)).map((e) => this.#view(e, now))
  }

  /** Revokes exemption `id` of `repo`; undefined when there is none. Revoking twice keeps the first revocation. */
  async revoke(repo: RepositoryName, id: string, by: string): Promise<{ readonly view: ExemptionView; readonly revoked: boolean } | undefined> {
    const existing = await this.#deps.store.policies.exemption(id)
    if (existing === undefined || existing.repository !== repo) return undefined
    const now = this.#deps.clock.now()
    const revoked = await this.#deps.store.policies.revokeExemption(id, by, now)
    if (revoked) this.#deps.source.changed()
    const after = (await this.#deps.store.policies.exemption(id)) ?? existing
    return { view: this.#view(after, now), revoked }
  }

  async #resolve(repo: RepositoryName, ref: string): Promise<string> {
    const parsed = parseManifestReference(ref)
    const digest = parsed.kind === 'digest' ? parsed.digest : await this.#deps.store.tags.resolve(repo, parsed.tag)
    if (digest === undefined || (await this.#deps.store.manifests.get(repo, digest)) === undefined) {
      throw new RegistryError('MANIFEST_UNKNOWN', `no image ${ref.slice(0, 200)} in ${repo}`)
    }
    return digest
  }

  #view(e: ExemptionRecord, now: Date): ExemptionView {
    const status = e.revokedAt !== undefined ? 'revoked' : now.getTime() < Date.parse(e.expiresAt) ? 'active' : 'expired'
    return { ...e, status }
  }
}
