// Samples for the image operations: busybox pushed with skopeo, then described, listed, fetched,
// retagged (PutImage with BatchGetImage's manifest), a referrer put on it, and a tag deleted.
import { join } from 'node:path'
import { IMAGES_DIR } from '../../../src/testkit/repo-paths.ts'
import { createSkopeo } from '../../../src/testkit/skopeo-tool.ts'
import { ADMIN, signedCall, type AccessKey, type EcrServer } from '../ecr-fixture.ts'
import type { Sample } from './sample.ts'

const REPO = 'shapes/images'

async function pushBusybox(s: EcrServer): Promise<void> {
  const skopeo = await createSkopeo()
  try {
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'busybox')}:1`, `docker://${s.drydock.host}/${REPO}:1`, { creds: `${ADMIN.user}:${ADMIN.password}` })
  } finally {
    await skopeo.dispose()
  }
}

async function busybox(s: EcrServer, key: AccessKey): Promise<{ manifest: string; digest: string }> {
  const res = await signedCall(s.drydock.url, key, 'BatchGetImage', { repositoryName: REPO, imageIds: [{ imageTag: '1' }] })
  const image = (res.json['images'] as { imageManifest: string; imageId: { imageDigest: string } }[] | undefined)?.[0]
  if (!image) throw new Error(`setup: no busybox in ${REPO}: ${JSON.stringify(res.json)}`)
  return { manifest: image.imageManifest, digest: image.imageId.imageDigest }
}

/** An artifact about busybox (busybox's own config as its config, no layers). */
async function referrerOf(s: EcrServer, key: AccessKey): Promise<string> {
  const { manifest, digest } = await busybox(s, key)
  const m = JSON.parse(manifest) as { config: unknown }
  return JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.example.sbom+json',
    config: m.config, layers: [], subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: Buffer.byteLength(manifest) },
    annotations: { 'org.example.kind': 'sbom' },
  })
}

export const IMAGE_SAMPLES: readonly Sample[] = [
  {
    operation: 'DescribeImages',
    request: async (s) => {
      await pushBusybox(s)
      return { repositoryName: REPO, maxResults: 5, filter: { tagStatus: 'TAGGED' } }
    },
  },
  { operation: 'ListImages', request: { repositoryName: REPO, maxResults: 10, filter: { tagStatus: 'ANY' } } },
  {
    operation: 'BatchGetImage',
    request: { repositoryName: REPO, imageIds: [{ imageTag: '1' }, { imageTag: 'missing' }], acceptedMediaTypes: ['application/vnd.oci.image.manifest.v1+json'] },
  },
  { operation: 'PutImage', request: async (s, key) => ({ repositoryName: REPO, imageManifest: (await busybox(s, key)).manifest, imageTag: 'retagged' }) },
  {
    operation: 'ListImageReferrers',
    request: async (s, key) => {
      const put = await signedCall(s.drydock.url, key, 'PutImage', { repositoryName: REPO, imageManifest: await referrerOf(s, key) })
      if (put.status !== 200) throw new Error(`setup referrer: ${JSON.stringify(put.json)}`)
      return { repositoryName: REPO, subjectId: { imageDigest: (await busybox(s, key)).digest }, filter: { artifactTypes: ['application/vnd.example.sbom+json'], artifactStatus: 'ANY' }, maxResults: 5 }
    },
  },
  { operation: 'BatchDeleteImage', request: { repositoryName: REPO, imageIds: [{ imageTag: 'retagged' }, { imageTag: 'missing' }] } },
]
