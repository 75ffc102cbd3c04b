/**
 * Matrix rows for ECR's image operations (docs/ecr.md "Images"): DescribeImages, ListImages,
 * BatchGetImage and ListImageReferrers need pull, PutImage push and BatchDeleteImage delete, as
 * the /v2 manifest GET, PUT and DELETE do. Allowed rows act on the world's `v1` image (PutImage
 * adds a fresh tag to it; BatchDeleteImage deletes a manifest pushed for the row); refused rows
 * name a tag that does not exist, so a wrong "yes" answers 200 with an ImageNotFound failure
 * (BatchDeleteImage) instead of AccessDeniedException, and the world is left as it was.
 */
import type { EcrRow } from './ecr-operations.ts'
import { REPOS, type World } from './world.ts'

export function ecrImageRows(w: World): EcrRow[] {
  const rows: EcrRow[] = []
  for (const repo of REPOS) {
    const v1 = () => w.v1[repo] ?? { manifest: '', digest: '' }
    const pull = { kind: 'repo', repo, action: 'pull' } as const
    rows.push(
      { label: `DescribeImages ${repo}`, need: pull, call: () => ({ target: 'DescribeImages', body: { repositoryName: repo } }) },
      { label: `ListImages ${repo}`, need: pull, call: () => ({ target: 'ListImages', body: { repositoryName: repo } }) },
      { label: `BatchGetImage ${repo}`, need: pull, call: () => ({ target: 'BatchGetImage', body: { repositoryName: repo, imageIds: [{ imageTag: 'v1' }] } }) },
      { label: `ListImageReferrers ${repo}`, need: pull,
        call: () => ({ target: 'ListImageReferrers', body: { repositoryName: repo, subjectId: { imageDigest: v1().digest } } }) },
      { label: `PutImage ${repo}`, need: { kind: 'repo', repo, action: 'push' },
        call: (_yes, n) => ({ target: 'PutImage', body: { repositoryName: repo, imageManifest: v1().manifest, imageTag: `ecr-${n}` } }) },
      { label: `BatchDeleteImage ${repo}`, need: { kind: 'repo', repo, action: 'delete' },
        call: async (yes, n) => ({ target: 'BatchDeleteImage', body: {
          repositoryName: repo, imageIds: [yes ? { imageDigest: await w.pushUniqueManifest(repo, `ecr-del-${n}`) } : { imageTag: `ghost-${n}` }],
        } }) },
    )
  }
  return rows
}
