/**
 * The lifecycle preview of one repository (ECR's GetLifecyclePolicyPreview): its effective
 * policy (its own, else its namespace's default) evaluated now over its manifests. Read-only:
 * nothing is deleted. A stored or default policy was validated when it was set (settings-input.ts,
 * settings-config.ts), so parsing it again cannot fail on a client's mistake.
 */
import { RegistryError } from '../../oci/errors.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import type { Clock } from '../ports.ts'
import type { RepositorySettingsService } from '../settings/settings-service.ts'
import type { LifecycleImage, LifecyclePreview } from './lifecycle-image.ts'
import { evaluateLifecycle } from './evaluate.ts'
import { parseLifecyclePolicy } from './parse-policy.ts'
import { repositoryImages, type RepositoryImagesDeps } from './repository-images.ts'

export interface LifecyclePreviewDeps {
  readonly settings: RepositorySettingsService
  readonly images: RepositoryImagesDeps
  readonly clock: Clock
}

export interface RepositoryLifecyclePreview extends LifecyclePreview {
  readonly repositoryName: RepositoryName
  /** The policy evaluated (the repository's own, else its namespace's default). */
  readonly policyText: string
}

export class LifecyclePreviewService {
  readonly #d: LifecyclePreviewDeps

  constructor(deps: LifecyclePreviewDeps) {
    this.#d = deps
  }

  /** The repository's effective policy text (its own, else its namespace's default); NAME_UNKNOWN for an unknown repository. */
  async effectivePolicy(repo: RepositoryName): Promise<string | undefined> {
    return (await this.#d.settings.view(repo)).effective.lifecyclePolicy
  }

  /** Throws NAME_UNKNOWN for an unknown repository, 404 when no policy applies to it. */
  async preview(repo: RepositoryName): Promise<RepositoryLifecyclePreview> {
    return (await this.evaluate(repo)).preview
  }

  /** The preview and the images it was computed from (a real run re-checks them before expiring). */
  async evaluate(repo: RepositoryName): Promise<{ readonly preview: RepositoryLifecyclePreview; readonly images: ReadonlyMap<string, LifecycleImage> }> {
    const policyText = (await this.#d.settings.view(repo)).effective.lifecyclePolicy
    if (policyText === undefined) {
      throw new RegistryError('UNSUPPORTED', `no lifecycle policy applies to repository ${repo}`, { status: 404, detail: { name: repo } })
    }
    return this.#evaluate(repo, policyText)
  }

  /**
   * The preview of `policyText`, whatever policy the repository has (ECR's
   * StartLifecyclePolicyPreview with a policy not saved yet). Throws NAME_UNKNOWN for an unknown
   * repository and LifecyclePolicyError for a text the parser refuses.
   */
  async previewOf(repo: RepositoryName, policyText: string): Promise<RepositoryLifecyclePreview> {
    await this.#d.settings.view(repo)
    return (await this.#evaluate(repo, policyText)).preview
  }

  async #evaluate(repo: RepositoryName, policyText: string): Promise<{ readonly preview: RepositoryLifecyclePreview; readonly images: ReadonlyMap<string, LifecycleImage> }> {
    const policy = parseLifecyclePolicy(policyText)
    const images = await repositoryImages(this.#d.images, repo)
    const preview = { repositoryName: repo, policyText, ...evaluateLifecycle(policy, images, this.#d.clock.now()) }
    return { preview, images: new Map(images.map((image) => [image.digest, image])) }
  }
}
