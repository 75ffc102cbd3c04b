// podman push / pull against the registry, with private storage and config (see podman-env.ts).
// The image enters podman from a shared OCI layout; the pushed digest (--digestfile) must be the
// one the registry serves, and the image pulled back after `podman rmi` must carry that digest
// and the original config digest (image ID).
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { blobPath, layoutRoot } from '../../src/testkit/oci-layout-digests.ts'
import { createContainersEnv, type ContainersEnv } from '../../src/testkit/podman-env.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { mustRun, requireTool, runTool, type ToolResult } from '../../src/testkit/run-tool.ts'
import { ALL_MANIFEST_TYPES, logsOnFailure, remoteManifestDigest, startRegistryUnderTest, type RegistryUnderTest } from './registry-under-test.ts'

requireTestdata()

describe('podman against the registry', { timeout: 600_000 }, () => {
  const bin = requireTool('podman')
  let registry: RegistryUnderTest
  let ctx: ContainersEnv
  let work: string

  const podman = (args: readonly string[]): Promise<ToolResult> =>
    mustRun(bin, [...ctx.storageFlags, ...args], { env: ctx.env, timeoutMs: 240_000 })

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-e2e-podman-'))
    ctx = await createContainersEnv()
    registry = await startRegistryUnderTest()
  })
  afterEach((t) => logsOnFailure(t, { registry: registry?.output }))
  after(async () => {
    await registry?.stop()
    await ctx?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  for (const [name, tag] of [
    ['busybox', '1'],
    ['python-app', '1.0.0'],
  ] as const) {
    test(`${name}: podman pull from a layout, push, rmi, pull`, { timeout: 300_000 }, async () => {
      const layout = join(IMAGES_DIR, name)
      const root = await layoutRoot(layout, tag)
      const manifest = JSON.parse(await readFile(blobPath(layout, root.digest), 'utf8')) as { config: { digest: string } }
      const repo = `e2e/podman-${name}`
      const image = `${registry.host}/${repo}:${tag}`
      const policy = ['--signature-policy', ctx.policyPath]

      // podman prints the ID of the pulled image last; an oci: pull gets no usable name.
      const loaded = (await podman(['pull', ...policy, `oci:${layout}:${tag}`])).stdout.trim().split('\n').at(-1) ?? ''
      assert.equal(`sha256:${loaded}`, manifest.config.digest)
      await podman(['tag', loaded, image])
      const digestFile = join(work, `${name}.digest`)
      await podman(['push', ...policy, '--tls-verify=false', '--digestfile', digestFile, image])
      const pushed = (await readFile(digestFile, 'utf8')).trim()
      assert.match(pushed, /^sha256:[a-f0-9]{64}$/)
      assert.equal(await remoteManifestDigest(registry.url, repo, tag, ALL_MANIFEST_TYPES), pushed)

      await podman(['rmi', '--force', loaded])
      const gone = await runTool(bin, [...ctx.storageFlags, 'image', 'exists', image], { env: ctx.env })
      assert.equal(gone.code, 1, `${image} still present after podman rmi: ${gone.stderr}`)

      await podman(['pull', ...policy, '--tls-verify=false', image])
      const inspect = await podman(['image', 'inspect', '--format', '{{.Id}} {{.Digest}}', image])
      const [id, digest] = inspect.stdout.trim().split(' ')
      assert.equal(`sha256:${id ?? ''}`, manifest.config.digest, 'image ID (config digest) changed')
      assert.equal(digest, pushed, 'pulled image digest differs from the pushed one')
    })
  }
})
