import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { digestOf } from '../../../oci/digest.ts'
import { MediaType } from '../../../oci/media-types.ts'
import { imageManifest, putManifest, startFixture, type RegistryFixture } from '../../testing/registry-fixture.ts'
import { DEFAULT_CONFIG } from '../../config/config.ts'

const errorCode = (body: string): string => (JSON.parse(body) as { errors: Array<{ code: string }> }).errors[0]?.code ?? ''

describe('manifests over HTTP', () => {
  let fx: RegistryFixture
  before(async () => {
    fx = await startFixture({ limits: { ...DEFAULT_CONFIG.limits, maxManifestBytes: 64 * 1024 } })
  })
  after(() => fx.close())

  it('stores a manifest by tag and serves it by tag and digest, GET and HEAD', async () => {
    const img = await imageManifest(fx.app, 'lib/app', 'a')
    const put = await putManifest(fx.app, 'lib/app', 'v1', img.manifest)
    assert.equal(put.statusCode, 201)
    assert.equal(put.headers['docker-content-digest'], img.digest)
    assert.equal(put.headers['location'], `/v2/lib/app/manifests/${img.digest}`)
    for (const ref of ['v1', img.digest]) {
      const get = await fx.app.inject({ url: `/v2/lib/app/manifests/${ref}`, headers: { accept: MediaType.ociManifest } })
      assert.equal(get.statusCode, 200)
      assert.equal(get.headers['content-type'], MediaType.ociManifest)
      assert.equal(get.headers['docker-content-digest'], img.digest)
      assert.equal(get.rawPayload.equals(img.manifest), true, 'bytes are served unchanged')
      const cached = await fx.app.inject({ url: `/v2/lib/app/manifests/${ref}`, headers: { 'if-none-match': `"${img.digest}"` } })
      assert.equal(cached.statusCode, 304)
      const head = await fx.app.inject({ method: 'HEAD', url: `/v2/lib/app/manifests/${ref}` })
      assert.equal(head.statusCode, 200)
      assert.equal(head.headers['content-length'], String(img.manifest.length))
      assert.equal(head.body, '')
    }
  })

  it('answers MANIFEST_UNKNOWN when Accept excludes the stored type, and serves it for wildcards', async () => {
    const img = await imageManifest(fx.app, 'lib/acc', 'b')
    await putManifest(fx.app, 'lib/acc', 'v1', img.manifest)
    const docker = await fx.app.inject({ url: '/v2/lib/acc/manifests/v1', headers: { accept: MediaType.dockerManifest } })
    assert.equal(docker.statusCode, 404)
    assert.equal(errorCode(docker.body), 'MANIFEST_UNKNOWN')
    const both = await fx.app.inject({ url: '/v2/lib/acc/manifests/v1', headers: { accept: `${MediaType.dockerManifest}, ${MediaType.ociManifest};q=0.9` } })
    assert.equal(both.statusCode, 200)
    const any = await fx.app.inject({ url: '/v2/lib/acc/manifests/v1', headers: { accept: '*/*' } })
    assert.equal(any.statusCode, 200)
  })

  it('rejects a manifest whose blobs are not in the repository, naming the digest', async () => {
    const img = await imageManifest(fx.app, 'lib/other', 'c')
    const res = await putManifest(fx.app, 'lib/missing', 'v1', img.manifest)
    assert.equal(res.statusCode, 404)
    const body = JSON.parse(res.body) as { errors: Array<{ code: string; detail: { digest: string } }> }
    assert.equal(body.errors[0]?.code, 'MANIFEST_BLOB_UNKNOWN')
    assert.match(body.errors[0]?.detail.digest ?? '', /^sha256:/)
  })

  it('accepts an index only when its child manifests exist', async () => {
    const img = await imageManifest(fx.app, 'lib/idx', 'd')
    const index = (digest: string): Buffer => Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [{ mediaType: MediaType.ociManifest, digest, size: img.manifest.length, platform: { os: 'linux', architecture: 'amd64' } }],
    }))
    const early = await putManifest(fx.app, 'lib/idx', 'multi', index(img.digest), MediaType.ociIndex)
    assert.equal(early.statusCode, 404)
    assert.equal(errorCode(early.body), 'MANIFEST_BLOB_UNKNOWN')
    assert.equal((await putManifest(fx.app, 'lib/idx', img.digest, img.manifest)).statusCode, 201)
    const ok = await putManifest(fx.app, 'lib/idx', 'multi', index(img.digest), MediaType.ociIndex)
    assert.equal(ok.statusCode, 201)
  })

  it('accepts a subject that does not exist and returns OCI-Subject', async () => {
    const subject = { mediaType: MediaType.ociManifest, digest: digestOf('not pushed'), size: 10 }
    const img = await imageManifest(fx.app, 'lib/sub', 'e', { subject, artifactType: 'application/vnd.example.sig' })
    const res = await putManifest(fx.app, 'lib/sub', img.digest, img.manifest)
    assert.equal(res.statusCode, 201)
    assert.equal(res.headers['oci-subject'], subject.digest)
  })

  it('rejects a digest reference that does not match the body', async () => {
    const img = await imageManifest(fx.app, 'lib/dig', 'f')
    const res = await putManifest(fx.app, 'lib/dig', digestOf('something else'), img.manifest)
    assert.equal(res.statusCode, 400)
    assert.equal(errorCode(res.body), 'DIGEST_INVALID')
  })

  it('stores by a sha512 digest reference', async () => {
    const img = await imageManifest(fx.app, 'lib/s512', 'g')
    const d512 = digestOf(img.manifest, 'sha512')
    const res = await putManifest(fx.app, 'lib/s512', d512, img.manifest)
    assert.equal(res.statusCode, 201)
    assert.equal(res.headers['docker-content-digest'], d512)
    assert.equal((await fx.app.inject({ url: `/v2/lib/s512/manifests/${d512}` })).statusCode, 200)
  })

  it('refuses garbage and oversized bodies with client errors', async () => {
    const garbage = await putManifest(fx.app, 'lib/bad', 'v1', Buffer.from('{not json'))
    assert.equal(garbage.statusCode, 400)
    assert.equal(errorCode(garbage.body), 'MANIFEST_INVALID')
    const binary = await putManifest(fx.app, 'lib/bad', 'v1', Buffer.from([0xff, 0xfe, 0x00]))
    assert.equal(binary.statusCode, 400)
    const huge = await putManifest(fx.app, 'lib/bad', 'v1', Buffer.alloc(65 * 1024, 32))
    assert.equal(huge.statusCode, 413)
    assert.equal(errorCode(huge.body), 'SIZE_INVALID')
    const badTag = await putManifest(fx.app, 'lib/bad', '-bad-tag', Buffer.from('{}'))
    assert.equal(badTag.statusCode, 400)
  })

  it('deletes a tag (202) and a manifest by digest (202), then reports them unknown', async () => {
    const img = await imageManifest(fx.app, 'lib/del', 'h')
    await putManifest(fx.app, 'lib/del', 'v1', img.manifest)
    await putManifest(fx.app, 'lib/del', 'v2', img.manifest)
    assert.equal((await fx.app.inject({ method: 'DELETE', url: '/v2/lib/del/manifests/v1' })).statusCode, 202)
    assert.equal((await fx.app.inject({ url: '/v2/lib/del/manifests/v1' })).statusCode, 404)
    assert.equal((await fx.app.inject({ url: '/v2/lib/del/manifests/v2' })).statusCode, 200)
    assert.equal((await fx.app.inject({ method: 'DELETE', url: `/v2/lib/del/manifests/${img.digest}` })).statusCode, 202)
    const gone = await fx.app.inject({ url: `/v2/lib/del/manifests/${img.digest}` })
    assert.equal(gone.statusCode, 404)
    assert.equal(errorCode(gone.body), 'MANIFEST_UNKNOWN')
    assert.equal((await fx.app.inject({ url: '/v2/lib/del/manifests/v2' })).statusCode, 404, 'tags of a deleted manifest go too')
    const again = await fx.app.inject({ method: 'DELETE', url: `/v2/lib/del/manifests/${img.digest}` })
    assert.equal(errorCode(again.body), 'MANIFEST_UNKNOWN')
  })

  it('reports NAME_UNKNOWN for a repository that does not exist', async () => {
    const res = await fx.app.inject({ url: '/v2/no/such/repo/manifests/latest' })
    assert.equal(res.statusCode, 404)
    assert.equal(errorCode(res.body), 'NAME_UNKNOWN')
  })
})
