// buildah push / pull against the registry, plus a tiny build (from, copy, commit) on top of an
// image pulled from the registry. Private storage and config as for podman (podman-env.ts).
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { layoutRoot } from '../../src/testkit/oci-layout-digests.ts'
import { createContainersEnv, type ContainersEnv } from '../../src/testkit/podman-env.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { mustRun, requireTool, runTool, type ToolResult } from '../../src/testkit/run-tool.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { ALL_MANIFEST_TYPES, logsOnFailure, remoteManifestDigest, startRegistryUnderTest, type RegistryUnderTest } from './registry-under-test.ts'

requireTestdata()

describe('buildah against the registry', { timeout: 600_000 }, () => {
  const bin = requireTool('buildah')
  let registry: RegistryUnderTest
  let ctx: ContainersEnv
  let skopeo: Skopeo
  let work: string

  const buildah = (args: readonly string[]): Promise<ToolResult> =>
    mustRun(bin, [...ctx.storageFlags, ...args], { env: ctx.env, timeoutMs: 240_000 })

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-e2e-buildah-'))
    ctx = await createContainersEnv()
    skopeo = await createSkopeo()
    registry = await startRegistryUnderTest()
  })
  afterEach((t) => logsOnFailure(t, { registry: registry?.output }))
  after(async () => {
    await registry?.stop()
    await skopeo?.dispose()
    await ctx?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  test('pull an image pushed by skopeo, build on it, push, rmi, pull back', { timeout: 300_000 }, async () => {
    const layout = join(IMAGES_DIR, 'busybox')
    const root = await layoutRoot(layout, '1')
    const base = `${registry.host}/e2e/buildah-base:1`
    await skopeo.copy(`oci:${layout}:1`, `docker://${base}`)
    const policy = ['--signature-policy', ctx.policyPath]
    const tls = ['--tls-verify=false']

    await buildah(['pull', ...policy, ...tls, base])
    const pulledBase = await buildah(['images', '--format', '{{.Digest}}', base])
    assert.equal(pulledBase.stdout.trim(), root.digest, 'buildah pulled the base under another digest')

    const container = (await buildah(['from', ...policy, '--pull-never', base])).stdout.trim()
    const file = join(work, 'hello.txt')
    await writeFile(file, 'built by buildah\n')
    await buildah(['copy', container, file, '/hello.txt'])
    const repo = 'e2e/buildah-built'
    const image = `${registry.host}/${repo}:1`
    await buildah(['commit', '--format', 'oci', container, image])
    await buildah(['rm', container])

    const digestFile = join(work, 'built.digest')
    await buildah(['push', ...policy, ...tls, '--digestfile', digestFile, image])
    const pushed = (await readFile(digestFile, 'utf8')).trim()
    assert.equal(await remoteManifestDigest(registry.url, repo, '1', ALL_MANIFEST_TYPES), pushed)

    await buildah(['rmi', '--all', '--force'])
    const gone = await runTool(bin, [...ctx.storageFlags, 'images', '--quiet'], { env: ctx.env })
    assert.equal(gone.stdout.trim(), '', `images left after rmi --all:\n${gone.stdout}`)

    await buildah(['pull', ...policy, ...tls, image])
    const pulled = await buildah(['images', '--format', '{{.Digest}}', image])
    assert.equal(pulled.stdout.trim(), pushed, 'pulled image digest differs from the pushed one')
    // The build's content survived: mount the image's rootfs and read the file back.
    const check = (await buildah(['from', ...policy, '--pull-never', image])).stdout.trim()
    const mountpoint = (await buildah(['mount', check])).stdout.trim()
    assert.equal(await readFile(join(mountpoint, 'hello.txt'), 'utf8'), 'built by buildah\n')
    await buildah(['umount', check])
    await buildah(['rm', check])
  })
})
