// Hostile or broken signature stores give clear refusals, never a crash or a hang: an oversized
// payload layer, a .sig tag that is not JSON, a bundle that is not a bundle, a referrer whose
// own subject names another image, and a DSSE attestation whose statement was swapped.
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { after, before, test } from 'node:test'
import { digestHex, digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { EMPTY_DESCRIPTOR, EMPTY_JSON, OciClient, uniqueRepo } from '../../src/testkit/oci-client.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { BUNDLE_V03_MEDIA_TYPE, dsseBundle } from '../../src/trust/bundle/sigstore-bundle.ts'
import { keyIdOf } from '../../src/trust/keys/key-pair.ts'
import { IN_TOTO_PAYLOAD_TYPE, PREDICATE_TYPES, buildStatement } from '../../src/trust/payload/in-toto-statement.ts'
import { TrustRegistryClient } from '../../src/trust/registry-client/trust-registry-client.ts'
import { attachBundle } from '../../src/trust/storage/referrer-form.ts'
import { verifyAttestations } from '../../src/trust/verify/verify-attestations.ts'
import { verifyImageSignatures } from '../../src/trust/verify/verify-image-signatures.ts'

let dd: RunningDrydock
let oci: OciClient
let client: TrustRegistryClient
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const trusted = [{ keyId: keyIdOf(key.publicKey), key: key.publicKey }]

before(async () => {
  dd = await startDrydock()
  oci = new OciClient(dd.url)
  client = new TrustRegistryClient({ registry: dd.host })
})
after(async () => {
  await dd?.stop()
})

test('an oversized payload layer in the .sig manifest is refused unread', async () => {
  const repo = uniqueRepo('hostile')
  const img = await oci.pushImage(repo)
  const big = await oci.pushBlob(repo, Buffer.alloc(200 * 1024, 0x20), 'application/vnd.dev.cosign.simplesigning.v1+json')
  const manifest = { schemaVersion: 2, mediaType: MediaType.ociManifest, config: await oci.pushBlob(repo, EMPTY_JSON, MediaType.ociEmpty), layers: [{ ...big, annotations: { 'dev.cosignproject.cosign/signature': 'AAAA' } }] }
  assert.equal((await oci.putManifest(repo, `sha256-${digestHex(img.digest)}.sig`, JSON.stringify(manifest))).status, 201)
  const v = await verifyImageSignatures(client, repo, img.digest, trusted)
  assert.equal(v.signed, false)
  assert.deepEqual(v.failures.map((f) => f.code), ['TOO_LARGE'])
})

test('a bundle layer that is not a Sigstore bundle, and a referrer about another image', async () => {
  const repo = uniqueRepo('hostile')
  const img = await oci.pushImage(repo)
  const otherImg = await oci.pushImage(repo)
  const junk = await oci.pushBlob(repo, Buffer.from('{"mediaType":"nope"}'), BUNDLE_V03_MEDIA_TYPE)
  await oci.pushBlob(repo, EMPTY_JSON, MediaType.ociEmpty)
  const artifact = { schemaVersion: 2, mediaType: MediaType.ociManifest, artifactType: BUNDLE_V03_MEDIA_TYPE, config: EMPTY_DESCRIPTOR, layers: [junk, await oci.pushBlob(repo, Buffer.from('{}'), 'application/vnd.dev.cosign.simplesigning.v1+json')], subject: img.descriptor }
  const bytes = JSON.stringify(artifact)
  assert.equal((await oci.putManifest(repo, digestOf(bytes), bytes)).status, 201)
  const v = await verifyImageSignatures(client, repo, img.digest, trusted)
  assert.equal(v.signed, false)
  assert.deepEqual(v.failures.map((f) => f.code), ['BUNDLE_INVALID'])
  assert.match(v.failures[0]?.message ?? '', /not a valid Sigstore bundle/)
  // The same artifact is nothing to the other image, whatever an index might claim.
  const o = await verifyImageSignatures(client, repo, otherImg.digest, trusted)
  assert.deepEqual(o.failures.map((f) => f.code), ['UNSIGNED'])
})

test('a DSSE attestation with a swapped statement fails its signature', async () => {
  const repo = uniqueRepo('hostile')
  const img = await oci.pushImage(repo)
  const statement = buildStatement(`${dd.host}/${repo}`, img.digest, PREDICATE_TYPES.vuln, { scanner: { result: [] } })
  const bundle = JSON.parse(dsseBundle(IN_TOTO_PAYLOAD_TYPE, statement, key.privateKey, trusted[0]?.keyId ?? '').toString()) as { dsseEnvelope: { payload: string } }
  const forged = buildStatement(`${dd.host}/${repo}`, img.digest, PREDICATE_TYPES.vuln, { scanner: { result: [], note: 'all clear' } })
  bundle.dsseEnvelope.payload = forged.toString('base64')
  await attachBundle(client, repo, img.descriptor, Buffer.from(JSON.stringify(bundle)), { content: 'dsse-envelope', predicateType: PREDICATE_TYPES.vuln })
  const v = await verifyAttestations(client, repo, img.digest, PREDICATE_TYPES.vuln, trusted)
  assert.equal(v.verified, false)
  assert.deepEqual(v.failures.map((f) => f.code), ['SIGNATURE_INVALID'])
  // The untouched envelope verifies (the check above is about the swap, not the format).
  await attachBundle(client, repo, img.descriptor, dsseBundle(IN_TOTO_PAYLOAD_TYPE, statement, key.privateKey, 'k'), { content: 'dsse-envelope', predicateType: PREDICATE_TYPES.vuln })
  const ok = await verifyAttestations(client, repo, img.digest, PREDICATE_TYPES.vuln, trusted)
  assert.equal(ok.verified, true)
})
