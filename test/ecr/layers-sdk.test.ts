// The layer upload flow with the AWS SDK for JavaScript v3 (@aws-sdk/client-ecr) against a real
// `drydock serve`: parts sent as bytes (the SDK base64-encodes them), an out-of-order part
// refused with InvalidLayerPartException carrying lastValidByteReceived, a part over the
// documented 20 MiB limit refused, completion, availability, and the download URL's bytes.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { after, afterEach, before, describe, test } from 'node:test'
import {
  BatchCheckLayerAvailabilityCommand, CompleteLayerUploadCommand, GetDownloadUrlForLayerCommand, InitiateLayerUploadCommand,
  InvalidLayerPartException, UploadLayerPartCommand, type ECRClient,
} from '@aws-sdk/client-ecr'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { ADMIN, sdkClient, startEcrServer, type EcrServer } from './ecr-fixture.ts'

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

describe('ECR layer upload with @aws-sdk/client-ecr', { timeout: 300_000 }, () => {
  let s: EcrServer
  let ecr: ECRClient

  before(async () => {
    s = await startEcrServer()
    ecr = sdkClient(s.drydock.url, await s.newKey(ADMIN))
  })
  afterEach((t) => logsOnFailure(t, { registry: s?.drydock.output }))
  after(async () => {
    ecr?.destroy()
    await s?.stop()
  })

  test('initiate, parts (one out of order, one too large), complete, check, download', async () => {
    const repositoryName = 'sdk/layers'
    const layer = randomBytes(300_000)
    const { uploadId, partSize } = await ecr.send(new InitiateLayerUploadCommand({ repositoryName }))
    assert.ok(uploadId)
    assert.equal(partSize, 10 * 1024 * 1024)
    const part = (first: number, last: number, bytes = layer.subarray(first, last + 1)) =>
      ecr.send(new UploadLayerPartCommand({ repositoryName, uploadId, partFirstByte: first, partLastByte: last, layerPartBlob: bytes }))

    assert.equal((await part(0, 99_999)).lastByteReceived, 99_999)
    const skipped = await part(200_000, 299_999).catch((err: unknown) => err)
    assert.ok(skipped instanceof InvalidLayerPartException, String(skipped))
    assert.equal(skipped.lastValidByteReceived, 99_999)
    assert.equal(skipped.uploadId, uploadId)
    assert.equal(skipped.repositoryName, repositoryName)
    // A byte range that does not match the part's length.
    const short = await part(100_000, 199_999, layer.subarray(100_000, 150_000)).catch((err: unknown) => err)
    assert.ok(short instanceof InvalidLayerPartException, String(short))
    assert.equal(short.lastValidByteReceived, 99_999)
    // Over the model's (and Drydock's) 20 MiB part limit: refused before anything is written.
    const huge = Buffer.alloc(20 * 1024 * 1024 + 1)
    const tooLarge = await part(100_000, 100_000 + huge.length - 1, huge).catch((err: unknown) => err as Error)
    assert.equal((tooLarge as Error).name, 'InvalidParameterException', String(tooLarge))
    assert.equal((await part(100_000, 199_999)).lastByteReceived, 199_999)
    assert.equal((await part(200_000, 299_999)).lastByteReceived, 299_999)

    const done = await ecr.send(new CompleteLayerUploadCommand({ repositoryName, uploadId, layerDigests: [sha256(layer)] }))
    assert.equal(done.layerDigest, sha256(layer))
    const check = await ecr.send(new BatchCheckLayerAvailabilityCommand({ repositoryName, layerDigests: [sha256(layer)] }))
    assert.deepEqual(check.layers, [{ layerDigest: sha256(layer), layerAvailability: 'AVAILABLE', layerSize: layer.length }])
    assert.deepEqual(check.failures, [])

    const { downloadUrl } = await ecr.send(new GetDownloadUrlForLayerCommand({ repositoryName, layerDigest: sha256(layer) }))
    const res = await fetch(String(downloadUrl))
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('docker-content-digest'), sha256(layer))
    assert.equal(sha256(Buffer.from(await res.arrayBuffer())), sha256(layer))
  })
})
