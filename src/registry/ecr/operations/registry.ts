/** DescribeRegistry: the registry's id; Drydock replicates nowhere, so no replication rules. */
import type { EcrOperation } from '../operation.ts'

const describeRegistry: EcrOperation = {
  name: 'DescribeRegistry',
  input: { type: 'structure', members: {} },
  async run(ctx) {
    return { registryId: ctx.registry.accountId, replicationConfiguration: { rules: [] } }
  },
}

export const REGISTRY_OPERATIONS: readonly EcrOperation[] = [describeRegistry]
