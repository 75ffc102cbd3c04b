/**
 * What repository settings need from the metadata store (the rules live in
 * registry/settings/): a repository's own settings, one row per repository. A field that is
 * absent is unset, so the server's defaults apply to it. The store checks nothing: values are
 * validated by the settings service before they are written.
 */
import type { RepositoryName } from '../../oci/reference.ts'

/** ECR's imageTagMutability values. */
export const TAG_MUTABILITIES = ['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'] as const
export type TagMutability = (typeof TAG_MUTABILITIES)[number]

/** ECR's ImageTagMutabilityExclusionFilter: a tag pattern where `*` matches any characters. */
export interface MutabilityExclusionFilter {
  readonly filterType: 'WILDCARD'
  readonly filter: string
}

/** The settings themselves, as the API and the CLI show them (ECR's names). */
export interface RepositorySettings {
  readonly scanOnPush?: boolean
  readonly imageTagMutability?: TagMutability
  readonly imageTagMutabilityExclusionFilters?: readonly MutabilityExclusionFilter[]
  /** An ECR lifecycle policy document, kept verbatim (the lifecycle engine parses it). */
  readonly lifecyclePolicy?: string
}

export interface RepositorySettingsRecord extends RepositorySettings {
  readonly repo: RepositoryName
  readonly createdAt: Date
  readonly updatedAt: Date
}

export interface RepositorySettingsRepo {
  get(repo: RepositoryName): Promise<RepositorySettingsRecord | undefined>
  /**
   * Replaces the repository's settings with `settings` (absent fields become unset); the first
   * write sets createdAt, every write updatedAt.
   */
  put(repo: RepositoryName, settings: RepositorySettings, at: Date): Promise<void>
}
