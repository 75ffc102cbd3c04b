// Every refusal of `drydock verify`, each with its own reason, in both storage forms: the
// referrer form on Drydock and cosign's tag form on the reference registry. The hostile
// signatures are built with the trust library (as an attacker with push rights could), and
// verification runs through the real CLI.
import assert from 'node:assert/strict'
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe as suite, test } from 'node:test'
import type { Digest } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { OciClient, uniqueRepo } from '../../src/testkit/oci-client.ts'
import { startDrydock } from '../../src/testkit/start-drydock.ts'
import { startReferenceRegistry } from '../../src/testkit/start-reference-registry.ts'
import { messageSignatureBundle, signBytes } from '../../src/trust/bundle/sigstore-bundle.ts'
import { keyIdOf } from '../../src/trust/keys/key-pair.ts'
import { buildSimpleSigningPayload } from '../../src/trust/payload/simple-signing.ts'
import { createTrustPolicy } from '../../src/trust/policy/trust-policy.ts'
import { TrustRegistryClient } from '../../src/trust/registry-client/trust-registry-client.ts'
import { attachBundle } from '../../src/trust/storage/referrer-form.ts'
import { appendTagSignature } from '../../src/trust/storage/tag-form.ts'
import { verifyImageSignatures } from '../../src/trust/verify/verify-image-signatures.ts'
import { describe, drydock, tempDir } from './trust-fixture.ts'

interface Target {
  readonly name: string
  readonly form: 'referrer' | 'tag'
  start(): Promise<{ url: string; host: string; stop(): Promise<void> }>
}

const TARGETS: readonly Target[] = [
  { name: 'Drydock (referrer form)', form: 'referrer', start: () => startDrydock() },
  { name: 'reference registry (tag form)', form: 'tag', start: () => startReferenceRegistry() },
]

function newKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
}

for (const target of TARGETS) {
  suite(target.name, () => {
    let reg: Awaited<ReturnType<Target['start']>>
    let dir: Awaited<ReturnType<typeof tempDir>>
    let client: TrustRegistryClient
    let oci: OciClient
    const trusted = newKey()
    const other = newKey()
    let trustedPub: string
    let otherPub: string

    before(async () => {
      reg = await target.start()
      dir = await tempDir('refusals')
      client = new TrustRegistryClient({ registry: reg.host })
      oci = new OciClient(reg.url)
      trustedPub = join(dir.path, 'trusted.pub')
      otherPub = join(dir.path, 'other.pub')
      await writeFile(trustedPub, trusted.publicKey.export({ type: 'spki', format: 'pem' }))
      await writeFile(otherPub, other.publicKey.export({ type: 'spki', format: 'pem' }))
    })
    after(async () => {
      await reg?.stop()
      await dir?.remove()
    })

    /** Stores `signature` over `signedPayload` for `digest`, presenting `storedPayload` as what was signed. */
    async function store(repo: string, digest: Digest, size: number, signedPayload: Buffer, storedPayload: Buffer, key: KeyObject): Promise<void> {
      const signature = signBytes(signedPayload, key)
      if (target.form === 'tag') return appendTagSignature(client, repo, digest, storedPayload, signature)
      const bundle = messageSignatureBundle(signedPayload, signature, keyIdOf(trusted.publicKey))
      await attachBundle(client, repo, { mediaType: MediaType.ociManifest, digest, size }, bundle, { content: 'message-signature', payload: storedPayload })
    }

    async function verifyFails(repo: string, pub = trustedPub): Promise<string> {
      const res = await drydock(['verify', `${reg.host}/${repo}:v1`, '--key', pub])
      assert.equal(res.code, 1, describe(res))
      assert.doesNotMatch(res.stdout, /Verified/)
      return res.stderr
    }

    test('an unsigned image', async () => {
      const repo = uniqueRepo('refuse')
      await oci.pushImage(repo, { tag: 'v1' })
      const stderr = await verifyFails(repo)
      assert.match(stderr, /\[UNSIGNED\] no signatures found .* the image is unsigned/)
    })

    test('a signature by another key', async () => {
      const repo = uniqueRepo('refuse')
      const img = await oci.pushImage(repo, { tag: 'v1' })
      const payload = buildSimpleSigningPayload(`${reg.host}/${repo}`, img.digest)
      await store(repo, img.digest, img.bytes.byteLength, payload, payload, other.privateKey)
      assert.match(await verifyFails(repo), /\[SIGNATURE_INVALID\] the signature does not verify with any trusted key \(signed by another key/)
      // The same signature verifies with the key that made it: the refusal is about trust, not format.
      const ok = await drydock(['verify', `${reg.host}/${repo}:v1`, '--key', otherPub])
      assert.equal(ok.code, 0, describe(ok))
    })

    test('a tampered payload', async () => {
      const repo = uniqueRepo('refuse')
      const img = await oci.pushImage(repo, { tag: 'v1' })
      const signed = buildSimpleSigningPayload(`${reg.host}/${repo}`, img.digest)
      const tampered = buildSimpleSigningPayload(`${reg.host}/${repo}`, img.digest, { approved: 'yes' })
      await store(repo, img.digest, img.bytes.byteLength, signed, tampered, trusted.privateKey)
      const stderr = await verifyFails(repo)
      if (target.form === 'referrer') {
        // The bundle records the digest of what was signed, so the alteration is named as such.
        assert.match(stderr, /\[PAYLOAD_TAMPERED\] the payload was altered after signing/)
      } else {
        // cosign's tag layout keeps no record of the original bytes: the signature just fails.
        assert.match(stderr, /\[SIGNATURE_INVALID\] .*the payload was altered after signing/)
      }
    })

    test('a signature for another digest', async () => {
      const repo = uniqueRepo('refuse')
      const img = await oci.pushImage(repo, { tag: 'v1' })
      const otherImg = await oci.pushImage(repo, { tag: 'v2' })
      const payload = buildSimpleSigningPayload(`${reg.host}/${repo}`, otherImg.digest)
      await store(repo, img.digest, img.bytes.byteLength, payload, payload, trusted.privateKey)
      assert.match(await verifyFails(repo), new RegExp(`\\[DIGEST_MISMATCH\\] the signature is for another image digest \\(${otherImg.digest}\\), not ${img.digest}`))
    })

    test('a payload naming another image', async () => {
      const repo = uniqueRepo('refuse')
      const img = await oci.pushImage(repo, { tag: 'v1' })
      const payload = buildSimpleSigningPayload(`${reg.host}/somebody/else`, img.digest)
      await store(repo, img.digest, img.bytes.byteLength, payload, payload, trusted.privateKey)
      assert.match(await verifyFails(repo), new RegExp(`\\[IDENTITY_MISMATCH\\] the signed payload names another image \\(${reg.host}/somebody/else\\)`))
    })

    test('service API: verifyImageSignatures with a namespace trust policy', async () => {
      const repo = uniqueRepo('team-a')
      const img = await oci.pushImage(repo, { tag: 'v1' })
      const payload = buildSimpleSigningPayload(`${reg.host}/${repo}`, img.digest)
      await store(repo, img.digest, img.bytes.byteLength, payload, payload, trusted.privateKey)
      const pem = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }).toString()
      const policy = createTrustPolicy({ namespaces: { 'team-a': [pem(trusted.publicKey)], '*': [pem(other.publicKey)] } })
      const yes = await verifyImageSignatures(client, repo, img.digest, policy.keysFor(repo))
      assert.equal(yes.signed, true)
      assert.deepEqual(yes.by, [keyIdOf(trusted.publicKey)])
      // Under the default namespace only `other` is trusted: same signature, not signed.
      const no = await verifyImageSignatures(client, repo, img.digest, policy.keysFor('team-b/x'))
      assert.equal(no.signed, false)
      assert.deepEqual(no.failures.map((f) => f.code), ['SIGNATURE_INVALID'])
    })
  })
}
