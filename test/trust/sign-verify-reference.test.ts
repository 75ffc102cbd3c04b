// Round trip against the reference registry (CNCF distribution 2.8, no referrers API): signing
// detects the missing API and falls back to cosign's tag form; verify finds it there. Uses a
// real image from ../shared/testdata copied in with skopeo.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { OciClient } from '../../src/testkit/oci-client.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startReferenceRegistry, type RunningReferenceRegistry } from '../../src/testkit/start-reference-registry.ts'
import { signatureTag } from '../../src/trust/storage/tag-form.ts'
import { describe, drydock, generateKeys, tempDir } from './trust-fixture.ts'

let registry: RunningReferenceRegistry
let skopeo: Skopeo
let dir: Awaited<ReturnType<typeof tempDir>>

before(async () => {
  requireTestdata()
  registry = await startReferenceRegistry()
  skopeo = await createSkopeo()
  dir = await tempDir('refreg')
})
after(async () => {
  await registry?.stop()
  await skopeo?.dispose()
  await dir?.remove()
})

test('sign falls back to the tag form without a referrers API; verify accepts it', async () => {
  const keys = await generateKeys(dir.path, 'signer')
  await skopeo.copy(`oci:${join(IMAGES_DIR, 'busybox')}:1`, `docker://${registry.host}/test/busybox:1`)
  const client = new OciClient(registry.url)
  const manifest = await client.request('GET', '/v2/test/busybox/manifests/1', { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })
  assert.equal(manifest.status, 200)
  const digest = digestOf(manifest.body)

  const signed = await drydock(['sign', `${registry.host}/test/busybox:1`, '--key', keys.key])
  assert.equal(signed.code, 0, describe(signed))
  assert.match(signed.stdout, /form: tag/)
  assert.equal((await client.request('GET', `/v2/test/busybox/manifests/${signatureTag(digest)}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).status, 200)

  const verified = await drydock(['verify', `${registry.host}/test/busybox:1`, '--key', keys.pub])
  assert.equal(verified.code, 0, describe(verified))
  assert.match(verified.stdout, new RegExp(`Verified ${registry.host}/test/busybox@${digest}`))
  assert.match(verified.stdout, /\(tag form/)

  const forced = await drydock(['sign', `${registry.host}/test/busybox:1`, '--key', keys.key, '--referrer-form'])
  assert.equal(forced.code, 0, describe(forced))
  // Without the API the artifact is listed in the referrers tag schema index, and verify finds it.
  const json = await drydock(['verify', `${registry.host}/test/busybox:1`, '--key', keys.pub, '--output', 'json'])
  assert.equal(json.code, 0, describe(json))
  assert.deepEqual((JSON.parse(json.stdout) as { signatures: { form: string }[] }).signatures.map((s) => s.form).sort(), ['referrer', 'tag'])
})
