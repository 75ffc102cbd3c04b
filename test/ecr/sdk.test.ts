// The AWS SDK for JavaScript v3 (@aws-sdk/client-ecr, its own SigV4, serializers and error
// classes) against a real `drydock serve`: the operations implemented so far, the paginator, and
// refusals surfacing as the SDK's modeled exception classes (or, for AWS's common errors the ECR
// model does not list, as ECRServiceException with that name and status).
import assert from 'node:assert/strict'
import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  CreateRepositoryCommand, DeleteRepositoryCommand, DescribeRegistryCommand, DescribeRepositoriesCommand, ECRServiceException,
  GetAuthorizationTokenCommand, InvalidParameterException, paginateDescribeRepositories, RepositoryNotEmptyException,
  RepositoryNotFoundException, type ECRClient, type Repository,
} from '@aws-sdk/client-ecr'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo } from '../../src/testkit/skopeo-tool.ts'
import { ACCOUNT, ADMIN, REGION, sdkClient, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'

requireTestdata()
const ALICE = { user: 'alice', password: 'alice-password-long-enough' }

/** The error `p` rejects with (fails when it resolves). */
async function rejection(p: Promise<unknown>): Promise<ECRServiceException> {
  try {
    await p
  } catch (err) {
    assert.ok(err instanceof ECRServiceException, `an ECRServiceException, got ${String(err)}`)
    return err
  }
  assert.fail('the call was accepted')
}

describe('@aws-sdk/client-ecr against Drydock', { timeout: 180_000 }, () => {
  let s: EcrServer
  let root: AccessKey
  let ecr: ECRClient
  before(async () => {
    s = await startEcrServer()
    root = await s.newKey(ADMIN)
    ecr = sdkClient(s.drydock.url, root)
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/users', { name: ALICE.user, password: ALICE.password })).status, 201)
  })
  after(async () => {
    ecr?.destroy()
    await s?.stop()
  })

  test('GetAuthorizationToken and DescribeRegistry', async () => {
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}))
    const data = authorizationData?.[0]
    assert.match(Buffer.from(data?.authorizationToken ?? '', 'base64').toString(), /^AWS:ddl_/)
    assert.equal(data?.proxyEndpoint, s.drydock.url)
    assert.ok(data?.expiresAt instanceof Date && data.expiresAt.getTime() > Date.now(), 'expiresAt parsed as a Date in the future')
    const registry = await ecr.send(new DescribeRegistryCommand({}))
    assert.equal(registry.registryId, ACCOUNT)
    assert.deepEqual(registry.replicationConfiguration?.rules ?? [], [])
  })

  test('CreateRepository, DescribeRepositories through the paginator, DeleteRepository with force', async () => {
    const names = ['sdk/a', 'sdk/b', 'sdk/c', 'sdk/d', 'sdk/e']
    for (const repositoryName of names) {
      const { repository } = await ecr.send(new CreateRepositoryCommand({
        repositoryName, imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: 'IMMUTABLE', tags: [{ Key: 'team', Value: 'sdk' }],
      }))
      assert.equal(repository?.repositoryName, repositoryName)
      assert.equal(repository?.repositoryUri, `${s.drydock.host}/${repositoryName}`)
      assert.equal(repository?.repositoryArn, `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repositoryName}`)
      assert.ok(repository?.createdAt instanceof Date)
    }
    const pages: Repository[][] = []
    for await (const page of paginateDescribeRepositories({ client: ecr, pageSize: 2 }, {})) pages.push(page.repositories ?? [])
    const seen = pages.flat().map((r) => r.repositoryName ?? '').filter((n) => n.startsWith('sdk/'))
    assert.deepEqual(seen, names)
    assert.ok(pages.length >= 3 && pages.every((p) => p.length <= 2), `pages of at most 2: ${pages.map((p) => p.length).join(',')}`)
    const one = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['sdk/c'] }))
    assert.equal(one.repositories?.[0]?.imageScanningConfiguration?.scanOnPush, true)
    assert.equal(one.repositories?.[0]?.imageTagMutability, 'IMMUTABLE')

    // A repository holding an image needs force.
    const skopeo = await createSkopeo()
    try {
      const pushed = await skopeo.run(['copy', '--dest-tls-verify=false', '--dest-creds', `${ADMIN.user}:${ADMIN.password}`, `oci:${join(IMAGES_DIR, 'busybox')}:1`, `docker://${s.drydock.host}/sdk/a:1`])
      assert.equal(pushed.code, 0, pushed.stderr)
    } finally {
      await skopeo.dispose()
    }
    const notEmpty = await rejection(ecr.send(new DeleteRepositoryCommand({ repositoryName: 'sdk/a' })))
    assert.ok(notEmpty instanceof RepositoryNotEmptyException, notEmpty.name)
    const deleted = await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'sdk/a', force: true }))
    assert.equal(deleted.repository?.repositoryName, 'sdk/a')
    for (const repositoryName of names.slice(1)) await ecr.send(new DeleteRepositoryCommand({ repositoryName }))
  })

  test('refusals are the SDK\'s exception classes', async () => {
    const missing = await rejection(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['not-there'] })))
    assert.ok(missing instanceof RepositoryNotFoundException, missing.name)
    assert.equal(missing.$metadata.httpStatusCode, 400)
    assert.equal(missing.$fault, 'client')

    const invalid = await rejection(ecr.send(new CreateRepositoryCommand({ repositoryName: 'Upper/Case' })))
    assert.ok(invalid instanceof InvalidParameterException, invalid.name)
    assert.match(invalid.message, /failed to satisfy constraint/)

    // Errors common to all AWS services, not in ECR's model: ECRServiceException with the name.
    const alice = sdkClient(s.drydock.url, await s.newKey(ALICE))
    const denied = await rejection(alice.send(new CreateRepositoryCommand({ repositoryName: 'not-alices' })))
    assert.equal(denied.name, 'AccessDeniedException')
    assert.equal(denied.$metadata.httpStatusCode, 403)
    assert.match(denied.message, /User: alice is not authorized to perform: ecr:CreateRepository/)
    alice.destroy()

    const expiring = await s.newKey(ALICE, ['--expires-in', '1h'])
    const db = new DatabaseSync(join(s.drydock.dataDir, 'metadata.db'))
    db.exec('PRAGMA busy_timeout = 5000')
    db.prepare('UPDATE access_keys SET expires_at = ? WHERE id = ?').run(Date.now() - 1000, expiring.id)
    db.close()
    const expiredClient = sdkClient(s.drydock.url, expiring)
    const expired = await rejection(expiredClient.send(new DescribeRegistryCommand({})))
    assert.equal(expired.name, 'ExpiredTokenException')
    assert.equal(expired.$metadata.httpStatusCode, 403)
    expiredClient.destroy()
  })
})
