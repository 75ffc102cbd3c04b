/**
 * Resource tags of repositories (ECR's `tags`: key-value labels on a repository, set at
 * CreateRepository and by TagResource). Labels only: no rule reads them. Deleting a repository
 * deletes its tags (RepositoryRepo.delete).
 *
 * As in store.ts: methods reject only on storage failure.
 */
import type { RepositoryName } from '../../oci/reference.ts'

export interface ResourceTag {
  readonly key: string
  readonly value: string
}

export interface ResourceTagRepo {
  /** The repository's tags, by key. */
  list(repo: RepositoryName): Promise<readonly ResourceTag[]>
  /** Adds the tags, replacing the value of a key already set. */
  put(repo: RepositoryName, tags: readonly ResourceTag[]): Promise<void>
  /** Removes the tags with these keys (unknown keys are ignored). */
  remove(repo: RepositoryName, keys: readonly string[]): Promise<void>
}
