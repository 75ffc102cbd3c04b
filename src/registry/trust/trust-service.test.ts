// TrustService in-process (the method the pull and deploy gates call): a real registry app
// listening on 127.0.0.1, images pushed with the test OCI client and signed with src/trust's
// signer over HTTP; verification then reads the registry's own services, no HTTP.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { after, before, test } from 'node:test'
import type { Digest } from '../../oci/digest.ts'
import { MediaType } from '../../oci/media-types.ts'
import type { RepositoryName } from '../../oci/reference.ts'
import { imageManifest, OciClient, uniqueRepo } from '../../testkit/oci-client.ts'
import { keyIdOf } from '../../trust/keys/key-pair.ts'
import { SIMPLE_SIGNING_MEDIA_TYPE } from '../../trust/payload/simple-signing.ts'
import { TrustRegistryClient } from '../../trust/registry-client/trust-registry-client.ts'
import { signImage } from '../../trust/sign/sign-image.ts'
import { SIGNATURE_ANNOTATION, signatureTag } from '../../trust/storage/tag-form.ts'
import { startFixture, type RegistryFixture } from '../testing/registry-fixture.ts'

const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const trustedId = keyIdOf(trusted.publicKey)
let fx: RegistryFixture
let host: string
let oci: OciClient

before(async () => {
  fx = await startFixture({ trust: { namespaces: { 'team-a': [trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString()] } } })
  await fx.app.listen({ host: '127.0.0.1', port: 0 })
  const addr = fx.app.server.address()
  host = `127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
  oci = new OciClient(`http://${host}`)
})
after(async () => fx?.close())

async function pushAndSign(repo: string, key = trusted.privateKey, form: 'referrer' | 'tag' = 'referrer'): Promise<Digest> {
  const img = await oci.pushImage(repo, { tag: 'v1' })
  const client = new TrustRegistryClient({ registry: host })
  await signImage({ client, image: { registry: host, repository: repo as RepositoryName, digest: img.digest }, key, form })
  return img.digest
}

test('isSignedByTrustedKey: trusted key in either form → signed by it; other key or no keys → not signed', async () => {
  const trust = fx.app.drydockTrust
  for (const form of ['referrer', 'tag'] as const) {
    const repo = `team-a/${uniqueRepo('gate')}` as RepositoryName
    assert.deepEqual(await trust.isSignedByTrustedKey(repo, await pushAndSign(repo, trusted.privateKey, form)), { signed: true, by: [trustedId] }, form)
  }
  const wrong = `team-a/${uniqueRepo('gate')}` as RepositoryName
  assert.deepEqual(await trust.isSignedByTrustedKey(wrong, await pushAndSign(wrong, other.privateKey)), { signed: false, by: [] })
  const unconfigured = `team-b/${uniqueRepo('gate')}` as RepositoryName
  assert.deepEqual(await trust.isSignedByTrustedKey(unconfigured, await pushAndSign(unconfigured)), { signed: false, by: [] })
  const unsigned = `team-a/${uniqueRepo('gate')}` as RepositoryName
  const img = await oci.pushImage(unsigned, { tag: 'v1' })
  assert.deepEqual(await trust.isSignedByTrustedKey(unsigned, img.digest), { signed: false, by: [] })
})

test('a signature copied onto another image does not count for it', async () => {
  const repo = `team-a/${uniqueRepo('copy')}` as RepositoryName
  const signed = await pushAndSign(repo)
  const victim = await oci.pushImage(repo, { tag: 'v2' })
  // Copy the signed image's valid `.sig` manifest under the victim's signature tag.
  const sig = await oci.request('GET', `/v2/${repo}/manifests/${signatureTag(signed)}`, { headers: { accept: MediaType.ociManifest } })
  assert.equal(sig.status, 404, 'referrer form only so far')
  const client = new TrustRegistryClient({ registry: host })
  await signImage({ client, image: { registry: host, repository: repo, digest: signed }, key: trusted.privateKey, form: 'tag' })
  const bytes = (await oci.request('GET', `/v2/${repo}/manifests/${signatureTag(signed)}`, { headers: { accept: MediaType.ociManifest } })).body
  assert.equal((await oci.putManifest(repo, signatureTag(victim.digest), bytes)).status, 201)
  const report = await fx.app.drydockTrust.report(repo, victim.digest)
  assert.equal(report.signed, false)
  assert.equal(report.signatures[0]?.reason?.code, 'DIGEST_MISMATCH')
})

test('hostile stored data (an oversized payload blob behind a lying size) is reported, never thrown, and does not hide a valid signature', async () => {
  const repo = `team-a/${uniqueRepo('hostile')}` as RepositoryName
  const digest = await pushAndSign(repo)
  const big = await oci.pushBlob(repo, Buffer.alloc(200 * 1024, 0x7b))
  const config = await oci.pushBlob(repo, Buffer.from('{}'), MediaType.ociConfig)
  const layer = { ...big, mediaType: SIMPLE_SIGNING_MEDIA_TYPE, size: 10, annotations: { [SIGNATURE_ANNOTATION]: 'AAAA' } }
  assert.equal((await oci.putManifest(repo, signatureTag(digest), JSON.stringify(imageManifest(config, [layer])))).status, 201)

  assert.deepEqual(await fx.app.drydockTrust.isSignedByTrustedKey(repo, digest), { signed: true, by: [trustedId] })
  const report = await fx.app.drydockTrust.report(repo, digest)
  assert.deepEqual(report.problems.map((p) => p.code), ['TOO_LARGE'])
  assert.deepEqual(report.signatures.map((s) => [s.form, s.verified]), [['referrer', true]])
})
