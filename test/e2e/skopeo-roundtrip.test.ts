// skopeo copies every shared test image (OCI layouts) into the registry and back out into a fresh
// layout. The round trip must be lossless: same manifest (or index) digest, same set of blobs,
// and every blob's bytes hash to its digest on the way out.
import assert from 'node:assert/strict'
import { readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { layoutRoot, reachableDigests } from '../../src/testkit/oci-layout-digests.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { ALL_MANIFEST_TYPES, logsOnFailure, remoteManifestDigest, startRegistryUnderTest, type RegistryUnderTest } from './registry-under-test.ts'

requireTestdata()
const images = readdirSync(IMAGES_DIR)
  .filter((name) => statSync(join(IMAGES_DIR, name)).isDirectory())
  .sort()

describe('skopeo round trip of every test image', { timeout: 900_000 }, () => {
  let registry: RegistryUnderTest
  let skopeo: Skopeo
  let outDir: string

  before(async () => {
    skopeo = await createSkopeo()
    registry = await startRegistryUnderTest()
    outDir = await mkdtemp(join(tmpdir(), 'drydock-e2e-skopeo-'))
  })
  afterEach((t) => logsOnFailure(t, { registry: registry?.output }))
  after(async () => {
    await registry?.stop()
    await skopeo?.dispose()
    if (outDir) await rm(outDir, { recursive: true, force: true })
  })

  test('the shared image set is not empty', () => {
    assert.ok(images.length >= 10, `expected the shared images in ${IMAGES_DIR}, found ${images.join(', ')}`)
  })

  test('skopeo list-tags, inspect and delete', { timeout: 120_000 }, async () => {
    const layout = join(IMAGES_DIR, 'alpine-3.19')
    const root = await layoutRoot(layout)
    const repo = `${registry.host}/e2e/skopeo-manage`
    for (const tag of ['a', 'b']) await skopeo.copy(`oci:${layout}`, `docker://${repo}:${tag}`)
    const tls = '--tls-verify=false'
    const tags = JSON.parse((await skopeo.run(['list-tags', tls, `docker://${repo}`])).stdout) as { Tags: string[] }
    assert.deepEqual([...tags.Tags].sort(), ['a', 'b'])
    const info = JSON.parse((await skopeo.run(['inspect', tls, `docker://${repo}:a`])).stdout) as { Digest: string }
    assert.equal(info.Digest, root.digest)
    // Deleting by digest removes the manifest and with it both tags.
    await skopeo.run(['delete', tls, `docker://${repo}@${root.digest}`])
    const gone = await fetch(`${registry.url}/v2/e2e/skopeo-manage/manifests/${root.digest}`, {
      headers: { accept: ALL_MANIFEST_TYPES.join(', ') },
    })
    assert.equal(gone.status, 404, 'manifest still served after skopeo delete')
    await gone.body?.cancel()
  })

  for (const name of images) {
    test(`${name}: push, pull back, digests identical`, { timeout: 300_000 }, async () => {
      const srcDir = join(IMAGES_DIR, name)
      const srcRoot = await layoutRoot(srcDir)
      const ref = srcRoot.annotations?.['org.opencontainers.image.ref.name']
      assert.ok(ref, `${name}/index.json has no ref.name annotation`)
      const all = srcRoot.mediaType === 'application/vnd.oci.image.index.v1+json'
      const remote = `${registry.host}/e2e/${name}:${ref}`

      await skopeo.copy(`oci:${srcDir}:${ref}`, `docker://${remote}`, { all })
      const served = await remoteManifestDigest(registry.url, `e2e/${name}`, ref, ALL_MANIFEST_TYPES)
      assert.equal(served, srcRoot.digest, `registry serves ${name}:${ref} under another digest`)

      const dstDir = join(outDir, name)
      await skopeo.copy(`docker://${remote}`, `oci:${dstDir}:${ref}`, { all })
      const dstRoot = await layoutRoot(dstDir, ref)
      assert.equal(dstRoot.digest, srcRoot.digest, 'manifest digest changed in the round trip')
      assert.equal(dstRoot.size, srcRoot.size)

      const srcBlobs = await reachableDigests(srcDir, srcRoot)
      const dstBlobs = await reachableDigests(dstDir, dstRoot)
      assert.deepEqual([...dstBlobs].sort(), [...srcBlobs].sort(), 'blob set changed in the round trip')
      await rm(dstDir, { recursive: true, force: true })
    })
  }
})
