// Samples for the authorization, repository and registry operations.
import type { Sample } from './sample.ts'

export const REPOSITORY_SAMPLES: readonly Sample[] = [
  { operation: 'GetAuthorizationToken', request: {} },
  { operation: 'CreateRepository', request: { repositoryName: 'shapes/app', tags: [{ Key: 'team', Value: 'a' }], imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true }, encryptionConfiguration: { encryptionType: 'AES256' } } },
  { operation: 'DescribeRepositories', request: { maxResults: 1 } },
  { operation: 'DeleteRepository', request: { repositoryName: 'shapes/app', force: true } },
  { operation: 'DescribeRegistry', request: {} },
]
