// containerd's ctr against the registry over plain HTTP, with a containerd this file starts.
// The image enters containerd by `ctr images import` of an oci-archive that skopeo makes from a
// shared layout; ctr pushes it, the local image is removed, and ctr pulls it back. containerd
// keeps manifests byte-for-byte, so every digest must equal the layout's.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { layoutRoot } from '../../src/testkit/oci-layout-digests.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startContainerd, type RunningContainerd } from '../../src/testkit/start-containerd.ts'
import { ALL_MANIFEST_TYPES, logsOnFailure, remoteManifestDigest, startRegistryUnderTest, type RegistryUnderTest } from './registry-under-test.ts'

requireTestdata()

describe('containerd ctr against the registry', { timeout: 600_000 }, () => {
  let registry: RegistryUnderTest
  let containerd: RunningContainerd
  let skopeo: Skopeo
  let work: string

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-e2e-ctr-'))
    skopeo = await createSkopeo()
    registry = await startRegistryUnderTest()
    containerd = await startContainerd()
  })
  afterEach((t) => logsOnFailure(t, { registry: registry?.output, containerd: containerd?.output }))
  after(async () => {
    await containerd?.stop()
    await registry?.stop()
    await skopeo?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  /** The digest column of `ctr images ls` for `ref`, or undefined when it is not listed. */
  async function localDigest(ref: string): Promise<string | undefined> {
    const out = await containerd.ctr(['images', 'ls'])
    for (const line of out.stdout.split('\n')) {
      const [name, , digest] = line.split(/\s+/)
      if (name === ref) return digest
    }
    return undefined
  }

  test('ctr pulls a Docker schema 2 image (converted by skopeo) and keeps its digest', { timeout: 300_000 }, async () => {
    const repo = 'e2e/ctr-docker-v2s2'
    const image = `${registry.host}/${repo}:1`
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'alpine-3.20')}:3.20.3`, `docker://${image}`, { format: 'v2s2' })
    const served = await remoteManifestDigest(registry.url, repo, '1', ['application/vnd.docker.distribution.manifest.v2+json'])
    await containerd.ctr(['images', 'pull', '--plain-http', image], { timeoutMs: 240_000 })
    assert.equal(await localDigest(image), served)
    const manifest = JSON.parse((await containerd.ctr(['content', 'get', served])).stdout) as { mediaType?: string }
    assert.equal(manifest.mediaType, 'application/vnd.docker.distribution.manifest.v2+json')
  })

  for (const [name, tag] of [
    ['busybox', '1'],
    ['multiarch-busybox', '1'],
    ['node-app-on-debian', '1.0.0'],
  ] as const) {
    test(`${name}: ctr import, push --plain-http, rm, pull --plain-http`, { timeout: 300_000 }, async () => {
      const layout = join(IMAGES_DIR, name)
      const root = await layoutRoot(layout, tag)
      const isIndex = root.mediaType === 'application/vnd.oci.image.index.v1+json'
      const repo = `e2e/ctr-${name}`
      const image = `${registry.host}/${repo}:${tag}`
      const archive = join(work, `${name}.tar`)
      await skopeo.copy(`oci:${layout}:${tag}`, `oci-archive:${archive}:${tag}`, { all: isIndex })
      await containerd.ctr(['images', 'import', '--all-platforms', '--base-name', `${registry.host}/${repo}`, archive])
      assert.equal(await localDigest(image), root.digest, `ctr import did not create ${image}`)

      await containerd.ctr(['images', 'push', '--plain-http', image], { timeoutMs: 240_000 })
      assert.equal(await remoteManifestDigest(registry.url, repo, tag, ALL_MANIFEST_TYPES), root.digest)

      await containerd.ctr(['images', 'rm', '--sync', image])
      assert.equal(await localDigest(image), undefined, `${image} still listed after ctr images rm`)
      // --sync ran the garbage collector: the pull below must fetch the bytes from the registry.
      const leftover = await containerd.tryCtr(['content', 'get', root.digest])
      assert.notEqual(leftover.code, 0, `${root.digest} still in the content store after rm --sync`)

      const platforms = isIndex ? ['--all-platforms'] : []
      await containerd.ctr(['images', 'pull', '--plain-http', ...platforms, image], { timeoutMs: 240_000 })
      assert.equal(await localDigest(image), root.digest)
      const check = await containerd.ctr(['images', 'check', `name==${image}`])
      assert.match(check.stdout, /complete \(\d+\/\d+\)/, `pulled image incomplete:\n${check.stdout}`)
    })
  }
})
