// The runbook (#15), its commands verbatim plus --endpoint-url (an `aws` shell function
// adds it), against a real `drydock serve` and a REAL Docker engine started for this file:
//   aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin <host>
//   aws ecr create-repository --repository-name visit-counter-app --image-scanning-configuration scanOnPush=true
//   docker push / docker pull with that login
//   aws ecr describe-repositories --repository-names react-app-haproxy
// (describe-image-scan-findings | jq and put-lifecycle-policy are the scan and lifecycle tests'.)
// The docker CLI runs in the same shell as the pipeline, with the engine's socket and a private
// DOCKER_CONFIG, so push and pull use exactly the credentials `docker login` stored.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDockerd, type RunningDockerd } from '../../src/testkit/start-dockerd.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { ADMIN, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'

requireTestdata()
const BUSYBOX = `oci:${join(IMAGES_DIR, 'busybox')}:1`

describe('the issue\'s runbook with a real Docker engine', { timeout: 900_000 }, () => {
  let s: EcrServer
  let key: AccessKey
  let engine: RunningDockerd
  let skopeo: Skopeo
  let work: string

  before(async () => {
    s = await startEcrServer()
    key = await s.newKey(ADMIN)
    skopeo = await createSkopeo()
    work = await mkdtemp(join(tmpdir(), 'drydock-ecr-runbook-'))
    engine = await startDockerd({ insecureRegistries: [s.drydock.host] })
  })
  afterEach((t) => logsOnFailure(t, { registry: s?.drydock.output, dockerd: engine?.output }))
  after(async () => {
    await engine?.stop()
    await skopeo?.dispose()
    await s?.stop()
    if (work) await rm(work, { recursive: true, force: true })
  })

  /** The runbook's shell: `aws` with --endpoint-url, `docker` on the test engine with a private config. */
  const runbook = async (commands: string) => {
    const r = await s.sh(
      `export DOCKER_HOST='${engine.host}' DOCKER_CONFIG='${join(work, 'docker-config')}' DOCKER_CLI_HINTS=false\n` +
      `aws() { /usr/bin/aws "$@" --endpoint-url "$ENDPOINT"; }\n${commands}`,
      key,
    )
    assert.equal(r.code, 0, `${commands}\n${r.stderr}`)
    return r.stdout
  }

  test('aws ecr get-login-password | docker login --username AWS --password-stdin', async () => {
    const out = await runbook(`aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin ${s.drydock.host}`)
    assert.match(out, /Login Succeeded/)
    // docker login trades the password for a refresh token (OAuth2 offline access) and stores that.
    const config = JSON.parse(await readFile(join(work, 'docker-config', 'config.json'), 'utf8')) as { auths: Record<string, { auth?: string; identitytoken?: string }> }
    const stored = config.auths[s.drydock.host]
    assert.match(Buffer.from(stored?.auth ?? '', 'base64').toString(), /^AWS:/, 'docker stored a login for the registry, as user AWS')
    assert.ok(stored?.identitytoken, JSON.stringify(Object.keys(stored ?? {})))
  })

  test('aws ecr create-repository … scanOnPush=true, then docker push and docker pull with that login', async () => {
    const created = JSON.parse(await runbook('aws ecr create-repository --repository-name visit-counter-app --image-scanning-configuration scanOnPush=true')) as { repository: Record<string, any> }
    assert.equal(created.repository['repositoryName'], 'visit-counter-app')
    assert.equal(created.repository['repositoryUri'], `${s.drydock.host}/visit-counter-app`)
    assert.deepEqual(created.repository['imageScanningConfiguration'], { scanOnPush: true })

    const image = `${s.drydock.host}/visit-counter-app:1.0.0`
    const archive = join(work, 'busybox.tar')
    const c = await skopeo.run(['copy', BUSYBOX, `docker-archive:${archive}:${image}`])
    assert.equal(c.code, 0, c.stderr)
    await engine.docker(['load', '-i', archive])
    const pushed = await runbook(`docker push ${image}`)
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed)?.[1]
    assert.ok(digest, pushed)

    await engine.docker(['image', 'rm', '--force', image])
    const pulled = await runbook(`docker pull ${image}`)
    assert.match(pulled, new RegExp(`Digest: ${digest}`))
    const ran = await engine.docker(['image', 'inspect', '--format', '{{index .RepoDigests 0}}', image])
    assert.equal(ran.stdout.trim(), `${s.drydock.host}/visit-counter-app@${digest}`)
  })

  test('aws ecr describe-repositories --repository-names react-app-haproxy (a repository made by docker push)', async () => {
    const image = `${s.drydock.host}/react-app-haproxy:latest`
    await engine.docker(['tag', `${s.drydock.host}/visit-counter-app:1.0.0`, image])
    await runbook(`docker push ${image}`)
    const described = JSON.parse(await runbook('aws ecr describe-repositories --repository-names react-app-haproxy')) as { repositories: Array<Record<string, unknown>> }
    assert.equal(described.repositories.length, 1)
    assert.equal(described.repositories[0]?.['repositoryName'], 'react-app-haproxy')
    assert.equal(described.repositories[0]?.['repositoryUri'], `${s.drydock.host}/react-app-haproxy`)
  })
})
