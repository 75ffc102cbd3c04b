/**
 * The ECR operations Drydock implements, as an explicit list (like scanner/analyzers/builtin.ts):
 * one file per operation family under operations/, each exporting its list. A new family is one
 * import and one spread here; the door (http/ecr/) and test/ecr/shapes.test.ts read this list.
 */
import type { EcrOperation } from './operation.ts'
import { AUTHORIZATION_OPERATIONS } from './operations/authorization.ts'
import { IMAGE_OPERATIONS } from './operations/images.ts'
import { LAYER_OPERATIONS } from './operations/layers.ts'
import { LIFECYCLE_OPERATIONS } from './operations/lifecycle.ts'
import { REGISTRY_OPERATIONS } from './operations/registry.ts'
import { REPOSITORY_OPERATIONS } from './operations/repositories.ts'
import { REPOSITORY_CONFIG_OPERATIONS } from './operations/repository-config.ts'
import { SCAN_OPERATIONS } from './operations/scans.ts'

export const BUILTIN_OPERATIONS: readonly EcrOperation[] = [
  ...AUTHORIZATION_OPERATIONS,
  ...REPOSITORY_OPERATIONS,
  ...REPOSITORY_CONFIG_OPERATIONS,
  ...REGISTRY_OPERATIONS,
  ...LAYER_OPERATIONS,
  ...IMAGE_OPERATIONS,
  ...SCAN_OPERATIONS,
  ...LIFECYCLE_OPERATIONS,
]

export function operationTable(ops: readonly EcrOperation[] = BUILTIN_OPERATIONS): ReadonlyMap<string, EcrOperation> {
  const table = new Map<string, EcrOperation>()
  for (const op of ops) {
    if (table.has(op.name)) throw new Error(`ECR operation ${op.name} listed twice`)
    table.set(op.name, op)
  }
  return table
}
