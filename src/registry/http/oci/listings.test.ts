import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MediaType } from '../../../oci/media-types.ts'
import { imageManifest, putManifest, startFixture, type RegistryFixture } from '../../testing/registry-fixture.ts'

describe('content discovery over HTTP', () => {
  let fx: RegistryFixture
  before(async () => {
    fx = await startFixture()
  })
  after(() => fx.close())

  it('lists tags lexically and paginates with n/last and a Link header', async () => {
    const img = await imageManifest(fx.app, 'disc/tags', 't')
    for (const t of ['v2', 'latest', 'V1', 'a', 'v10']) assert.equal((await putManifest(fx.app, 'disc/tags', t, img.manifest)).statusCode, 201)
    const all = await fx.app.inject({ url: '/v2/disc/tags/tags/list' })
    assert.deepEqual(JSON.parse(all.body), { name: 'disc/tags', tags: ['V1', 'a', 'latest', 'v10', 'v2'] })
    assert.equal(all.headers['link'], undefined)
    const first = await fx.app.inject({ url: '/v2/disc/tags/tags/list?n=2' })
    assert.deepEqual((JSON.parse(first.body) as { tags: string[] }).tags, ['V1', 'a'])
    assert.equal(first.headers['link'], '</v2/disc/tags/tags/list?n=2&last=a>; rel="next"')
    const second = await fx.app.inject({ url: '/v2/disc/tags/tags/list?n=2&last=a' })
    assert.deepEqual((JSON.parse(second.body) as { tags: string[] }).tags, ['latest', 'v10'])
    const none = await fx.app.inject({ url: '/v2/disc/tags/tags/list?n=0' })
    assert.deepEqual((JSON.parse(none.body) as { tags: string[] }).tags, [])
    const bad = await fx.app.inject({ url: '/v2/disc/tags/tags/list?n=-1' })
    assert.equal(bad.statusCode, 400)
    const unknown = await fx.app.inject({ url: '/v2/disc/none/tags/list' })
    assert.equal(unknown.statusCode, 404)
    assert.equal((JSON.parse(unknown.body) as { errors: Array<{ code: string }> }).errors[0]?.code, 'NAME_UNKNOWN')
  })

  it('lists the catalog with pagination', async () => {
    await imageManifest(fx.app, 'cat/a', '1')
    await imageManifest(fx.app, 'cat/b', '2')
    const page = await fx.app.inject({ url: '/v2/_catalog?n=1&last=cat/a' })
    assert.deepEqual(JSON.parse(page.body), { repositories: ['cat/b'] })
    assert.match(String(page.headers['link']), /rel="next"/)
  })

  it('lists referrers with artifactType, annotations and an artifactType filter', async () => {
    const base = await imageManifest(fx.app, 'disc/ref', 'base')
    await putManifest(fx.app, 'disc/ref', 'v1', base.manifest)
    const subject = { mediaType: MediaType.ociManifest, digest: base.digest, size: base.manifest.length }
    const sig = await imageManifest(fx.app, 'disc/ref', 'sig', { subject, artifactType: 'application/vnd.example.sig', annotations: { 'org.example': 'yes' } })
    const sbom = await imageManifest(fx.app, 'disc/ref', 'sbom', { subject })
    assert.equal((await putManifest(fx.app, 'disc/ref', sig.digest, sig.manifest)).statusCode, 201)
    assert.equal((await putManifest(fx.app, 'disc/ref', sbom.digest, sbom.manifest)).statusCode, 201)

    const res = await fx.app.inject({ url: `/v2/disc/ref/referrers/${base.digest}` })
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], MediaType.ociIndex)
    const index = JSON.parse(res.body) as { schemaVersion: number; mediaType: string; manifests: Array<Record<string, unknown>> }
    assert.equal(index.schemaVersion, 2)
    assert.equal(index.manifests.length, 2)
    const sigDesc = index.manifests.find((m) => m['digest'] === sig.digest)
    assert.equal(sigDesc?.['artifactType'], 'application/vnd.example.sig')
    assert.deepEqual(sigDesc?.['annotations'], { 'org.example': 'yes' })
    assert.equal(sigDesc?.['size'], sig.manifest.length)
    const sbomDesc = index.manifests.find((m) => m['digest'] === sbom.digest)
    assert.equal(sbomDesc?.['artifactType'], MediaType.ociConfig, 'falls back to the config media type')

    const filtered = await fx.app.inject({ url: `/v2/disc/ref/referrers/${base.digest}?artifactType=application/vnd.example.sig` })
    assert.equal(filtered.headers['oci-filters-applied'], 'artifactType')
    assert.deepEqual((JSON.parse(filtered.body) as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest), [sig.digest])

    const empty = await fx.app.inject({ url: `/v2/disc/ref/referrers/${sig.digest}` })
    assert.equal(empty.statusCode, 200)
    assert.deepEqual((JSON.parse(empty.body) as { manifests: unknown[] }).manifests, [])
    const bad = await fx.app.inject({ url: '/v2/disc/ref/referrers/sha256:nothex' })
    assert.equal(bad.statusCode, 400)
  })
})
