// Sign → push → verify round trips against a real Drydock server (referrer form, the default
// there because Drydock answers the OCI 1.1 referrers API), driven through the `drydock` CLI.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { MediaType } from '../../src/oci/media-types.ts'
import { OciClient, uniqueRepo } from '../../src/testkit/oci-client.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { BUNDLE_V03_MEDIA_TYPE } from '../../src/trust/bundle/sigstore-bundle.ts'
import { signatureTag } from '../../src/trust/storage/tag-form.ts'
import { describe, drydock, generateKeys, tempDir } from './trust-fixture.ts'

let server: RunningDrydock
let dir: Awaited<ReturnType<typeof tempDir>>
let keys: { key: string; pub: string }

before(async () => {
  server = await startDrydock()
  dir = await tempDir('drydock')
  keys = await generateKeys(dir.path, 'signer')
})
after(async () => {
  await server?.stop()
  await dir?.remove()
})

test('sign by tag stores a referrer bundle for the digest, and verify accepts it', async () => {
  const client = new OciClient(server.url)
  const repo = uniqueRepo('trust')
  const image = await client.pushImage(repo, { tag: 'v1' })

  const signed = await drydock(['sign', `${server.host}/${repo}:v1`, '--key', keys.key])
  assert.equal(signed.code, 0, describe(signed))
  assert.match(signed.stdout, new RegExp(`@${image.digest}`))
  assert.match(signed.stdout, /form: referrer/)

  // The registry indexes the signature under the image digest, with the bundle artifact type.
  const refs = await client.request('GET', `/v2/${repo}/referrers/${image.digest}`)
  assert.equal(refs.status, 200)
  const index = refs.json<{ manifests: { artifactType?: string }[] }>()
  assert.deepEqual(index.manifests.map((m) => m.artifactType), [BUNDLE_V03_MEDIA_TYPE])
  // …and the tag form was not written.
  assert.equal((await client.request('GET', `/v2/${repo}/manifests/${signatureTag(image.digest)}`)).status, 404)

  const verified = await drydock(['verify', `${server.host}/${repo}:v1`, '--key', keys.pub])
  assert.equal(verified.code, 0, describe(verified))
  assert.match(verified.stdout, /Verified .*@sha256:/)
  assert.match(verified.stdout, /signed by sha256:[0-9a-f]{64} \(referrer form/)

  const json = await drydock(['verify', `${server.host}/${repo}@${image.digest}`, '--key', keys.pub, '--output', 'json'])
  assert.equal(json.code, 0, describe(json))
  const verdict = JSON.parse(json.stdout) as { signed: boolean; by: string[]; signatures: { payload: { manifestDigest: string } }[] }
  assert.equal(verdict.signed, true)
  assert.equal(verdict.by.length, 1)
  assert.equal(verdict.signatures[0]?.payload.manifestDigest, image.digest)
})

test('a tag moved after signing does not carry the signature to the new image', async () => {
  const client = new OciClient(server.url)
  const repo = uniqueRepo('trust')
  await client.pushImage(repo, { tag: 'latest' })
  const signed = await drydock(['sign', `${server.host}/${repo}:latest`, '--key', keys.key])
  assert.equal(signed.code, 0, describe(signed))
  await client.pushImage(repo, { tag: 'latest' })
  const verified = await drydock(['verify', `${server.host}/${repo}:latest`, '--key', keys.pub])
  assert.equal(verified.code, 1, describe(verified))
  assert.match(verified.stderr, /\[UNSIGNED\]/)
})

test('--tag-form on Drydock writes cosign\'s .sig layout, and verify reads both forms together', async () => {
  const client = new OciClient(server.url)
  const repo = uniqueRepo('trust')
  const image = await client.pushImage(repo, { tag: 'v1' })
  const second = await generateKeys(dir.path, 'second')

  assert.equal((await drydock(['sign', `${server.host}/${repo}:v1`, '--key', keys.key, '--tag-form'])).code, 0)
  assert.equal((await drydock(['sign', `${server.host}/${repo}:v1`, '--key', second.key, '--tag-form'])).code, 0)
  assert.equal((await drydock(['sign', `${server.host}/${repo}:v1`, '--key', keys.key])).code, 0)

  const sig = await client.request('GET', `/v2/${repo}/manifests/${signatureTag(image.digest)}`, { headers: { accept: MediaType.ociManifest } })
  assert.equal(sig.status, 200)
  const layers = sig.json<{ layers: { mediaType: string; annotations: Record<string, string> }[] }>().layers
  assert.equal(layers.length, 2, 'each signature appends one layer')
  for (const l of layers) {
    assert.equal(l.mediaType, 'application/vnd.dev.cosign.simplesigning.v1+json')
    assert.ok(l.annotations['dev.cosignproject.cosign/signature'])
  }

  const both = await drydock(['verify', `${server.host}/${repo}:v1`, '--key', keys.pub, '--key', second.pub, '--output', 'json'])
  assert.equal(both.code, 0, describe(both))
  const verdict = JSON.parse(both.stdout) as { by: string[]; signatures: { form: string }[] }
  assert.equal(verdict.by.length, 2)
  assert.deepEqual(verdict.signatures.map((s) => s.form).sort(), ['referrer', 'tag', 'tag'])
})
