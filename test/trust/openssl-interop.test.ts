// Interop with an independent ECDSA implementation (the openssl CLI), both ways:
// - openssl signs the exact payload bytes; the signature is stored in cosign's tag layout by
//   hand (raw registry requests, not Drydock's writer) and `drydock verify` accepts it;
// - `openssl dgst -sha256 -verify` accepts the signatures `drydock sign` wrote, in both forms.
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { digestHex, digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { OciClient, uniqueRepo } from '../../src/testkit/oci-client.ts'
import { mustRun, requireTool } from '../../src/testkit/run-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { startReferenceRegistry, type RunningReferenceRegistry } from '../../src/testkit/start-reference-registry.ts'
import { describe, drydock, generateKeys, tempDir } from './trust-fixture.ts'

let openssl: string
let ref: RunningReferenceRegistry
let dd: RunningDrydock
let dir: Awaited<ReturnType<typeof tempDir>>

before(async () => {
  openssl = requireTool('openssl')
  ref = await startReferenceRegistry()
  dd = await startDrydock()
  dir = await tempDir('openssl')
})
after(async () => {
  await ref?.stop()
  await dd?.stop()
  await dir?.remove()
})

test('drydock verify accepts an openssl signature stored in cosign\'s tag layout', async () => {
  const keyPem = join(dir.path, 'ossl.pem')
  const pubPem = join(dir.path, 'ossl.pub')
  await mustRun(openssl, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPem])
  await mustRun(openssl, ['pkey', '-in', keyPem, '-pubout', '-out', pubPem])

  const oci = new OciClient(ref.url)
  const repo = uniqueRepo('interop')
  const img = await oci.pushImage(repo, { tag: 'v1' })
  // The payload is written here from the cosign format, byte for byte, not by Drydock.
  const payload = Buffer.from(`{"critical":{"identity":{"docker-reference":"${ref.host}/${repo}"},"image":{"docker-manifest-digest":"${img.digest}"},"type":"cosign container image signature"},"optional":null}`)
  const payloadPath = join(dir.path, 'payload.json')
  const sigPath = join(dir.path, 'payload.sig')
  await writeFile(payloadPath, payload)
  await mustRun(openssl, ['dgst', '-sha256', '-sign', keyPem, '-out', sigPath, payloadPath])
  const signature = await readFile(sigPath)

  const layer = await oci.pushBlob(repo, payload, 'application/vnd.dev.cosign.simplesigning.v1+json')
  const config = await oci.pushBlob(repo, Buffer.from(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [layer.digest] } })), MediaType.ociConfig)
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config,
    layers: [{ ...layer, annotations: { 'dev.cosignproject.cosign/signature': signature.toString('base64') } }],
  }
  const put = await oci.putManifest(repo, `sha256-${digestHex(img.digest)}.sig`, JSON.stringify(manifest))
  assert.equal(put.status, 201, put.text())

  const res = await drydock(['verify', `${ref.host}/${repo}:v1`, '--key', pubPem])
  assert.equal(res.code, 0, describe(res))
  assert.match(res.stdout, /\(tag form/)

  // One flipped byte in the stored signature and the same check refuses.
  signature.writeUInt8((signature.at(-1) ?? 0) ^ 1, signature.length - 1)
  const bad = { ...manifest, layers: [{ ...layer, annotations: { 'dev.cosignproject.cosign/signature': signature.toString('base64') } }] }
  assert.equal((await oci.putManifest(repo, `sha256-${digestHex(img.digest)}.sig`, JSON.stringify(bad))).status, 201)
  const refused = await drydock(['verify', `${ref.host}/${repo}:v1`, '--key', pubPem])
  assert.equal(refused.code, 1, describe(refused))
  assert.match(refused.stderr, /SIGNATURE_INVALID/)
})

test('openssl verifies the signatures drydock sign writes, in the tag and the referrer form', async () => {
  const keys = await generateKeys(dir.path, 'dd')
  for (const [reg, form] of [[ref, 'tag'], [dd, 'referrer']] as const) {
    const oci = new OciClient(reg.url)
    const repo = uniqueRepo('interop')
    const img = await oci.pushImage(repo, { tag: 'v1' })
    const signed = await drydock(['sign', `${reg.host}/${repo}:v1`, '--key', keys.key])
    assert.equal(signed.code, 0, describe(signed))
    assert.match(signed.stdout, new RegExp(`form: ${form}`))

    let payload: Buffer
    let signature: Buffer
    if (form === 'tag') {
      const m = (await oci.request('GET', `/v2/${repo}/manifests/sha256-${digestHex(img.digest)}.sig`, { headers: { accept: MediaType.ociManifest } })).json<{ layers: { digest: string; annotations: Record<string, string> }[] }>()
      const l = m.layers[0]
      assert.ok(l)
      payload = (await oci.request('GET', `/v2/${repo}/blobs/${l.digest}`)).body
      signature = Buffer.from(l.annotations['dev.cosignproject.cosign/signature'] ?? '', 'base64')
    } else {
      const index = (await oci.request('GET', `/v2/${repo}/referrers/${img.digest}`)).json<{ manifests: { digest: string }[] }>()
      const art = (await oci.request('GET', `/v2/${repo}/manifests/${index.manifests[0]?.digest}`, { headers: { accept: MediaType.ociManifest } })).json<{ layers: { digest: string; mediaType: string }[] }>()
      const blob = async (mt: string): Promise<Buffer> => (await oci.request('GET', `/v2/${repo}/blobs/${art.layers.find((l) => l.mediaType === mt)?.digest}`)).body
      payload = await blob('application/vnd.dev.cosign.simplesigning.v1+json')
      const bundle = JSON.parse((await blob('application/vnd.dev.sigstore.bundle.v0.3+json')).toString()) as { messageSignature: { signature: string; messageDigest: { digest: string } } }
      signature = Buffer.from(bundle.messageSignature.signature, 'base64')
      assert.equal(Buffer.from(bundle.messageSignature.messageDigest.digest, 'base64').toString('hex'), digestHex(digestOf(payload)))
    }
    assert.match(payload.toString(), new RegExp(`"docker-manifest-digest":"${img.digest}"`))
    const payloadPath = join(dir.path, `${form}.payload`)
    const sigPath = join(dir.path, `${form}.sig`)
    await writeFile(payloadPath, payload)
    await writeFile(sigPath, signature)
    const ok = await mustRun(openssl, ['dgst', '-sha256', '-verify', keys.pub, '-signature', sigPath, payloadPath])
    assert.match(ok.stdout, /Verified OK/)
  }
})
