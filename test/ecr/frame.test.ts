// The ECR door's frame over real HTTP (a real `drydock serve`, requests signed by the AWS SDK's
// own SigV4 signer, @smithy/signature-v4): unknown and missing operations, content type, strict
// JSON, the body limit, input validation against the operation's shape, and unsigned or tampered
// requests. Every refusal is AWS JSON 1.1's error shape with X-Amzn-ErrorType, never a 500.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ADMIN, signedCall, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'

describe('the ECR door (POST /)', { timeout: 120_000 }, () => {
  let s: EcrServer
  let key: AccessKey
  before(async () => {
    s = await startEcrServer()
    key = await s.newKey(ADMIN)
  })
  after(async () => s?.stop())

  const refused = async (target: string, body: unknown, type: string, status = 400, o: Parameters<typeof signedCall>[4] = {}) => {
    const res = await signedCall(s.drydock.url, key, target, body, o)
    assert.equal(res.status, status, JSON.stringify(res.json))
    assert.equal(res.json['__type'], type)
    assert.equal(res.headers.get('x-amzn-errortype'), type)
    assert.equal(typeof res.json['message'], 'string')
    return String(res.json['message'])
  }

  test('unknown operations and other services\' targets', async () => {
    await refused('PutBanana', {}, 'UnknownOperationException')
    await refused('DynamoDB_20120810.ListTables', {}, 'UnknownOperationException')
  })

  test('content type, strict JSON and the body limit', async () => {
    await refused('DescribeRegistry', {}, 'SerializationException', 400, { contentType: 'application/json' })
    await refused('DescribeRegistry', {}, 'SerializationException', 400, { raw: '{"a":' })
    assert.match(await refused('DescribeRepositories', {}, 'SerializationException', 400, { raw: '{"maxResults":1,"maxResults":2}' }), /duplicate/i)
    // A JSON array parses; the shape check refuses it as not an object.
    assert.match(await refused('DescribeRegistry', {}, 'InvalidParameterException', 400, { raw: '[]' }), /Member must be an object/)
    await refused('DescribeRegistry', {}, 'SerializationException', 413, { raw: JSON.stringify({ pad: 'x'.repeat(70_000) }) })
  })

  test('input validated against the operation\'s shape', async () => {
    assert.match(await refused('CreateRepository', {}, 'InvalidParameterException'), /Value null at 'repositoryName' failed to satisfy constraint: Member must not be null/)
    assert.match(await refused('CreateRepository', { repositoryName: 'a' }, 'InvalidParameterException'), /Member must have length greater than or equal to 2/)
    assert.match(await refused('CreateRepository', { repositoryName: 'ok/name', imageTagMutability: 'SOMETIMES' }, 'InvalidParameterException'), /enum value set: \[MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION\]/)
    assert.match(await refused('DescribeRepositories', { maxResults: 1001 }, 'InvalidParameterException'), /less than or equal to 1000/)
    assert.match(await refused('DescribeRepositories', { maxResults: '5' }, 'InvalidParameterException'), /Member must be an integer/)
    assert.match(await refused('DescribeRepositories', { surprise: true }, 'InvalidParameterException'), /Unknown parameter 'surprise'/)
    assert.match(await refused('DescribeRepositories', { nextToken: 'garbage' }, 'InvalidParameterException'), /nextToken/)
    assert.match(await refused('DescribeRepositories', { registryId: '999999999999' }, 'InvalidParameterException'), /registryId/)
    await refused('CreateRepository', { repositoryName: 'ok/kms', encryptionConfiguration: { encryptionType: 'KMS' } }, 'InvalidParameterException')
    await refused('CreateRepository', { repositoryName: 'ok/tags', tags: [{ Key: 'aws:owner', Value: 'a' }] }, 'InvalidTagParameterException')
    await refused('CreateRepository', { repositoryName: 'ok/tags', tags: [{ Key: 'k', Value: 'a' }, { Key: 'k', Value: 'b' }] }, 'InvalidTagParameterException')
    await refused('CreateRepository', { repositoryName: 'ok/tags', tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: '' })) }, 'TooManyTagsException')
  })

  test('a repository deleted and made again under its name is private again', async () => {
    const call = async (target: string, body: unknown) => {
      const res = await signedCall(s.drydock.url, key, target, body)
      assert.equal(res.status, 200, JSON.stringify(res.json))
    }
    await call('CreateRepository', { repositoryName: 'shown/app' })
    assert.equal((await s.api(ADMIN, 'PUT', '/api/v1/visibility', { repository: 'shown/app', public: true })).status, 200)
    assert.equal((await fetch(`${s.drydock.url}/v2/shown/app/tags/list`)).status, 200, 'public: anyone may list')
    await call('DeleteRepository', { repositoryName: 'shown/app' })
    await call('CreateRepository', { repositoryName: 'shown/app' })
    assert.equal((await fetch(`${s.drydock.url}/v2/shown/app/tags/list`)).status, 401)
  })

  test('unsigned, tampered and mis-scoped requests', async () => {
    const unsigned = await fetch(`${s.drydock.url}/`, {
      method: 'POST', body: '{}',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRegistry' },
    })
    assert.equal(unsigned.status, 403)
    assert.equal(((await unsigned.json()) as { __type: string }).__type, 'MissingAuthenticationTokenException')
    const garbled = await fetch(`${s.drydock.url}/`, {
      method: 'POST', body: '{}',
      headers: { authorization: 'AWS4-HMAC-SHA256 nonsense', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRegistry' },
    })
    assert.equal(((await garbled.json()) as { __type: string }).__type, 'IncompleteSignatureException')
    assert.match(await refused('DescribeRegistry', {}, 'InvalidSignatureException', 403, { region: 'eu-west-1' }), /region/)
    assert.match(await refused('DescribeRegistry', {}, 'InvalidSignatureException', 403, { date: new Date(Date.now() + 20 * 60_000) }), /^Signature not yet current/)
    // A body changed after signing: the payload hash no longer matches.
    const u = new URL(s.drydock.url)
    const { SignatureV4 } = await import('@smithy/signature-v4')
    const { Sha256 } = await import('@aws-crypto/sha256-js')
    const signer = new SignatureV4({ credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, region: 'us-east-1', service: 'ecr', sha256: Sha256 })
    const signed = await signer.sign({
      method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', query: {},
      headers: { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DescribeRepositories' },
      body: '{"maxResults":1}',
    })
    const tampered = await fetch(`${s.drydock.url}/`, { method: 'POST', headers: signed.headers as Record<string, string>, body: '{"maxResults":2}' })
    assert.equal(tampered.status, 403)
    assert.equal(((await tampered.json()) as { __type: string }).__type, 'InvalidSignatureException')
  })
})
