// Every implemented ECR operation (src/registry/ecr/builtin-operations.ts) against ECR's service
// model, read at run time from the Debian awscli's botocore data: the hand-written input shapes
// carry exactly the model's members, required lists and limits; and, against a real server, a
// sample request and its response conform to the model's input and output shapes. An operation
// without a sample here fails the test, so a new operation cannot skip this check.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { BUILTIN_OPERATIONS } from '../../src/registry/ecr/builtin-operations.ts'
import type { Shape } from '../../src/registry/ecr/shape.ts'
import { ADMIN, requireAwsCli, signedCall, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'
import { checkAgainstModel, loadEcrModel, type ServiceModel } from './model-shapes.ts'

/** A request per operation, run in this order against one server. */
const SAMPLES: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['GetAuthorizationToken', {}],
  ['CreateRepository', { repositoryName: 'shapes/app', tags: [{ Key: 'team', Value: 'a' }], imageTagMutability: 'IMMUTABLE', imageScanningConfiguration: { scanOnPush: true }, encryptionConfiguration: { encryptionType: 'AES256' } }],
  ['DescribeRepositories', { maxResults: 1 }],
  ['DeleteRepository', { repositoryName: 'shapes/app', force: true }],
  ['DescribeRegistry', {}],
]

function compare(model: ServiceModel, mine: Shape, shapeName: string, path: string): string[] {
  const m = model.shapes[shapeName]
  if (!m) return [`${path}: no model shape ${shapeName}`]
  if (m.type !== mine.type) return [`${path}: type ${mine.type}, model ${m.type}`]
  const out: string[] = []
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: ${what} ${JSON.stringify(a)}, model ${JSON.stringify(b)}`)
  }
  switch (mine.type) {
    case 'structure':
      same('required', [...(mine.required ?? [])].sort(), [...(m.required ?? [])].sort())
      same('members', Object.keys(mine.members).sort(), Object.keys(m.members ?? {}).sort())
      for (const [k, v] of Object.entries(mine.members)) {
        const ms = m.members?.[k]
        if (ms) out.push(...compare(model, v, ms.shape, `${path}.${k}`))
      }
      break
    case 'list':
      same('min', mine.min, m.min)
      same('max', mine.max, m.max)
      out.push(...compare(model, mine.member, m.member?.shape ?? '', `${path}[]`))
      break
    case 'string':
      same('min', mine.min, m.min)
      same('max', mine.max, m.max)
      same('pattern', mine.pattern, m.pattern)
      same('enum', mine.enum, m.enum)
      break
    case 'integer':
      same('min', mine.min, m.min)
      same('max', mine.max, m.max)
      break
    case 'boolean':
      break
  }
  return out
}

describe('ECR operations against the service model', { timeout: 300_000 }, () => {
  requireAwsCli()
  const model = loadEcrModel()

  test('the model is the one for ECR JSON 1.1', () => {
    assert.equal(model.metadata['targetPrefix'], 'AmazonEC2ContainerRegistry_V20150921')
    assert.equal(model.metadata['jsonVersion'], '1.1')
  })

  test('every input shape carries the model\'s members, required lists and limits', () => {
    for (const op of BUILTIN_OPERATIONS) {
      const input = model.operations[op.name]?.input?.shape
      assert.ok(input, `${op.name} is not an ECR operation`)
      assert.deepEqual(compare(model, op.input, input, op.name), [])
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
      const sampled = new Set(SAMPLES.map(([name]) => name))
      assert.deepEqual(BUILTIN_OPERATIONS.map((op) => op.name).filter((n) => !sampled.has(n)), [])
    })

    for (const [name, request] of SAMPLES) {
      test(name, async () => {
        const op = model.operations[name]
        assert.ok(op?.input && op.output, `${name} in the model`)
        assert.deepEqual(checkAgainstModel(model, op.input.shape, request), [], 'the sample request conforms')
        const res = await signedCall(s.drydock.url, key, name, request)
        assert.equal(res.status, 200, JSON.stringify(res.json))
        assert.deepEqual(checkAgainstModel(model, op.output.shape, res.json), [])
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
