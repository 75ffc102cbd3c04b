// The registry's signatures API (GET /api/v1/repositories/{name}/images/{ref}/signatures) on a
// real `drydock serve` with trusted keys per namespace from its JSON config file: images pushed
// with skopeo and the test OCI client, signed and attested with the real `drydock` CLI.
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { OciClient, uniqueRepo } from '../../src/testkit/oci-client.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { keyIdOf, loadPublicKey } from '../../src/trust/keys/key-pair.ts'
import { describe, drydock, generateKeys, tempDir } from './trust-fixture.ts'

interface TrustAnswer {
  digest: string
  signed: boolean
  verifiedBy: string[]
  trustedKeys: string[]
  signatures: { form: 'referrer' | 'tag'; digest: string; keyId?: string; verified: boolean; reason?: { code: string } }[]
  attestations: { digest: string; predicateType?: string; verified: boolean; keyId?: string; reason?: { code: string } }[]
}

let server: RunningDrydock
let skopeo: Skopeo
let dir: Awaited<ReturnType<typeof tempDir>>
let trusted: { key: string; pub: string }
let untrusted: { key: string; pub: string }
let trustedId: string

before(async () => {
  requireTestdata()
  dir = await tempDir('registry-api')
  trusted = await generateKeys(dir.path, 'trusted')
  untrusted = await generateKeys(dir.path, 'untrusted')
  const pem = await readFile(trusted.pub, 'utf8')
  trustedId = keyIdOf(loadPublicKey(pem))
  // `team-a` by a key file relative to the config file, `release` inline; `nokeys` trusts nobody
  // explicitly, and there is no `*`, so every other namespace has no keys either.
  const config = join(dir.path, 'drydock.json')
  await writeFile(config, JSON.stringify({ trust: { namespaces: { 'team-a': [{ file: 'trusted.pub' }], release: [pem], nokeys: [] } } }))
  server = await startDrydock({ args: ['--config', config] })
  skopeo = await createSkopeo()
})
after(async () => {
  await server?.stop()
  await skopeo?.dispose()
  await dir?.remove()
})

async function signatures(repo: string, ref: string, headers: Record<string, string> = {}): Promise<{ status: number; body: TrustAnswer }> {
  const res = await fetch(`${server.url}/api/v1/repositories/${repo}/images/${ref}/signatures`, { headers })
  return { status: res.status, body: (await res.json()) as TrustAnswer }
}

async function sign(ref: string, key: string, ...extra: string[]): Promise<void> {
  const res = await drydock(['sign', `${server.host}/${ref}`, '--key', key, ...extra])
  assert.equal(res.code, 0, describe(res))
}

test('an image signed by the trusted key in both forms, with an SBOM attestation (pushed with skopeo)', async () => {
  await skopeo.copy(`oci:${join(IMAGES_DIR, 'busybox')}:1`, `docker://${server.host}/team-a/busybox:1`)
  await sign('team-a/busybox:1', trusted.key)
  await sign('team-a/busybox:1', trusted.key, '--tag-form')
  const sbom = join(dir.path, 'sbom.json')
  await writeFile(sbom, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [] }))
  const attested = await drydock(['attest', `${server.host}/team-a/busybox:1`, '--key', trusted.key, '--type', 'cyclonedx', '--predicate', sbom])
  assert.equal(attested.code, 0, describe(attested))

  const { status, body } = await signatures('team-a/busybox', '1')
  assert.equal(status, 200, JSON.stringify(body))
  const head = await fetch(`${server.url}/v2/team-a/busybox/manifests/1`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })
  assert.equal(body.digest, head.headers.get('docker-content-digest'))
  assert.equal(body.signed, true)
  assert.deepEqual(body.verifiedBy, [trustedId])
  assert.deepEqual(body.trustedKeys, [trustedId])
  assert.deepEqual(body.signatures.map((s) => [s.form, s.verified, s.keyId]).sort(), [['referrer', true, trustedId], ['tag', true, trustedId]])
  assert.equal(body.attestations.length, 1, JSON.stringify(body.attestations))
  assert.equal(body.attestations[0]?.predicateType, 'https://cyclonedx.org/bom')
  assert.equal(body.attestations[0]?.verified, true)
  assert.equal(body.attestations[0]?.keyId, trustedId)
  // The attestation is not mistaken for an image signature.
  assert.equal(body.signatures.length, 2)

  // By digest: the same answer about the same digest.
  const byDigest = await signatures('team-a/busybox', body.digest)
  assert.equal(byDigest.status, 200)
  assert.deepEqual(byDigest.body, body)
})

test('unsigned image: signed false and nothing listed', async () => {
  const repo = `team-a/${uniqueRepo('plain')}`
  const img = await new OciClient(server.url).pushImage(repo, { tag: 'v1' })
  const { status, body } = await signatures(repo, 'v1')
  assert.equal(status, 200)
  assert.equal(body.digest, img.digest)
  assert.equal(body.signed, false)
  assert.deepEqual(body.verifiedBy, [])
  assert.deepEqual(body.signatures, [])
  assert.deepEqual(body.attestations, [])
})

test('signed by an untrusted key: signed false, the signature listed as not verified', async () => {
  const repo = `team-a/${uniqueRepo('other')}`
  await new OciClient(server.url).pushImage(repo, { tag: 'v1' })
  await sign(`${repo}:v1`, untrusted.key)
  const { body } = await signatures(repo, 'v1')
  assert.equal(body.signed, false)
  assert.deepEqual(body.verifiedBy, [])
  assert.equal(body.signatures.length, 1)
  assert.equal(body.signatures[0]?.form, 'referrer')
  assert.equal(body.signatures[0]?.verified, false)
  assert.equal(body.signatures[0]?.reason?.code, 'SIGNATURE_INVALID')
  assert.equal(body.signatures[0]?.keyId, undefined, 'an untrusted key is never named as the signer')
})

test('a namespace with no keys configured (explicit [] or no match) is never signed', async () => {
  for (const ns of ['nokeys', 'elsewhere']) {
    const repo = `${ns}/${uniqueRepo('app')}`
    await new OciClient(server.url).pushImage(repo, { tag: 'v1' })
    await sign(`${repo}:v1`, trusted.key)
    const { body } = await signatures(repo, 'v1')
    assert.equal(body.signed, false, ns)
    assert.deepEqual(body.trustedKeys, [], ns)
    assert.equal(body.signatures.length, 1, ns)
    assert.equal(body.signatures[0]?.verified, false, ns)
  }
})

test('an inline PEM key in the config is trusted for its namespace', async () => {
  const repo = `release/${uniqueRepo('app')}`
  await new OciClient(server.url).pushImage(repo, { tag: 'v1' })
  await sign(`${repo}:v1`, trusted.key)
  const { body } = await signatures(repo, 'v1')
  assert.equal(body.signed, true)
  assert.deepEqual(body.verifiedBy, [trustedId])
})

test('a tag moved after signing answers for the new, unsigned digest', async () => {
  const repo = `team-a/${uniqueRepo('moved')}`
  const client = new OciClient(server.url)
  const first = await client.pushImage(repo, { tag: 'latest' })
  await sign(`${repo}:latest`, trusted.key)
  const second = await client.pushImage(repo, { tag: 'latest' })
  const now = await signatures(repo, 'latest')
  assert.equal(now.body.digest, second.digest)
  assert.equal(now.body.signed, false)
  assert.equal((await signatures(repo, first.digest)).body.signed, true)
})

test('unknown repository or tag: 404; bad names: 400', async () => {
  assert.equal((await signatures('team-a/does-not-exist', 'v1')).status, 404)
  const repo = `team-a/${uniqueRepo('known')}`
  await new OciClient(server.url).pushImage(repo, { tag: 'v1' })
  assert.equal((await signatures(repo, 'v2')).status, 404)
  assert.equal((await signatures('Team-A/x', 'v1')).status, 400)
  assert.equal((await fetch(`${server.url}/api/v1/repositories/${repo}/images/v1/signatures/extra`)).status, 404)
})
