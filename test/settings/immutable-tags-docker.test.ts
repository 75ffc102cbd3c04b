// Tag immutability through `docker push` (issue #14), against a real `drydock serve` and a Docker
// engine this file starts. e2e/frozen is created before its first push as
// IMMUTABLE_WITH_EXCLUSION with `latest` excluded. Images enter the engine by `docker load` of
// docker-archives that skopeo makes from the shared OCI layouts, under the tag to push.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDockerd, type RunningDockerd } from '../../src/testkit/start-dockerd.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'

requireTestdata()
const BUSYBOX = `oci:${join(IMAGES_DIR, 'busybox')}:1`
const ALPINE = `oci:${join(IMAGES_DIR, 'alpine-3.19')}:3.19.4`
const SIG_TAG = `sha256-${'fedcba9876543210'.repeat(4)}.sig`

describe('immutable tags with docker push', { timeout: 900_000 }, () => {
  let server: RunningDrydock
  let engine: RunningDockerd
  let skopeo: Skopeo
  let work: string
  let loads = 0

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-immutable-docker-'))
    skopeo = await createSkopeo()
    server = await startDrydock({ args: ['--auth', 'off'] })
    engine = await startDockerd({ insecureRegistries: [server.host] })
    const res = await fetch(`${server.url}/api/v1/repositories`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ repositoryName: 'e2e/frozen', imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }] }),
    })
    assert.equal(res.status, 201, await res.text())
  })
  afterEach((t) => logsOnFailure(t, { registry: server?.output, dockerd: engine?.output }))
  after(async () => {
    await engine?.stop()
    await server?.stop()
    await skopeo?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  /** Loads `src` into the engine as e2e/frozen:`tag` and pushes it; resolves with docker's result. */
  async function loadAndPush(src: string, tag: string) {
    const image = `${server.host}/e2e/frozen:${tag}`
    const archive = join(work, `${++loads}.tar`)
    await skopeo.copy(src, `docker-archive:${archive}:${image}`)
    await engine.docker(['load', '--input', archive])
    return engine.tryDocker(['push', image])
  }
  const pushedDigest = (out: string): string => /digest: (sha256:[a-f0-9]{64})/.exec(out)?.[1] ?? ''

  test('overwriting v1 is refused and docker shows why; the same image again is fine', async () => {
    const first = await loadAndPush(BUSYBOX, 'v1')
    assert.equal(first.code, 0, first.stderr)
    const overwrite = await loadAndPush(ALPINE, 'v1')
    assert.notEqual(overwrite.code, 0, 'the second image must not replace v1')
    assert.match(`${overwrite.stdout}${overwrite.stderr}`, /tag v1 is immutable in e2e\/frozen: it already points at sha256:[0-9a-f]{64}/)
    const again = await loadAndPush(BUSYBOX, 'v1')
    assert.equal(again.code, 0, again.stderr)
    assert.equal(pushedDigest(again.stdout), pushedDigest(first.stdout))
  })

  test('the excluded tag (latest) and a cosign .sig tag move', async () => {
    for (const tag of ['latest', SIG_TAG]) {
      const a = await loadAndPush(BUSYBOX, tag)
      assert.equal(a.code, 0, a.stderr)
      const b = await loadAndPush(ALPINE, tag)
      assert.equal(b.code, 0, b.stderr)
      assert.notEqual(pushedDigest(b.stdout), pushedDigest(a.stdout))
    }
  })
})
