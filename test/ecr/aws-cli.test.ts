// The issue's `aws ecr` commands (#15) run verbatim, plus --endpoint-url, with the Debian AWS
// CLI v2 (/usr/bin/aws) against a real `drydock serve`: login with the ECR password through
// skopeo (which then pushes with it), repositories created, described, paged and deleted, and
// every kind of bad credential refused with ECR's error name. Keys come from
// `drydock access-key create`. Real parts throughout; the only request not sent by the CLI is the
// skewed-clock one (the CLI signs with the machine's clock), signed by the AWS SDK's own signer.
import assert from 'node:assert/strict'
import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { drydockCli, mustCli } from '../auth/run-drydock-cli.ts'
import { ACCOUNT, ADMIN, cliError, signedCall, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'

requireTestdata()
const BUSYBOX = `oci:${join(IMAGES_DIR, 'busybox')}:1`
const ALICE = { user: 'alice', password: 'alice-password-long-enough' }

describe('aws ecr (AWS CLI v2) against Drydock', { timeout: 600_000 }, () => {
  let s: EcrServer
  let skopeo: Skopeo
  let root: AccessKey

  before(async () => {
    s = await startEcrServer()
    skopeo = await createSkopeo()
    root = await s.newKey(ADMIN)
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/users', { name: ALICE.user, password: ALICE.password })).status, 201)
  })
  afterEach((t) => logsOnFailure(t, { registry: s?.drydock.output }))
  after(async () => {
    await skopeo?.dispose()
    await s?.stop()
  })

  const json = (r: { stdout: string; stderr: string; code: number | null }) => {
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) as Record<string, any>
  }

  test('get-login-password | login --username AWS --password-stdin, then a push with that login', async () => {
    const auth = join(s.home, 'auth.json')
    const login = await s.sh(
      `aws() { /usr/bin/aws "$@" --endpoint-url "$ENDPOINT"; }\n` +
      `aws ecr get-login-password --region us-east-1 | skopeo login --tls-verify=false --authfile '${auth}' --username AWS --password-stdin "$HOST"`,
      root,
    )
    assert.equal(login.code, 0, login.stderr)
    assert.match(login.stdout, /Login Succeeded/)
    const push = await skopeo.run(['copy', '--authfile', auth, '--dest-tls-verify=false', BUSYBOX, `docker://${s.drydock.host}/ecr/pushed:1`])
    assert.equal(push.code, 0, push.stderr)
    const token = json(await s.aws(['ecr', 'get-authorization-token'], root))['authorizationData'][0]
    assert.match(Buffer.from(token.authorizationToken, 'base64').toString(), /^AWS:ddl_/)
    assert.equal(token.proxyEndpoint, s.drydock.url)
    const hours = (new Date(token.expiresAt).getTime() - Date.now()) / 3_600_000
    assert.ok(hours > 11.9 && hours <= 12, `valid 12 h, got ${hours}`)
  })

  test('create-repository --image-scanning-configuration scanOnPush=true, then describe-repositories', async () => {
    const created = json(await s.aws(['ecr', 'create-repository', '--repository-name', 'visit-counter-app', '--image-scanning-configuration', 'scanOnPush=true'], root))
    assert.deepEqual({ ...created['repository'], createdAt: undefined }, {
      repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/visit-counter-app`, registryId: ACCOUNT, repositoryName: 'visit-counter-app',
      repositoryUri: `${s.drydock.host}/visit-counter-app`, createdAt: undefined, imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: true }, encryptionConfiguration: { encryptionType: 'AES256' },
    })
    // The same repository through Drydock's own API: one engine, two doors.
    const settings = await (await s.api(ADMIN, 'GET', '/api/v1/repositories/visit-counter-app/settings')).json() as { stored: Record<string, unknown> }
    assert.deepEqual(settings.stored, { scanOnPush: true })
    const described = json(await s.aws(['ecr', 'describe-repositories', '--repository-names', 'visit-counter-app'], root))
    assert.deepEqual(described['repositories'], [created['repository']])
    const again = await s.aws(['ecr', 'create-repository', '--repository-name', 'visit-counter-app'], root)
    assert.equal(cliError(again), 'RepositoryAlreadyExistsException')
    const immutable = json(await s.aws(['ecr', 'create-repository', '--repository-name', 'team/frozen', '--image-tag-mutability', 'IMMUTABLE'], root))
    assert.equal(immutable['repository'].imageTagMutability, 'IMMUTABLE')
    json(await s.aws(['ecr', 'create-repository', '--repository-name', 'team/tagged', '--tags', 'Key=team,Value=payments', 'Key=env,Value=prod'], root))
    const db = new DatabaseSync(join(s.drydock.dataDir, 'metadata.db'), { readOnly: true })
    const tags = db.prepare("SELECT key, value FROM repository_resource_tags WHERE repo = 'team/tagged' ORDER BY key").all()
    db.close()
    assert.deepEqual(tags.map((t) => ({ ...t })), [{ key: 'env', value: 'prod' }, { key: 'team', value: 'payments' }], 'the tags are kept')
  })

  test('describe-repositories of a missing repository, and bad input, are ECR errors', async () => {
    const missing = await s.aws(['ecr', 'describe-repositories', '--repository-names', 'react-app-haproxy'], root)
    assert.equal(cliError(missing), 'RepositoryNotFoundException')
    assert.match(missing.stderr, /The repository with name 'react-app-haproxy' does not exist in the registry with id '123456789012'/)
    const badName = await s.aws(['ecr', 'create-repository', '--repository-name', 'Upper_Case'], root)
    assert.equal(cliError(badName), 'InvalidParameterException')
    assert.match(badName.stderr, /failed to satisfy constraint: Member must satisfy regular expression pattern/)
  })

  test('pagination with --page-size and --max-items', async () => {
    for (const n of [1, 2, 3, 4, 5]) json(await s.aws(['ecr', 'create-repository', '--repository-name', `paged/r${n}`], root))
    const all = json(await s.aws(['ecr', 'describe-repositories'], root))['repositories'].map((r: { repositoryName: string }) => r.repositoryName) as string[]
    const first = json(await s.aws(['ecr', 'describe-repositories', '--page-size', '2', '--max-items', '3'], root))
    assert.equal(first['repositories'].length, 3)
    assert.ok(typeof first['NextToken'] === 'string')
    const rest = json(await s.aws(['ecr', 'describe-repositories', '--page-size', '2', '--starting-token', first['NextToken']], root))
    const paged = [...first['repositories'], ...rest['repositories']].map((r: { repositoryName: string }) => r.repositoryName)
    assert.deepEqual(paged, all)
    assert.ok(all.includes('paged/r5') && all.length >= 7, all.join(' '))
    const raw = json(await s.aws(['ecr', 'describe-repositories', '--max-results', '2', '--no-paginate'], root))
    assert.equal(raw['repositories'].length, 2)
    assert.ok(typeof raw['nextToken'] === 'string')
  })

  test('delete-repository refuses a repository holding images without --force', async () => {
    await skopeo.copy(BUSYBOX, `docker://${s.drydock.host}/ecr/full:1`, { creds: `${ADMIN.user}:${ADMIN.password}` })
    const refused = await s.aws(['ecr', 'delete-repository', '--repository-name', 'ecr/full'], root)
    assert.equal(cliError(refused), 'RepositoryNotEmptyException')
    const deleted = json(await s.aws(['ecr', 'delete-repository', '--repository-name', 'ecr/full', '--force'], root))
    assert.equal(deleted['repository'].repositoryName, 'ecr/full')
    assert.equal(cliError(await s.aws(['ecr', 'describe-repositories', '--repository-names', 'ecr/full'], root)), 'RepositoryNotFoundException')
    assert.equal((await fetch(`${s.drydock.url}/v2/ecr/full/tags/list`)).status, 401)
    json(await s.aws(['ecr', 'create-repository', '--repository-name', 'ecr/empty'], root))
    json(await s.aws(['ecr', 'delete-repository', '--repository-name', 'ecr/empty'], root))
  })

  test('describe-registry', async () => {
    assert.deepEqual(json(await s.aws(['ecr', 'describe-registry'], root)), { registryId: ACCOUNT, replicationConfiguration: { rules: [] } })
  })

  test('a wrong secret, an unknown key, an expired key, a key without the grant and a skewed clock are refused', async () => {
    const wrong = await s.aws(['ecr', 'describe-registry'], { id: root.id, secret: `${root.secret.slice(0, -4)}AAAA` })
    assert.equal(cliError(wrong), 'InvalidSignatureException')
    assert.match(wrong.stderr, /The request signature we calculated does not match the signature you provided/)
    const unknown = await s.aws(['ecr', 'describe-registry'], { id: 'DDAKAAAAAAAAAAAAAAAA', secret: root.secret })
    assert.equal(cliError(unknown), 'UnrecognizedClientException')

    // Expiry: the key's expiry is moved into the past in the server's own database (no waiting).
    const expiring = await s.newKey(ALICE, ['--expires-in', '1h'])
    assert.equal(json(await s.aws(['ecr', 'describe-registry'], expiring))['registryId'], ACCOUNT)
    const db = new DatabaseSync(join(s.drydock.dataDir, 'metadata.db'))
    db.exec('PRAGMA busy_timeout = 5000')
    db.prepare('UPDATE access_keys SET expires_at = ? WHERE id = ?').run(Date.now() - 1000, expiring.id)
    db.close()
    assert.equal(cliError(await s.aws(['ecr', 'describe-registry'], expiring)), 'ExpiredTokenException')

    // alice may manage her own namespace only.
    const alice = await s.newKey(ALICE)
    json(await s.aws(['ecr', 'create-repository', '--repository-name', 'alice/app'], alice))
    const denied = await s.aws(['ecr', 'create-repository', '--repository-name', 'visit-counter-app2'], alice)
    assert.equal(cliError(denied), 'AccessDeniedException')
    assert.match(denied.stderr, /User: alice is not authorized to perform: ecr:CreateRepository on resource: arn:aws:ecr:us-east-1:123456789012:repository\/visit-counter-app2/)
    assert.equal(cliError(await s.aws(['ecr', 'describe-repositories', '--repository-names', 'visit-counter-app'], alice)), 'AccessDeniedException')
    assert.equal(cliError(await s.aws(['ecr', 'delete-repository', '--repository-name', 'visit-counter-app', '--force'], alice)), 'AccessDeniedException')
    const listed = json(await s.aws(['ecr', 'describe-repositories'], alice))['repositories'].map((r: { repositoryName: string }) => r.repositoryName)
    assert.deepEqual(listed, ['alice/app'])

    const skewed = await signedCall(s.drydock.url, root, 'DescribeRegistry', {}, { date: new Date(Date.now() - 20 * 60_000) })
    assert.equal(skewed.status, 403)
    assert.equal(skewed.json['__type'], 'InvalidSignatureException')
    assert.match(String(skewed.json['message']), /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/)
    const otherRegion = await s.aws(['ecr', 'describe-registry', '--region', 'eu-west-1'], root)
    assert.equal(cliError(otherRegion), 'InvalidSignatureException')
  })

  test('robot keys: managed by the org admin, act with the robot\'s grants only', async () => {
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/orgs', { name: 'acme' })).status, 201)
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/orgs/acme/robots', { name: 'ci', grants: [{ target: 'acme/*', role: 'read' }] })).status, 201)
    const refused = await s.api(ALICE, 'POST', '/api/v1/access-keys', { robot: 'robot$acme+ci' })
    assert.equal(refused.status, 403)
    const robot = await s.newKey(ADMIN, ['--robot', 'robot$acme+ci'])
    assert.equal(cliError(await s.aws(['ecr', 'create-repository', '--repository-name', 'acme/app'], robot)), 'AccessDeniedException')
    json(await s.aws(['ecr', 'create-repository', '--repository-name', 'acme/app'], root))
    assert.deepEqual(json(await s.aws(['ecr', 'describe-repositories'], robot))['repositories'].map((r: { repositoryName: string }) => r.repositoryName), ['acme/app'])
    // Its ECR password pulls (read) but does not push.
    const auth = join(s.home, 'robot-auth.json')
    const login = await s.sh(`/usr/bin/aws ecr get-login-password --endpoint-url "$ENDPOINT" | skopeo login --tls-verify=false --authfile '${auth}' --username AWS --password-stdin "$HOST"`, robot)
    assert.equal(login.code, 0, login.stderr)
    await assert.rejects(skopeo.run(['copy', '--authfile', auth, '--dest-tls-verify=false', BUSYBOX, `docker://${s.drydock.host}/acme/app:1`]), /denied/)
    const listed = await (await s.api(ADMIN, 'GET', `/api/v1/access-keys?robot=${encodeURIComponent('robot$acme+ci')}`)).json() as { accessKeys: Array<{ accessKeyId: string; lastUsedAt?: string }> }
    assert.deepEqual(listed.accessKeys.map((k) => k.accessKeyId), [robot.id])
    assert.ok(listed.accessKeys[0]?.lastUsedAt)
    assert.equal((await s.api(ADMIN, 'DELETE', `/api/v1/access-keys/${robot.id}`)).status, 204)
    assert.equal(cliError(await s.aws(['ecr', 'describe-registry'], robot)), 'UnrecognizedClientException')
  })

  test('drydock access-key list and delete', async () => {
    const env = { DRYDOCK_REGISTRY: s.drydock.url, DRYDOCK_USERNAME: ALICE.user, DRYDOCK_PASSWORD: ALICE.password }
    const key = await s.newKey(ALICE, ['--expires-in', '30d'])
    const listed = JSON.parse(await mustCli(['access-key', 'list', '--format', 'json'], env)) as { accessKeys: Array<{ accessKeyId: string; owner: string; expiresAt?: string }> }
    const mine = listed.accessKeys.find((k) => k.accessKeyId === key.id)
    assert.equal(mine?.owner, 'alice')
    assert.ok(mine?.expiresAt)
    assert.ok(!JSON.stringify(listed).includes(key.secret), 'listings never show a secret')
    await mustCli(['access-key', 'delete', key.id], env)
    assert.equal(cliError(await s.aws(['ecr', 'describe-registry'], key)), 'UnrecognizedClientException')
    const bad = await drydockCli(['access-key', 'create', '--expires-in', 'soon'], env)
    assert.equal(bad.code, 2)
    assert.match(bad.stderr, /invalid --expires-in 'soon'/)
  })

  test('no secret reaches the log, even at debug level', async () => {
    const out = s.drydock.output()
    assert.ok(out.includes('"level":20'), 'the server logs at debug level')
    assert.ok(!out.includes(root.secret), 'the secret access key is never logged')
    const password = Buffer.from(JSON.parse((await s.aws(['ecr', 'get-authorization-token'], root)).stdout).authorizationData[0].authorizationToken, 'base64').toString().slice(4)
    const token = await fetch(`${s.drydock.url}/token?service=drydock&scope=repository:ecr/pushed:pull`, { headers: { authorization: `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}` } })
    assert.equal(token.status, 200, 'the ECR password logs in as AWS')
    assert.ok(!s.drydock.output().includes(password), 'nor the ECR password it logged in with')
  })
})
