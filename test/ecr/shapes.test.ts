// Every implemented ECR operation (src/registry/ecr/builtin-operations.ts) against ECR's service
// model, read at run time from the Debian awscli's botocore data (and, for what that older model
// lacks, from the AWS SDK v3's: shape-compare.ts, sdk-model.ts): the hand-written input shapes
// carry exactly the model's members, required lists and limits; and, against a real server, a
// sample request and its response conform to the model's input and output shapes. An operation
// without a sample here fails the test, so a new operation cannot skip this check.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BUILTIN_OPERATIONS } from '../../src/registry/ecr/builtin-operations.ts'
import { ADMIN, requireAwsCli, signedCall, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'
import { checkAgainstModel, loadEcrModel, operationShapes } from './model-shapes.ts'
import { IMAGE_SAMPLES } from './samples/images.ts'
import { LAYER_SAMPLES } from './samples/layers.ts'
import { REPOSITORY_SAMPLES } from './samples/repositories.ts'
import { REPOSITORY_CONFIG_SAMPLES } from './samples/repository-config.ts'
import { SCAN_LIFECYCLE_SAMPLES } from './samples/scans-lifecycle.ts'
import type { Sample } from './samples/sample.ts'
import { compareInputShape } from './shape-compare.ts'

/** The samples of every family (samples/), run in this order against one server. */
const SAMPLES: readonly Sample[] = [
  ...REPOSITORY_SAMPLES,
  ...REPOSITORY_CONFIG_SAMPLES,
  ...IMAGE_SAMPLES,
  ...LAYER_SAMPLES,
  ...SCAN_LIFECYCLE_SAMPLES,
]

describe('ECR operations against the service model', { timeout: 300_000 }, () => {
  requireAwsCli()
  const model = loadEcrModel()

  test('the model is the one for ECR JSON 1.1', () => {
    assert.equal(model.metadata['targetPrefix'], 'AmazonEC2ContainerRegistry_V20150921')
    assert.equal(model.metadata['jsonVersion'], '1.1')
  })

  test('every input shape carries the model\'s members, required lists and limits', () => {
    for (const op of BUILTIN_OPERATIONS) {
      const input = operationShapes(model, op.name)?.input
      assert.ok(input, `${op.name} is not an ECR operation (in Debian's model nor the SDK's)`)
      assert.deepEqual(compareInputShape(model, op.input, input, op.name), [])
    }
  })

  describe('requests and responses on a real server', () => {
    let s: EcrServer
    let key: AccessKey
    before(async () => {
      s = await startEcrServer()
      key = await s.newKey(ADMIN)
    })
    after(async () => s?.stop())

    test('every implemented operation has a sample', () => {
      const sampled = new Set(SAMPLES.map((sample) => sample.operation))
      assert.deepEqual(BUILTIN_OPERATIONS.map((op) => op.name).filter((n) => !sampled.has(n)), [])
    })

    for (const { operation: name, request: sample } of SAMPLES) {
      test(name, async () => {
        const request = typeof sample === 'function' ? await sample(s, key) : sample
        const op = operationShapes(model, name)
        assert.ok(op, `${name} in the model`)
        assert.deepEqual(checkAgainstModel(model, op.input, request), [], 'the sample request conforms')
        const res = await signedCall(s.drydock.url, key, name, request)
        assert.equal(res.status, 200, JSON.stringify(res.json))
        assert.deepEqual(checkAgainstModel(model, op.output, res.json), [])
      })
    }

    test('errors are named as the model (or AWS\'s common errors) name them', async () => {
      const res = await signedCall(s.drydock.url, key, 'DescribeRepositories', { repositoryNames: ['not-there'] })
      assert.equal(res.status, 400)
      assert.equal(res.json['__type'], 'RepositoryNotFoundException')
      assert.equal(res.headers.get('x-amzn-errortype'), 'RepositoryNotFoundException')
      assert.ok(model.operations['DescribeRepositories']?.errors?.some((e) => e.shape === 'RepositoryNotFoundException'))
    })
  })
})
