// Samples for the layer operations: an upload started, a part sent, the layer completed, then
// checked and handed out as a download URL.
import { createHash } from 'node:crypto'
import { signedCall, type AccessKey, type EcrServer } from '../ecr-fixture.ts'
import type { Sample } from './sample.ts'

const REPO = 'shapes/layers'
const LAYER = Buffer.from('a layer for the shape samples')
const DIGEST = `sha256:${createHash('sha256').update(LAYER).digest('hex')}`

async function initiate(s: EcrServer, key: AccessKey): Promise<string> {
  const res = await signedCall(s.drydock.url, key, 'InitiateLayerUpload', { repositoryName: REPO })
  if (res.status !== 200) throw new Error(`setup upload: ${res.status} ${JSON.stringify(res.json)}`)
  return String(res.json['uploadId'])
}

const part = (uploadId: string, bytes: Buffer) => ({
  repositoryName: REPO, uploadId, partFirstByte: 0, partLastByte: bytes.length - 1, layerPartBlob: bytes.toString('base64'),
})

export const LAYER_SAMPLES: readonly Sample[] = [
  { operation: 'InitiateLayerUpload', request: { repositoryName: REPO } },
  { operation: 'UploadLayerPart', request: async (s, key) => part(await initiate(s, key), Buffer.from('some bytes')) },
  {
    operation: 'CompleteLayerUpload',
    request: async (s, key) => {
      const uploadId = await initiate(s, key)
      const res = await signedCall(s.drydock.url, key, 'UploadLayerPart', part(uploadId, LAYER))
      if (res.status !== 200) throw new Error(`setup part: ${res.status} ${JSON.stringify(res.json)}`)
      return { repositoryName: REPO, uploadId, layerDigests: [DIGEST] }
    },
  },
  { operation: 'BatchCheckLayerAvailability', request: { repositoryName: REPO, layerDigests: [DIGEST, `sha256:${'0'.repeat(64)}`, 'not-a-digest', ''] } },
  { operation: 'GetDownloadUrlForLayer', request: { repositoryName: REPO, layerDigest: DIGEST } },
]
