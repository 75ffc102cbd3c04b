// docker push / pull / build through a real Docker engine that this file starts itself.
// Images enter the engine by `docker load` of a docker-archive that skopeo makes from the shared
// OCI layouts; after a push the local copy is removed and pulled back, and the digests must agree
// everywhere (push output, RepoDigests, the registry's Docker-Content-Digest, the image ID).
// A second push to another repository must use a cross-repository blob mount.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { blobPath, layoutRoot } from '../../src/testkit/oci-layout-digests.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDockerd, type RunningDockerd } from '../../src/testkit/start-dockerd.ts'
import { ALL_MANIFEST_TYPES, logsOnFailure, remoteManifestDigest, startRegistryUnderTest, type RegistryUnderTest } from './registry-under-test.ts'

requireTestdata()

describe('docker engine against the registry', { timeout: 900_000 }, () => {
  let registry: RegistryUnderTest
  let engine: RunningDockerd
  let skopeo: Skopeo
  let work: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-e2e-docker-'))
    skopeo = await createSkopeo()
    registry = await startRegistryUnderTest()
    engine = await startDockerd({ insecureRegistries: [registry.host] })
  })
  afterEach((t) => logsOnFailure(t, { registry: registry?.output, dockerd: engine?.output }))
  after(async () => {
    await engine?.stop()
    await registry?.stop()
    await skopeo?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  /** The digest `docker push` reports, checked against RepoDigests and the registry. */
  async function pushAndCheck(image: string, repo: string, tag: string): Promise<string> {
    const push = await engine.docker(['push', image])
    const m = /digest: (sha256:[a-f0-9]{64}) size: \d+/.exec(push.stdout)
    assert.ok(m?.[1], `no digest in docker push output:\n${push.stdout}`)
    const pushed = m[1]
    assert.equal(await remoteManifestDigest(registry.url, repo, tag, ALL_MANIFEST_TYPES), pushed)
    assert.ok((await repoDigests(image)).includes(`${registry.host}/${repo}@${pushed}`))
    return pushed
  }

  async function repoDigests(image: string): Promise<string[]> {
    const out = await engine.docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', image])
    return JSON.parse(out.stdout) as string[]
  }

  async function imageId(image: string): Promise<string> {
    return (await engine.docker(['image', 'inspect', '--format', '{{.Id}}', image])).stdout.trim()
  }

  /** Removes the image locally, proves it is gone, pulls it back and checks the digest. */
  async function removeAndPull(image: string, repo: string, pushed: string): Promise<void> {
    await engine.docker(['image', 'rm', '--force', image])
    const gone = await engine.tryDocker(['image', 'inspect', image])
    assert.notEqual(gone.code, 0, `${image} still present after docker image rm`)
    const pull = await engine.docker(['pull', image])
    assert.match(pull.stdout, new RegExp(`Digest: ${pushed}`))
    assert.ok((await repoDigests(image)).includes(`${registry.host}/${repo}@${pushed}`))
  }

  for (const [name, tag] of [
    ['busybox', '1'],
    ['node-app-on-debian', '1.0.0'],
  ] as const) {
    test(`${name}: docker load, push, rm, pull`, { timeout: 300_000 }, async () => {
      const layout = join(IMAGES_DIR, name)
      const root = await layoutRoot(layout, tag)
      const manifest = JSON.parse(await readFile(blobPath(layout, root.digest), 'utf8')) as { config: { digest: string } }
      const repo = `e2e/docker-${name}`
      const image = `${registry.host}/${repo}:${tag}`
      const archive = join(work, `${name}.tar`)
      await skopeo.copy(`oci:${layout}:${tag}`, `docker-archive:${archive}:${image}`)
      const load = await engine.docker(['load', '-i', archive])
      assert.match(load.stdout, /Loaded image/)
      // The image ID is the config digest, which no conversion may change.
      assert.equal(await imageId(image), manifest.config.digest)

      const pushed = await pushAndCheck(image, repo, tag)
      await removeAndPull(image, repo, pushed)
      assert.equal(await imageId(image), manifest.config.digest)

      // Same image into another repository: docker knows the layers live in `repo` on this
      // registry and asks for a cross-repository mount instead of uploading them again.
      const otherRepo = `e2e/docker-mounted-${name}`
      const other = `${registry.host}/${otherRepo}:${tag}`
      await engine.docker(['tag', image, other])
      const mounted = await engine.docker(['push', other])
      assert.match(mounted.stdout, new RegExp(`Mounted from ${repo}`), `no cross-repo mount:\n${mounted.stdout}`)
      assert.equal(await remoteManifestDigest(registry.url, otherRepo, tag, ALL_MANIFEST_TYPES), pushed)

      // Pull by digest into a clean engine state.
      await engine.docker(['image', 'rm', '--force', image, other])
      const pinned = `${registry.host}/${otherRepo}@${pushed}`
      await engine.docker(['pull', pinned])
      assert.equal(await imageId(pinned), manifest.config.digest)
    })
  }

  test('docker pull of a multi-arch index picks the linux/amd64 image', { timeout: 300_000 }, async () => {
    const layout = join(IMAGES_DIR, 'multiarch-busybox')
    const index = await layoutRoot(layout, '1')
    // The layout's entry is a nested index; find the amd64 manifest and its config.
    const outer = JSON.parse(await readFile(blobPath(layout, index.digest), 'utf8')) as {
      manifests: { digest: string; platform?: { architecture: string; os: string } }[]
    }
    const amd64 = outer.manifests.find((m) => m.platform?.architecture === 'amd64' && m.platform.os === 'linux')
    assert.ok(amd64, 'multiarch-busybox has no linux/amd64 entry')
    const manifest = JSON.parse(await readFile(blobPath(layout, amd64.digest), 'utf8')) as { config: { digest: string } }

    const repo = 'e2e/docker-multiarch'
    const image = `${registry.host}/${repo}:1`
    await skopeo.copy(`oci:${layout}:1`, `docker://${image}`, { all: true })
    await engine.docker(['pull', image])
    assert.ok((await repoDigests(image)).includes(`${registry.host}/${repo}@${index.digest}`), 'RepoDigests lacks the index digest')
    assert.equal(await imageId(image), manifest.config.digest, 'docker did not pick the linux/amd64 manifest')
  })

  test('docker build FROM an image in the registry, push, pull, run', { timeout: 300_000 }, async () => {
    const base = `${registry.host}/e2e/docker-base:1`
    const layout = join(IMAGES_DIR, 'busybox')
    await skopeo.copy(`oci:${layout}:1`, `docker://${base}`)
    const ctx = join(work, 'build-context')
    await mkdir(ctx)
    const marker = `built by the drydock e2e test ${process.pid}\n`
    await writeFile(join(ctx, 'hello.txt'), marker)
    // COPY only: the build needs no network inside the build container.
    await writeFile(join(ctx, 'Dockerfile'), `FROM ${base}\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n`)

    const repo = 'e2e/docker-built'
    const image = `${registry.host}/${repo}:1`
    await engine.docker(['build', '--pull', '--network', 'none', '-t', image, ctx])
    const pushed = await pushAndCheck(image, repo, '1')
    await engine.docker(['image', 'rm', '--force', base])
    await removeAndPull(image, repo, pushed)
    const run = await engine.docker(['run', '--rm', '--network', 'none', image], { timeoutMs: 120_000 })
    assert.equal(run.stdout, marker)
  })
})
