// Repository configuration through the AWS SDK for JavaScript v3 (@aws-sdk/client-ecr) against a
// real `drydock serve`: tag mutability with exclusion filters (which the Debian CLI 2.9.19 cannot
// send), proven by skopeo pushes; the other settings, resource tags and repository policies as
// the SDK sends and parses them.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import {
  CreateRepositoryCommand, DeleteRepositoryPolicyCommand, DescribeRepositoriesCommand, GetRepositoryPolicyCommand, ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand, PutImageTagMutabilityCommand, SetRepositoryPolicyCommand, TagResourceCommand, UntagResourceCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { ACCOUNT, ADMIN, REGION, sdkClient, startEcrServer, type EcrServer } from './ecr-fixture.ts'

requireTestdata()
const BUSYBOX = `oci:${join(IMAGES_DIR, 'busybox')}:1`
const ALPINE = `oci:${join(IMAGES_DIR, 'alpine-3.19')}:3.19.4`
const CREDS = `${ADMIN.user}:${ADMIN.password}`

/** The ECR error name an SDK call was refused with. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    return (err as Error).name
  }
  return 'no error'
}

describe('@aws-sdk/client-ecr repository configuration against Drydock', { timeout: 600_000 }, () => {
  let s: EcrServer
  let skopeo: Skopeo
  let ecr: ECRClient

  before(async () => {
    s = await startEcrServer()
    skopeo = await createSkopeo()
    ecr = sdkClient(s.drydock.url, await s.newKey(ADMIN))
  })
  afterEach((t) => logsOnFailure(t, { registry: s?.drydock.output }))
  after(async () => {
    ecr?.destroy()
    await skopeo?.dispose()
    await s?.stop()
  })

  const push = (src: string, repo: string, tag: string) => skopeo.tryCopy(src, `docker://${s.drydock.host}/${repo}:${tag}`, { creds: CREDS })

  test('PutImageTagMutability IMMUTABLE_WITH_EXCLUSION: the excluded tags move, the others do not', async () => {
    const repo = 'sdk/excl'
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repo }))
    for (const tag of ['latest', 'dev-1', '1.0']) assert.equal((await push(BUSYBOX, repo, tag)).code, 0)
    const out = await ecr.send(new PutImageTagMutabilityCommand({
      repositoryName: repo, imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }, { filterType: 'WILDCARD', filter: 'dev-*' }],
    }))
    assert.equal(out.imageTagMutability, 'IMMUTABLE_WITH_EXCLUSION')
    assert.deepEqual(out.imageTagMutabilityExclusionFilters, [{ filterType: 'WILDCARD', filter: 'latest' }, { filterType: 'WILDCARD', filter: 'dev-*' }])
    const described = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repo] }))).repositories?.[0]
    assert.equal(described?.imageTagMutability, 'IMMUTABLE_WITH_EXCLUSION')
    assert.deepEqual(described?.imageTagMutabilityExclusionFilters?.map((f) => f.filter), ['latest', 'dev-*'])
    assert.equal((await push(ALPINE, repo, 'latest')).code, 0, 'latest is excluded: it moves')
    assert.equal((await push(ALPINE, repo, 'dev-1')).code, 0, 'dev-* is excluded: it moves')
    assert.notEqual((await push(ALPINE, repo, '1.0')).code, 0, '1.0 is immutable')

    // MUTABLE drops the filters: the settings API shows the mode alone.
    await ecr.send(new PutImageTagMutabilityCommand({ repositoryName: repo, imageTagMutability: 'MUTABLE' }))
    const settings = await (await s.api(ADMIN, 'GET', `/api/v1/repositories/${repo}/settings`)).json() as { stored: Record<string, unknown> }
    assert.deepEqual(settings.stored, { imageTagMutability: 'MUTABLE' })
    assert.equal((await push(ALPINE, repo, '1.0')).code, 0)
  })

  test('CreateRepository with MUTABLE_WITH_EXCLUSION keeps its filters', async () => {
    const created = await ecr.send(new CreateRepositoryCommand({
      repositoryName: 'sdk/releases', imageTagMutability: 'MUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'v*' }],
    }))
    assert.equal(created.repository?.imageTagMutability, 'MUTABLE_WITH_EXCLUSION')
    assert.deepEqual(created.repository?.imageTagMutabilityExclusionFilters, [{ filterType: 'WILDCARD', filter: 'v*' }])
    assert.equal((await push(BUSYBOX, 'sdk/releases', 'v1')).code, 0)
    assert.notEqual((await push(ALPINE, 'sdk/releases', 'v1')).code, 0, 'v* tags are frozen')
    assert.equal((await push(BUSYBOX, 'sdk/releases', 'edge')).code, 0)
    assert.equal((await push(ALPINE, 'sdk/releases', 'edge')).code, 0)
  })

  test('bad mutability requests are InvalidParameterException and change nothing', async () => {
    const repo = 'sdk/bad'
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repo, imageTagMutability: 'IMMUTABLE' }))
    const filters = (n: number) => Array.from({ length: n }, (_, i) => ({ filterType: 'WILDCARD' as const, filter: `t${i}*` }))
    assert.equal(await refusal(ecr.send(new PutImageTagMutabilityCommand({ repositoryName: repo, imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' }))), 'InvalidParameterException')
    assert.equal(await refusal(ecr.send(new PutImageTagMutabilityCommand({ repositoryName: repo, imageTagMutability: 'MUTABLE', imageTagMutabilityExclusionFilters: filters(1) }))), 'InvalidParameterException')
    assert.equal(await refusal(ecr.send(new PutImageTagMutabilityCommand({ repositoryName: repo, imageTagMutability: 'MUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: filters(6) }))), 'InvalidParameterException')
    assert.equal(await refusal(ecr.send(new PutImageTagMutabilityCommand({ repositoryName: repo, imageTagMutability: 'MUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'a b' }] }))), 'InvalidParameterException')
    assert.equal(await refusal(ecr.send(new PutImageTagMutabilityCommand({ repositoryName: 'sdk/none', imageTagMutability: 'MUTABLE' }))), 'RepositoryNotFoundException')
    const described = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repo] }))).repositories?.[0]
    assert.equal(described?.imageTagMutability, 'IMMUTABLE')
    assert.equal(described?.imageTagMutabilityExclusionFilters, undefined)
  })

  test('PutImageScanningConfiguration, TagResource, UntagResource, ListTagsForResource', async () => {
    const repo = 'sdk/tags'
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repo, tags: [{ Key: 'owner', Value: 'sdk' }] }))
    const scan = await ecr.send(new PutImageScanningConfigurationCommand({ repositoryName: repo, imageScanningConfiguration: { scanOnPush: true } }))
    assert.deepEqual(scan.imageScanningConfiguration, { scanOnPush: true })
    const arn = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repo}`
    await ecr.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'env', Value: 'prod' }] }))
    await ecr.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['owner'] }))
    assert.deepEqual((await ecr.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, [{ Key: 'env', Value: 'prod' }])
    assert.equal(await refusal(ecr.send(new TagResourceCommand({ resourceArn: arn, tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }))), 'InvalidTagParameterException')
    assert.equal(await refusal(ecr.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:s3:::bucket' }))), 'InvalidParameterException')
  })

  test('SetRepositoryPolicy, GetRepositoryPolicy, DeleteRepositoryPolicy', async () => {
    const repo = 'sdk/policy'
    await ecr.send(new CreateRepositoryCommand({ repositoryName: repo }))
    assert.equal(await refusal(ecr.send(new GetRepositoryPolicyCommand({ repositoryName: repo }))), 'RepositoryPolicyNotFoundException')
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Public', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }] })
    const set = await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: repo, policyText: text, force: true }))
    assert.equal(set.policyText, text)
    const got = JSON.parse((await ecr.send(new GetRepositoryPolicyCommand({ repositoryName: repo }))).policyText ?? '{}')
    assert.equal(got.Statement.length, 1)
    assert.equal(got.Statement[0].Principal, '*')
    const visibility = await (await s.api(ADMIN, 'PUT', '/api/v1/visibility', { repository: repo, public: false })).json()
    assert.deepEqual(visibility, { repository: repo, public: false })
    assert.equal(await refusal(ecr.send(new DeleteRepositoryPolicyCommand({ repositoryName: repo }))), 'RepositoryPolicyNotFoundException', 'made private through /api/v1: no policy left')
    assert.equal(await refusal(ecr.send(new SetRepositoryPolicyCommand({ repositoryName: repo, policyText: '{"Statement": [' }))), 'InvalidParameterException')
    const everyonePushes = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:PutImage'] }] })
    assert.equal(await refusal(ecr.send(new SetRepositoryPolicyCommand({ repositoryName: repo, policyText: everyonePushes }))), 'InvalidParameterException')
  })
})
