// Samples for the scan and lifecycle operations: busybox pushed with skopeo, a scan started and
// its findings read, then a lifecycle policy put, read, previewed and deleted.
import { join } from 'node:path'
import { IMAGES_DIR } from '../../../src/testkit/repo-paths.ts'
import { createSkopeo } from '../../../src/testkit/skopeo-tool.ts'
import { ADMIN, type EcrServer } from '../ecr-fixture.ts'
import type { Sample } from './sample.ts'

const REPO = 'shapes/scans'
const POLICY = JSON.stringify({
  rules: [{ rulePriority: 1, description: 'Keep the newest 5 images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } }],
})

async function pushBusybox(s: EcrServer): Promise<void> {
  const skopeo = await createSkopeo()
  try {
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'busybox')}:1`, `docker://${s.drydock.host}/${REPO}:1`, { creds: `${ADMIN.user}:${ADMIN.password}` })
  } finally {
    await skopeo.dispose()
  }
}

export const SCAN_LIFECYCLE_SAMPLES: readonly Sample[] = [
  {
    operation: 'StartImageScan',
    request: async (s) => {
      await pushBusybox(s)
      return { repositoryName: REPO, imageId: { imageTag: '1' } }
    },
  },
  { operation: 'DescribeImageScanFindings', request: { repositoryName: REPO, imageId: { imageTag: '1' }, maxResults: 10 } },
  { operation: 'PutLifecyclePolicy', request: { repositoryName: REPO, lifecyclePolicyText: POLICY } },
  { operation: 'GetLifecyclePolicy', request: { repositoryName: REPO } },
  { operation: 'StartLifecyclePolicyPreview', request: { repositoryName: REPO } },
  { operation: 'GetLifecyclePolicyPreview', request: { repositoryName: REPO, maxResults: 10, filter: { tagStatus: 'ANY' } } },
  { operation: 'DeleteLifecyclePolicy', request: { repositoryName: REPO } },
]
