// Samples for the repository configuration operations: settings, resource tags, repository policy.
import { ACCOUNT, ADMIN, REGION } from '../ecr-fixture.ts'
import type { Sample } from './sample.ts'

const REPO = 'shapes/config'
const ARN = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${REPO}`
const PUBLIC_PULL = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Everyone', Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }],
})

export const REPOSITORY_CONFIG_SAMPLES: readonly Sample[] = [
  {
    operation: 'PutImageTagMutability',
    request: async (s) => {
      const res = await s.api(ADMIN, 'POST', '/api/v1/repositories', { repositoryName: REPO })
      if (res.status !== 201) throw new Error(`setup ${REPO}: ${res.status}`)
      return { repositoryName: REPO, imageTagMutability: 'IMMUTABLE' }
    },
  },
  { operation: 'PutImageScanningConfiguration', request: { repositoryName: REPO, imageScanningConfiguration: { scanOnPush: true } } },
  { operation: 'TagResource', request: { resourceArn: ARN, tags: [{ Key: 'team', Value: 'a' }, { Key: 'env', Value: 'prod' }] } },
  { operation: 'ListTagsForResource', request: { resourceArn: ARN } },
  { operation: 'UntagResource', request: { resourceArn: ARN, tagKeys: ['env'] } },
  { operation: 'SetRepositoryPolicy', request: { repositoryName: REPO, policyText: PUBLIC_PULL, force: false } },
  { operation: 'GetRepositoryPolicy', request: { repositoryName: REPO } },
  { operation: 'DeleteRepositoryPolicy', request: { repositoryName: REPO } },
]
