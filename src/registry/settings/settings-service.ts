/**
 * Repository settings (docs/api.md "Repository settings"): what a repository stores of its own,
 * and the effective settings, where every unset field takes the server's default (scan on push:
 * the `scanning` section's per-namespace rules; the rest: `repositories.defaults` of its
 * namespace, else MUTABLE and no lifecycle policy). Tag mutability and its exclusion filters go
 * together: both come from the repository when it sets the mutability, else from the defaults. Explicit creation
 * makes an empty repository with its settings before the first push; it is then a repository
 * like any other (listed by /v2/_catalog, an empty tag list), as ECR's and Harbor's are.
 */
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import { RegistryError } from '../../oci/errors.ts'
import type { Clock } from '../ports.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { RepositorySettings, RepositorySettingsRecord, TagMutability } from '../metadata/settings-store.ts'
import { isTagImmutable } from './tag-mutability.ts'

/** The server's defaults for a repository without its own value (from the config file). */
export interface SettingsDefaults {
  scanOnPush(repo: RepositoryName): boolean
  /** Its namespace's defaults (settings-config.ts `repositories.defaults`); scanOnPush is ignored. */
  namespace?(repo: RepositoryName): RepositorySettings
  /** The creation template copied into a new repository's settings (`repositories.templates`). */
  template?(repo: RepositoryName): RepositorySettings | undefined
}

export interface EffectiveSettings {
  readonly scanOnPush: boolean
  readonly imageTagMutability: TagMutability
  readonly imageTagMutabilityExclusionFilters: NonNullable<RepositorySettings['imageTagMutabilityExclusionFilters']>
  readonly lifecyclePolicy?: string
}

export interface SettingsView {
  readonly repositoryName: RepositoryName
  /** What the repository stores itself (unset fields absent). */
  readonly stored: RepositorySettings
  /** What applies: stored, else the defaults. */
  readonly effective: EffectiveSettings
  readonly createdAt?: string
  readonly updatedAt?: string
}

export interface SettingsDeps {
  readonly store: MetadataStore
  readonly clock: Clock
  readonly defaults: SettingsDefaults
}

function storedPart(r: RepositorySettingsRecord | undefined): RepositorySettings {
  if (!r) return {}
  const { repo: _repo, createdAt: _c, updatedAt: _u, ...settings } = r
  return settings
}

export class RepositorySettingsService {
  readonly #d: SettingsDeps

  constructor(deps: SettingsDeps) {
    this.#d = deps
  }

  async effective(repo: RepositoryName): Promise<EffectiveSettings> {
    return this.#effective(repo, await this.#d.store.repositorySettings.get(repo))
  }

  #effective(repo: RepositoryName, r: RepositorySettingsRecord | undefined): EffectiveSettings {
    const ns = this.#d.defaults.namespace?.(repo) ?? {}
    const mutability = r?.imageTagMutability === undefined ? ns : r
    const lifecyclePolicy = r?.lifecyclePolicy ?? ns.lifecyclePolicy
    return {
      scanOnPush: r?.scanOnPush ?? this.#d.defaults.scanOnPush(repo),
      imageTagMutability: mutability.imageTagMutability ?? 'MUTABLE',
      imageTagMutabilityExclusionFilters: mutability.imageTagMutabilityExclusionFilters ?? [],
      ...(lifecyclePolicy === undefined ? {} : { lifecyclePolicy }),
    }
  }

  async view(repo: RepositoryName): Promise<SettingsView> {
    const r = await this.#d.store.repositorySettings.get(repo)
    if (!r && !(await this.#d.store.repositories.exists(repo))) {
      throw new RegistryError('NAME_UNKNOWN', `repository ${repo} does not exist`, { detail: { name: repo } })
    }
    return {
      repositoryName: repo, stored: storedPart(r), effective: this.#effective(repo, r),
      ...(r ? { createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() } : {}),
    }
  }

  /** Replaces the repository's own settings (creating the repository when needed). */
  async put(repo: RepositoryName, settings: RepositorySettings): Promise<SettingsView> {
    const now = this.#d.clock.now()
    await this.#d.store.transaction(async (tx) => {
      await tx.repositories.ensure(repo, now)
      await tx.repositorySettings.put(repo, settings, now)
    })
    return this.view(repo)
  }

  /**
   * Changes some of an existing repository's own settings and keeps the others (ECR's
   * PutImageTagMutability and PutImageScanningConfiguration each set one thing); a mutability
   * set here comes with its own exclusion filters (none unless given). NAME_UNKNOWN when the
   * repository does not exist: unlike `put`, a change never creates one.
   */
  async update(repo: RepositoryName, change: RepositorySettings): Promise<SettingsView> {
    const now = this.#d.clock.now()
    await this.#d.store.transaction(async (tx) => {
      const current = await tx.repositorySettings.get(repo)
      if (!current && !(await tx.repositories.exists(repo))) {
        throw new RegistryError('NAME_UNKNOWN', `repository ${repo} does not exist`, { detail: { name: repo } })
      }
      const { imageTagMutabilityExclusionFilters: _filters, ...rest } = storedPart(current)
      const kept = change.imageTagMutability === undefined ? storedPart(current) : rest
      await tx.repositorySettings.put(repo, { ...kept, ...change }, now)
    })
    return this.view(repo)
  }

  /**
   * Removes the repository's own lifecycle policy, keeping its other settings (ECR's
   * DeleteLifecyclePolicy); returns the removed text, undefined when it had none (a namespace
   * default from the config is not the repository's and stays). NAME_UNKNOWN for an unknown repository.
   */
  async removeLifecyclePolicy(repo: RepositoryName): Promise<string | undefined> {
    return this.#d.store.transaction(async (tx) => {
      const current = await tx.repositorySettings.get(repo)
      if (!current && !(await tx.repositories.exists(repo))) {
        throw new RegistryError('NAME_UNKNOWN', `repository ${repo} does not exist`, { detail: { name: repo } })
      }
      if (current?.lifecyclePolicy === undefined) return undefined
      const { lifecyclePolicy, ...rest } = storedPart(current)
      await tx.repositorySettings.put(repo, rest, this.#d.clock.now())
      return lifecyclePolicy
    })
  }

  /**
   * Creates an empty repository with `settings` over its creation template (the request wins
   * field by field; a mutability it sets comes with its own filters); 409 when it exists already.
   */
  async create(repo: RepositoryName, settings: RepositorySettings): Promise<SettingsView> {
    const now = this.#d.clock.now()
    const template = this.#d.defaults.template?.(repo) ?? {}
    const { imageTagMutability: _mode, imageTagMutabilityExclusionFilters: _filters, ...templateRest } = template
    const merged: RepositorySettings = { ...(settings.imageTagMutability === undefined ? template : templateRest), ...settings }
    await this.#d.store.transaction(async (tx) => {
      if (await tx.repositories.exists(repo)) {
        throw new RegistryError('DENIED', `repository ${repo} already exists`, { status: 409, detail: { name: repo } })
      }
      await tx.repositories.ensure(repo, now)
      await tx.repositorySettings.put(repo, merged, now)
    })
    return this.view(repo)
  }

  /**
   * Before `repo`'s first manifest is stored, in that transaction (`tx`): copies its creation
   * template into its own settings, unless it has settings of its own or already holds
   * manifests (it existed before the template), or no template matches.
   */
  async adoptTemplate(tx: MetadataStore, repo: RepositoryName): Promise<void> {
    const template = this.#d.defaults.template?.(repo)
    if (template === undefined) return
    if ((await tx.repositorySettings.get(repo)) !== undefined || (await tx.repositories.hasManifests(repo))) return
    await tx.repositorySettings.put(repo, template, this.#d.clock.now())
  }

  async scanOnPush(repo: RepositoryName): Promise<boolean> {
    return (await this.effective(repo)).scanOnPush
  }

  /** Is `tag` in `repo` frozen once it points at a manifest? */
  async isTagImmutable(repo: RepositoryName, tag: Tag): Promise<boolean> {
    const e = await this.effective(repo)
    return isTagImmutable(e.imageTagMutability, e.imageTagMutabilityExclusionFilters, tag)
  }
}
