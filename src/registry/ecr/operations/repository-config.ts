/**
 * The repository configuration family (issue #15): settings (tag mutability, scan on push),
 * resource tags and repository policies, one list for builtin-operations.ts.
 */
import type { EcrOperation } from '../operation.ts'
import { RESOURCE_TAG_OPERATIONS } from './resource-tags.ts'
import { REPOSITORY_POLICY_OPERATIONS } from './repository-policy.ts'
import { REPOSITORY_SETTINGS_OPERATIONS } from './repository-settings.ts'

export const REPOSITORY_CONFIG_OPERATIONS: readonly EcrOperation[] = [
  ...REPOSITORY_SETTINGS_OPERATIONS,
  ...RESOURCE_TAG_OPERATIONS,
  ...REPOSITORY_POLICY_OPERATIONS,
]
