// Attestations: `drydock attest` signs an in-toto statement (DSSE in a Sigstore bundle) and
// attaches it as a referrer; `drydock verify-attestation` checks key, subject digest and
// predicate type. On Drydock via the referrers API, on the reference registry via the
// referrers tag schema index.
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { OciClient, uniqueRepo } from '../../src/testkit/oci-client.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { startReferenceRegistry, type RunningReferenceRegistry } from '../../src/testkit/start-reference-registry.ts'
import { describe, drydock, generateKeys, tempDir } from './trust-fixture.ts'

let dd: RunningDrydock
let ref: RunningReferenceRegistry
let dir: Awaited<ReturnType<typeof tempDir>>
let keys: { key: string; pub: string }
let other: { key: string; pub: string }
let sbomPath: string

before(async () => {
  dd = await startDrydock()
  ref = await startReferenceRegistry()
  dir = await tempDir('attest')
  keys = await generateKeys(dir.path, 'signer')
  other = await generateKeys(dir.path, 'other')
  sbomPath = join(dir.path, 'sbom.cdx.json')
  await writeFile(sbomPath, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [{ type: 'library', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' }] }))
})
after(async () => {
  await dd?.stop()
  await ref?.stop()
  await dir?.remove()
})

for (const [label, reg] of [['Drydock', () => dd], ['reference registry', () => ref]] as const) {
  test(`attest a CycloneDX SBOM and verify it (${label})`, async () => {
    const host = reg().host
    const oci = new OciClient(reg().url)
    const repo = uniqueRepo('attest')
    const img = await oci.pushImage(repo, { tag: 'v1' })

    const attested = await drydock(['attest', `${host}/${repo}:v1`, '--key', keys.key, '--type', 'cyclonedx', '--predicate', sbomPath])
    assert.equal(attested.code, 0, describe(attested))
    assert.match(attested.stdout, /predicate: https:\/\/cyclonedx.org\/bom/)

    const ok = await drydock(['verify-attestation', `${host}/${repo}:v1`, '--key', keys.pub, '--type', 'cyclonedx', '--output', 'json'])
    assert.equal(ok.code, 0, describe(ok))
    const verdict = JSON.parse(ok.stdout) as { verified: boolean; attestations: { statement: { _type: string; subject: { digest: { sha256: string } }[]; predicateType: string; predicate: { components: { name: string }[] } } }[] }
    assert.equal(verdict.verified, true)
    const st = verdict.attestations[0]?.statement
    assert.equal(st?._type, 'https://in-toto.io/Statement/v1')
    assert.equal(`sha256:${st?.subject[0]?.digest.sha256}`, img.digest)
    assert.equal(st?.predicate.components[0]?.name, 'lodash')

    const wrongKey = await drydock(['verify-attestation', `${host}/${repo}:v1`, '--key', other.pub, '--type', 'cyclonedx'])
    assert.equal(wrongKey.code, 1, describe(wrongKey))
    assert.match(wrongKey.stderr, /\[SIGNATURE_INVALID\]/)

    const wrongType = await drydock(['verify-attestation', `${host}/${repo}:v1`, '--key', keys.pub, '--type', 'vuln'])
    assert.equal(wrongType.code, 1, describe(wrongType))
    assert.match(wrongType.stderr, /\[UNSIGNED\] no https:\/\/cosign.sigstore.dev\/attestation\/vuln\/v1 attestations found/)

    // An attestation is not an image signature: verify still says unsigned.
    const sig = await drydock(['verify', `${host}/${repo}:v1`, '--key', keys.pub])
    assert.equal(sig.code, 1, describe(sig))
    assert.match(sig.stderr, /\[UNSIGNED\]/)
  })
}
