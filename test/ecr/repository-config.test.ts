// Repository configuration through the Debian AWS CLI v2 against a real `drydock serve`: tag
// mutability (a retag push by skopeo refused, then allowed again), scan on push (as the settings
// API shows it), resource tags, and repository policies as Drydock's grants (a team's member
// pulls with skopeo once the policy names the team, and no longer once it is deleted; policies
// Drydock cannot express are refused, changing nothing).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { ACCOUNT, ADMIN, cliError, REGION, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'

requireTestdata()
const BUSYBOX = `oci:${join(IMAGES_DIR, 'busybox')}:1`
const ALPINE = `oci:${join(IMAGES_DIR, 'alpine-3.19')}:3.19.4`
const BOB = { user: 'bob', password: 'bob-password-long-enough' }
const ALICE = { user: 'alice', password: 'alice-password-long-enough' }
const REPO = 'acme/app'
const ARN = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${REPO}`
const READERS = `arn:aws:iam::${ACCOUNT}:group/acme/readers`
const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability', 'ecr:DescribeRepositories']

const policy = (...statements: Record<string, unknown>[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements })

describe('aws ecr repository configuration (AWS CLI v2) against Drydock', { timeout: 600_000 }, () => {
  let s: EcrServer
  let skopeo: Skopeo
  let root: AccessKey
  let bob: AccessKey
  let alice: AccessKey

  before(async () => {
    s = await startEcrServer()
    skopeo = await createSkopeo()
    for (const u of [BOB, ALICE]) assert.equal((await s.api(ADMIN, 'POST', '/api/v1/users', { name: u.user, password: u.password })).status, 201)
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/orgs', { name: 'acme' })).status, 201)
    for (const team of ['readers', 'writers']) assert.equal((await s.api(ADMIN, 'POST', '/api/v1/orgs/acme/teams', { name: team })).status, 201)
    assert.equal((await s.api(ADMIN, 'PUT', '/api/v1/orgs/acme/teams/readers/members/bob')).status, 204)
    root = await s.newKey(ADMIN)
    bob = await s.newKey(BOB)
    alice = await s.newKey(ALICE)
    json(await s.aws(['ecr', 'create-repository', '--repository-name', REPO], root))
    await skopeo.copy(BUSYBOX, `docker://${s.drydock.host}/${REPO}:1`, { creds: `${ADMIN.user}:${ADMIN.password}` })
  })
  afterEach((t) => logsOnFailure(t, { registry: s?.drydock.output }))
  after(async () => {
    await skopeo?.dispose()
    await s?.stop()
  })

  const json = (r: { stdout: string; stderr: string; code: number | null }) => {
    assert.equal(r.code, 0, r.stderr)
    return r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, any>)
  }
  const settings = async () => (await (await s.api(ADMIN, 'GET', `/api/v1/repositories/${REPO}/settings`)).json()) as { stored: Record<string, unknown>; effective: Record<string, unknown> }
  const bobPulls = async (): Promise<boolean> =>
    (await skopeo.run(['inspect', '--tls-verify=false', '--creds', `${BOB.user}:${BOB.password}`, `docker://${s.drydock.host}/${REPO}:1`]).then(() => true, () => false))

  test('put-image-tag-mutability IMMUTABLE refuses a retag push; MUTABLE allows it again', async () => {
    const out = json(await s.aws(['ecr', 'put-image-tag-mutability', '--repository-name', REPO, '--image-tag-mutability', 'IMMUTABLE'], root))
    assert.deepEqual(out, { registryId: ACCOUNT, repositoryName: REPO, imageTagMutability: 'IMMUTABLE' })
    const described = json(await s.aws(['ecr', 'describe-repositories', '--repository-names', REPO], root))
    assert.equal(described['repositories'][0].imageTagMutability, 'IMMUTABLE')
    const retag = await skopeo.tryCopy(ALPINE, `docker://${s.drydock.host}/${REPO}:1`, { creds: `${ADMIN.user}:${ADMIN.password}` })
    assert.notEqual(retag.code, 0, 'moving an immutable tag is refused')
    assert.match(retag.stderr, /immutable|denied|DENIED/i)

    json(await s.aws(['ecr', 'put-image-tag-mutability', '--repository-name', REPO, '--image-tag-mutability', 'MUTABLE'], root))
    await skopeo.copy(ALPINE, `docker://${s.drydock.host}/${REPO}:2`, { creds: `${ADMIN.user}:${ADMIN.password}` })
    await skopeo.copy(ALPINE, `docker://${s.drydock.host}/${REPO}:1`, { creds: `${ADMIN.user}:${ADMIN.password}` })
    await skopeo.copy(BUSYBOX, `docker://${s.drydock.host}/${REPO}:1`, { creds: `${ADMIN.user}:${ADMIN.password}` })

    assert.equal(cliError(await s.aws(['ecr', 'put-image-tag-mutability', '--repository-name', 'acme/none', '--image-tag-mutability', 'IMMUTABLE'], root)), 'RepositoryNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'put-image-tag-mutability', '--repository-name', REPO, '--image-tag-mutability', 'IMMUTABLE'], alice)), 'AccessDeniedException')
    assert.equal(cliError(await s.aws(['ecr', 'put-image-tag-mutability', '--repository-name', REPO, '--image-tag-mutability', 'FROZEN'], root)), 'InvalidParameterException')
  })

  test('put-image-scanning-configuration switches scan on push and keeps the other settings', async () => {
    json(await s.aws(['ecr', 'put-image-tag-mutability', '--repository-name', REPO, '--image-tag-mutability', 'IMMUTABLE'], root))
    const on = json(await s.aws(['ecr', 'put-image-scanning-configuration', '--repository-name', REPO, '--image-scanning-configuration', 'scanOnPush=true'], root))
    assert.deepEqual(on, { registryId: ACCOUNT, repositoryName: REPO, imageScanningConfiguration: { scanOnPush: true } })
    assert.deepEqual((await settings()).stored, { scanOnPush: true, imageTagMutability: 'IMMUTABLE' })
    json(await s.aws(['ecr', 'put-image-scanning-configuration', '--repository-name', REPO, '--image-scanning-configuration', 'scanOnPush=false'], root))
    const off = await settings()
    assert.equal(off.effective['scanOnPush'], false)
    assert.equal(off.stored['imageTagMutability'], 'IMMUTABLE')
    const described = json(await s.aws(['ecr', 'describe-repositories', '--repository-names', REPO], root))
    assert.deepEqual(described['repositories'][0].imageScanningConfiguration, { scanOnPush: false })
    json(await s.aws(['ecr', 'put-image-tag-mutability', '--repository-name', REPO, '--image-tag-mutability', 'MUTABLE'], root))
    assert.equal(cliError(await s.aws(['ecr', 'put-image-scanning-configuration', '--repository-name', REPO, '--image-scanning-configuration', 'scanOnPush=true'], bob)), 'AccessDeniedException')
  })

  test('tag-resource, untag-resource, list-tags-for-resource', async () => {
    assert.deepEqual(json(await s.aws(['ecr', 'tag-resource', '--resource-arn', ARN, '--tags', 'Key=team,Value=a', 'Key=env,Value=prod'], root)), {})
    const listed = json(await s.aws(['ecr', 'list-tags-for-resource', '--resource-arn', ARN], root))
    assert.deepEqual(listed['tags'].sort((a: { Key: string }, b: { Key: string }) => a.Key.localeCompare(b.Key)), [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'a' }])
    json(await s.aws(['ecr', 'tag-resource', '--resource-arn', ARN, '--tags', 'Key=team,Value=b'], root))
    json(await s.aws(['ecr', 'untag-resource', '--resource-arn', ARN, '--tag-keys', 'env'], root))
    assert.deepEqual(json(await s.aws(['ecr', 'list-tags-for-resource', '--resource-arn', ARN], root))['tags'], [{ Key: 'team', Value: 'b' }])

    assert.equal(cliError(await s.aws(['ecr', 'tag-resource', '--resource-arn', ARN, '--tags', 'Key=aws:x,Value=1'], root)), 'InvalidTagParameterException')
    const many = Array.from({ length: 50 }, (_, i) => `Key=k${i},Value=v`)
    assert.equal(cliError(await s.aws(['ecr', 'tag-resource', '--resource-arn', ARN, '--tags', ...many], root)), 'TooManyTagsException', 'team + 50 new keys is 51')
    assert.equal(json(await s.aws(['ecr', 'list-tags-for-resource', '--resource-arn', ARN], root))['tags'].length, 1, 'nothing of the refused call was kept')
    assert.equal(cliError(await s.aws(['ecr', 'list-tags-for-resource', '--resource-arn', `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/acme/none`], root)), 'RepositoryNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'list-tags-for-resource', '--resource-arn', `arn:aws:ecr:${REGION}:999999999999:repository/${REPO}`], root)), 'InvalidParameterException')
    // Reading needs pull (alice has none on acme/app), changing the repository-settings right.
    assert.equal(cliError(await s.aws(['ecr', 'list-tags-for-resource', '--resource-arn', ARN], alice)), 'AccessDeniedException')
    assert.equal(cliError(await s.aws(['ecr', 'untag-resource', '--resource-arn', ARN, '--tag-keys', 'team'], alice)), 'AccessDeniedException')
  })

  test('set-repository-policy naming a team lets its member pull; delete-repository-policy takes it back', async () => {
    assert.equal(await bobPulls(), false, 'bob has no right on acme/app yet')
    assert.equal(cliError(await s.aws(['ecr', 'describe-repositories', '--repository-names', REPO], bob)), 'AccessDeniedException')
    assert.equal(cliError(await s.aws(['ecr', 'get-repository-policy', '--repository-name', REPO], root)), 'RepositoryPolicyNotFoundException')

    const text = policy({ Sid: 'ReadersPull', Effect: 'Allow', Principal: { AWS: READERS }, Action: PULL })
    const set = json(await s.aws(['ecr', 'set-repository-policy', '--repository-name', REPO, '--policy-text', text], root))
    assert.equal(set['repositoryName'], REPO)
    assert.equal(await bobPulls(), true, 'bob pulls through the readers team')
    assert.equal(json(await s.aws(['ecr', 'describe-repositories', '--repository-names', REPO], bob))['repositories'][0].repositoryName, REPO)
    // Pull only: bob may not push.
    const push = await skopeo.tryCopy(ALPINE, `docker://${s.drydock.host}/${REPO}:bob`, { creds: `${BOB.user}:${BOB.password}` })
    assert.notEqual(push.code, 0)

    // A grant made through /api/v1 is part of the policy as Get renders it.
    assert.equal((await s.api(ADMIN, 'PUT', '/api/v1/orgs/acme/teams/writers/grants', { target: REPO, role: 'write' })).status, 204)
    const got = JSON.parse(json(await s.aws(['ecr', 'get-repository-policy', '--repository-name', REPO], root))['policyText'])
    const byPrincipal = new Map(got.Statement.map((st: { Principal: { AWS: string }; Action: string[] }) => [st.Principal.AWS, st.Action]))
    assert.ok((byPrincipal.get(READERS) as string[]).includes('ecr:BatchGetImage'))
    assert.ok(!(byPrincipal.get(READERS) as string[]).includes('ecr:PutImage'))
    assert.ok((byPrincipal.get(`arn:aws:iam::${ACCOUNT}:group/acme/writers`) as string[]).includes('ecr:PutImage'))
    // What Get renders is a policy Set accepts as it is.
    json(await s.aws(['ecr', 'set-repository-policy', '--repository-name', REPO, '--policy-text', JSON.stringify(got)], root))

    // Who may: whoever manages the namespace's grants; bob (a reader) and alice may not.
    assert.equal(cliError(await s.aws(['ecr', 'set-repository-policy', '--repository-name', REPO, '--policy-text', text], alice)), 'AccessDeniedException')
    assert.equal(cliError(await s.aws(['ecr', 'get-repository-policy', '--repository-name', REPO], bob)), 'AccessDeniedException')

    const deleted = json(await s.aws(['ecr', 'delete-repository-policy', '--repository-name', REPO], root))
    assert.match(deleted['policyText'], /group\/acme\/readers/)
    assert.equal(await bobPulls(), false, 'bob lost pull')
    assert.equal(cliError(await s.aws(['ecr', 'get-repository-policy', '--repository-name', REPO], root)), 'RepositoryPolicyNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'delete-repository-policy', '--repository-name', REPO], root)), 'RepositoryPolicyNotFoundException')
    const writers = await (await s.api(ADMIN, 'GET', '/api/v1/orgs/acme/teams/writers')).json() as { grants: unknown[] }
    assert.deepEqual(writers.grants, [], 'the /api/v1 grant on the repository went with the policy')
    // Audited as the /api/v1 grant routes audit, with the way in.
    const audit = await (await s.api(ADMIN, 'GET', `/api/v1/audit?action=permission.change&repository=${encodeURIComponent(REPO)}`)).json() as { events: Array<{ actor: string; detail: Record<string, unknown> }> }
    const details = audit.events.map((e) => e.detail)
    assert.ok(details.some((d) => d['change'] === 'grant' && d['team'] === 'readers' && d['role'] === 'read' && d['target'] === REPO && d['via'] === 'ecr'))
    assert.ok(details.some((d) => d['change'] === 'revoke' && d['team'] === 'writers' && d['via'] === 'ecr'))
  })

  test('"*" with pull actions makes the repository public; deleting the policy makes it private', async () => {
    const anonymous = () => skopeo.run(['inspect', '--tls-verify=false', '--no-creds', `docker://${s.drydock.host}/${REPO}:1`]).then(() => true, () => false)
    assert.equal(await anonymous(), false)
    json(await s.aws(['ecr', 'set-repository-policy', '--repository-name', REPO, '--policy-text', policy({ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' })], root))
    assert.equal(await anonymous(), true)
    json(await s.aws(['ecr', 'delete-repository-policy', '--repository-name', REPO], root))
    assert.equal(await anonymous(), false)
  })

  test('statements Drydock cannot express are refused, naming statement and reason, and change nothing', async () => {
    const refused = async (text: string, reason: RegExp) => {
      const r = await s.aws(['ecr', 'set-repository-policy', '--repository-name', REPO, '--policy-text', text], root)
      assert.equal(cliError(r), 'InvalidParameterException', text)
      assert.match(r.stderr, reason)
    }
    const readers = { Effect: 'Allow', Principal: { AWS: READERS }, Action: PULL }
    await refused(policy({ Sid: 'NoPush', Effect: 'Deny', Principal: { AWS: READERS }, Action: 'ecr:PutImage' }), /statement 'NoPush': Deny is not supported/)
    await refused(policy({ ...readers, Sid: 'Office', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }), /statement 'Office': Condition is not supported/)
    await refused(policy(readers, { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:group/acme/nobody` }, Action: PULL }), /no team 'nobody' in org 'acme'/)
    await refused(policy({ ...readers, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` } }), /statement 1: .*through teams/)
    await refused(policy({ ...readers, Principal: { AWS: `arn:aws:iam::210987654321:group/acme/readers` } }), /another account/)
    await refused(policy({ ...readers, Action: [...PULL, 'ecr:DeleteRepository'] }), /ecr:DeleteRepository' needs a right no repository grant gives/)
    await refused(policy({ ...readers, Action: 'ecr:PutImage' }), /push; Drydock's roles are read/)
    await refused(policy({ ...readers, NotAction: 'ecr:PutImage', Action: undefined }), /NotAction is not supported/)
    assert.equal(await bobPulls(), false, 'no refused policy gave bob anything')
    assert.equal(cliError(await s.aws(['ecr', 'get-repository-policy', '--repository-name', REPO], root)), 'RepositoryPolicyNotFoundException')
  })
})
