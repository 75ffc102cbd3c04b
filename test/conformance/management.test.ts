// OCI Distribution Spec v1.1, "Content Management": DELETE of manifests by digest, tags and
// blobs (end-9, end-10), and what the other endpoints show afterwards.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { randomBlob, uniqueRepo } from '../../src/testkit/oci-client.ts'
import { assertOciError, assertStatus } from './assert-oci.ts'
import { referenceGap, useTarget } from './conformance-target.ts'

const target = useTarget()
const accept = { headers: { Accept: `${MediaType.ociManifest}, ${MediaType.ociIndex}` } }
const NEVER = digestOf('drydock conformance: never pushed')

describe('management: manifests (end-9)', () => {
  test('DELETE by digest: 202, then the digest and its tags are 404 MANIFEST_UNKNOWN', async () => {
    const repo = uniqueRepo()
    const img = await target.client.pushImage(repo, { tag: 'v1' })
    assertStatus(await target.client.putManifest(repo, 'v1-alias', img.bytes), 201)
    assertStatus(await target.client.request('DELETE', `/v2/${repo}/manifests/${img.digest}`), 202)
    assertOciError(await target.client.request('GET', `/v2/${repo}/manifests/${img.digest}`, accept), 404, 'MANIFEST_UNKNOWN')
    assertOciError(await target.client.request('GET', `/v2/${repo}/manifests/v1`, accept), 404, 'MANIFEST_UNKNOWN')
    assertOciError(await target.client.request('GET', `/v2/${repo}/manifests/v1-alias`, accept), 404, 'MANIFEST_UNKNOWN')
    assertStatus(await target.client.request('HEAD', `/v2/${repo}/manifests/${img.digest}`, accept), 404)
  })

  test('DELETE by digest removes its tags from tags/list', async () => {
    const repo = uniqueRepo()
    const keep = await target.client.pushImage(repo, { tag: 'keep' })
    const drop = await target.client.pushImage(repo, { tag: 'drop' })
    assertStatus(await target.client.request('DELETE', `/v2/${repo}/manifests/${drop.digest}`), 202)
    const list = await target.client.request('GET', `/v2/${repo}/tags/list`)
    assertStatus(list, 200)
    assert.deepEqual(list.json<{ tags: string[] }>().tags, ['keep'])
    assertStatus(await target.client.request('GET', `/v2/${repo}/manifests/${keep.digest}`, accept), 200)
  })

  test('DELETE of a tag: 202, the tag is gone, the manifest stays by digest', referenceGap('no tag deletion (400)'), async () => {
    const repo = uniqueRepo()
    const img = await target.client.pushImage(repo, { tag: 'v1' })
    assertStatus(await target.client.putManifest(repo, 'v2', img.bytes), 201)
    assertStatus(await target.client.request('DELETE', `/v2/${repo}/manifests/v1`), 202)
    assertOciError(await target.client.request('GET', `/v2/${repo}/manifests/v1`, accept), 404, 'MANIFEST_UNKNOWN')
    assertStatus(await target.client.request('GET', `/v2/${repo}/manifests/v2`, accept), 200)
    assertStatus(await target.client.request('GET', `/v2/${repo}/manifests/${img.digest}`, accept), 200)
  })

  test('DELETE of an unknown digest or tag: 404 MANIFEST_UNKNOWN', referenceGap('no tag deletion (400)'), async () => {
    const repo = uniqueRepo()
    await target.client.pushImage(repo, { tag: 'v1' })
    assertOciError(await target.client.request('DELETE', `/v2/${repo}/manifests/${NEVER}`), 404, 'MANIFEST_UNKNOWN')
    assertOciError(await target.client.request('DELETE', `/v2/${repo}/manifests/nope`), 404, 'MANIFEST_UNKNOWN')
  })

  test('DELETE in an unknown repository: 404 NAME_UNKNOWN or MANIFEST_UNKNOWN', async () => {
    const res = await target.client.request('DELETE', `/v2/${uniqueRepo('never-pushed')}/manifests/${NEVER}`)
    assertOciError(res, 404, ['NAME_UNKNOWN', 'MANIFEST_UNKNOWN'])
  })

  test('a deleted manifest can be pushed again', async () => {
    const repo = uniqueRepo()
    const img = await target.client.pushImage(repo, { tag: 'v1' })
    assertStatus(await target.client.request('DELETE', `/v2/${repo}/manifests/${img.digest}`), 202)
    assertStatus(await target.client.putManifest(repo, 'v1', img.bytes), 201)
    const res = await target.client.request('GET', `/v2/${repo}/manifests/v1`, accept)
    assertStatus(res, 200)
    assert.deepEqual(res.body, img.bytes)
  })
})

describe('management: blobs (end-10)', () => {
  test('DELETE of a blob: 202, then GET 404 BLOB_UNKNOWN and HEAD 404', async () => {
    const repo = uniqueRepo()
    const desc = await target.client.pushBlob(repo, randomBlob(256))
    assertStatus(await target.client.request('DELETE', `/v2/${repo}/blobs/${desc.digest}`), 202)
    assertOciError(await target.client.request('GET', `/v2/${repo}/blobs/${desc.digest}`), 404, 'BLOB_UNKNOWN')
    assertStatus(await target.client.request('HEAD', `/v2/${repo}/blobs/${desc.digest}`), 404)
  })

  test('DELETE of a blob in one repository leaves a mounted copy in another', async () => {
    const a = uniqueRepo()
    const data = randomBlob(300)
    const desc = await target.client.pushBlob(a, data)
    const b = uniqueRepo()
    assertStatus(await target.client.request('POST', `/v2/${b}/blobs/uploads/?mount=${desc.digest}&from=${a}`), 201)
    assertStatus(await target.client.request('DELETE', `/v2/${a}/blobs/${desc.digest}`), 202)
    const res = await target.client.request('GET', `/v2/${b}/blobs/${desc.digest}`)
    assertStatus(res, 200)
    assert.deepEqual(res.body, data)
  })

  test('DELETE of an unknown blob: 404 BLOB_UNKNOWN', async () => {
    const repo = uniqueRepo()
    await target.client.pushBlob(repo, randomBlob(8))
    assertOciError(await target.client.request('DELETE', `/v2/${repo}/blobs/${NEVER}`), 404, 'BLOB_UNKNOWN')
  })

  test('DELETE of a blob with a malformed digest: 400 DIGEST_INVALID', referenceGap('routes malformed digests to 404'), async () => {
    const repo = uniqueRepo()
    await target.client.pushBlob(repo, randomBlob(8))
    assertOciError(await target.client.request('DELETE', `/v2/${repo}/blobs/sha256:not-hex`), 400, 'DIGEST_INVALID')
  })
})

describe('management: referrers after deletes', referenceGap('no referrers API'), () => {
  test('deleting a referrer removes it from the referrers list', async () => {
    const repo = uniqueRepo()
    const c = target.client
    const subject = await c.pushImage(repo)
    const a = await c.pushImage(repo, { emptyConfig: true, artifactType: 'application/vnd.drydock.test.a', subject: subject.descriptor })
    const b = await c.pushImage(repo, { emptyConfig: true, artifactType: 'application/vnd.drydock.test.b', subject: subject.descriptor })
    assertStatus(await c.request('DELETE', `/v2/${repo}/manifests/${a.digest}`), 202)
    const res = await c.request('GET', `/v2/${repo}/referrers/${subject.digest}`)
    assertStatus(res, 200)
    const digests = res.json<{ manifests: Array<{ digest: string }> }>().manifests.map((d) => d.digest)
    assert.deepEqual(digests, [b.digest])
  })
})
