// OCI Distribution Spec v1.1, "Content Discovery": tags/list with n/last pagination and the
// Link header (end-8a, end-8b), the _catalog extension, and the referrers API (end-12a/b).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { imageIndex, uniqueRepo, type OciClient, type OciResponse } from '../../src/testkit/oci-client.ts'
import { assertOciError, assertStatus } from './assert-oci.ts'
import { referenceGap, useTarget } from './conformance-target.ts'

const target = useTarget()

interface TagList { name: string; tags: string[] | null }
interface Catalog { repositories: string[] | null }
interface Index { schemaVersion: number; mediaType: string; manifests: Array<Record<string, unknown>> }

/** The rel="next" target of an RFC 8288 Link header, if any. */
function nextLink(res: OciResponse): string | undefined {
  const link = res.headers.get('link')
  if (link === null) return undefined
  const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)
  assert.ok(m, `Link header without rel="next": ${link}`)
  return m[1]
}

/** Pushes one image and tags it with every given tag. */
async function tagged(repo: string, tags: readonly string[]): Promise<void> {
  const img = await target.client.pushImage(repo)
  for (const t of tags) assertStatus(await target.client.putManifest(repo, t, img.bytes), 201)
}

/** Follows Link headers from `first`, returning every page's list. */
async function allPages<T>(client: OciClient, first: string, pick: (body: T) => string[] | null): Promise<string[][]> {
  const pages: string[][] = []
  let url: string | undefined = first
  while (url !== undefined) {
    assert.ok(pages.length < 100, 'pagination does not terminate')
    const res = await client.request('GET', url)
    assertStatus(res, 200)
    pages.push(pick(res.json<T>()) ?? [])
    url = nextLink(res)
  }
  return pages
}

const TAGS = ['v2', 'alpha', '1.0', 'v10', 'beta-1', 'latest']
const SORTED = [...TAGS].sort()

describe('discovery: tags (end-8a, end-8b)', () => {
  test('tags/list returns {name, tags} in lexical order', referenceGap('tags are not sorted'), async () => {
    const repo = uniqueRepo()
    await tagged(repo, TAGS)
    const res = await target.client.request('GET', `/v2/${repo}/tags/list`)
    assertStatus(res, 200)
    assert.match(res.headers.get('content-type') ?? '', /json/)
    assert.deepEqual(res.json<TagList>(), { name: repo, tags: SORTED })
  })

  test('n limits the page, Link rel="next" walks the rest, no duplicates', referenceGap('tag pagination'), async () => {
    const repo = uniqueRepo()
    await tagged(repo, TAGS)
    const first = await target.client.request('GET', `/v2/${repo}/tags/list?n=2`)
    assertStatus(first, 200)
    assert.deepEqual(first.json<TagList>().tags, SORTED.slice(0, 2))
    assert.ok(nextLink(first), 'a partial page carries a Link header')
    const pages = await allPages<TagList>(target.client, `/v2/${repo}/tags/list?n=2`, (b) => b.tags)
    assert.deepEqual(pages.slice(0, 3), [SORTED.slice(0, 2), SORTED.slice(2, 4), SORTED.slice(4, 6)])
    // A registry may only know the list ended after one more (empty) page.
    assert.ok(pages.length === 3 || (pages.length === 4 && pages[3]?.length === 0), `${pages.length} pages`)
    assert.deepEqual(pages.flat(), SORTED)
  })

  test('last returns the tags after the given one (n optional)', referenceGap('tag pagination'), async () => {
    const repo = uniqueRepo()
    await tagged(repo, TAGS)
    const withN = await target.client.request('GET', `/v2/${repo}/tags/list?n=2&last=alpha`)
    assert.deepEqual(withN.json<TagList>().tags, SORTED.slice(2, 4))
    const withoutN = await target.client.request('GET', `/v2/${repo}/tags/list?last=beta-1`)
    assertStatus(withoutN, 200)
    assert.deepEqual(withoutN.json<TagList>().tags, SORTED.slice(SORTED.indexOf('beta-1') + 1))
    // `last` need not be an existing tag: the order is lexical, not positional.
    const between = await target.client.request('GET', `/v2/${repo}/tags/list?last=b`)
    assert.deepEqual(between.json<TagList>().tags, SORTED.filter((t) => t > 'b'))
  })

  test('n=0 returns an empty list and no Link header', referenceGap('tag pagination'), async () => {
    const repo = uniqueRepo()
    await tagged(repo, TAGS)
    const res = await target.client.request('GET', `/v2/${repo}/tags/list?n=0`)
    assertStatus(res, 200)
    assert.deepEqual(res.json<TagList>().tags ?? [], [])
    assert.equal(res.headers.get('link'), null)
  })

  test('n larger than the tag count returns everything without a Link header', referenceGap('tags are not sorted'), async () => {
    const repo = uniqueRepo()
    await tagged(repo, TAGS)
    const res = await target.client.request('GET', `/v2/${repo}/tags/list?n=100`)
    assert.deepEqual(res.json<TagList>().tags, SORTED)
    assert.equal(res.headers.get('link'), null)
  })

  test('a bad n is refused: 400 PAGINATION_NUMBER_INVALID', referenceGap('tag pagination'), async () => {
    const repo = uniqueRepo()
    await tagged(repo, ['x'])
    for (const n of ['-1', 'abc']) {
      assertOciError(await target.client.request('GET', `/v2/${repo}/tags/list?n=${n}`), 400, 'PAGINATION_NUMBER_INVALID')
    }
  })

  test('tags of an unknown repository: 404 NAME_UNKNOWN', async () => {
    assertOciError(await target.client.request('GET', `/v2/${uniqueRepo('never-pushed')}/tags/list`), 404, 'NAME_UNKNOWN')
  })
})

describe('discovery: _catalog', () => {
  test('lists repositories in order, paginated with n and Link', async () => {
    const repos = [uniqueRepo('cat-a'), uniqueRepo('cat-b'), uniqueRepo('cat-c')]
    for (const r of repos) await tagged(r, ['v1'])
    const full = await target.client.request('GET', '/v2/_catalog')
    assertStatus(full, 200)
    const all = full.json<Catalog>().repositories ?? []
    for (const r of repos) assert.ok(all.includes(r), `${r} listed`)
    assert.deepEqual(all, [...all].sort())
    const pages = await allPages<Catalog>(target.client, '/v2/_catalog?n=1', (b) => b.repositories)
    assert.ok(pages.every((p) => p.length <= 1), 'pages respect n')
    assert.deepEqual(pages.flat(), all, 'walking the pages yields the full list once')
  })
})

const SBOM = 'application/vnd.drydock.test.sbom.v1+json'
const SIG = 'application/vnd.drydock.test.signature.v1'
const CUSTOM_CONFIG = 'application/vnd.drydock.test.config.v1+json'

async function referrers(repo: string, digest: string, query = ''): Promise<{ res: OciResponse; index: Index }> {
  const res = await target.client.request('GET', `/v2/${repo}/referrers/${digest}${query}`)
  assertStatus(res, 200)
  assert.equal(res.headers.get('content-type'), MediaType.ociIndex)
  const index = res.json<Index>()
  assert.equal(index.schemaVersion, 2)
  assert.equal(index.mediaType, MediaType.ociIndex)
  assert.ok(Array.isArray(index.manifests), 'manifests is an array')
  return { res, index }
}

describe('discovery: referrers API (end-12a, end-12b)', referenceGap('no referrers API'), () => {
  test('artifact, image and index referrers are listed with artifactType and annotations', async () => {
    const repo = uniqueRepo()
    const c = target.client
    const subject = await c.pushImage(repo, { tag: 'app' })
    const sbom = await c.pushImage(repo, { emptyConfig: true, artifactType: SBOM, subject: subject.descriptor, annotations: { 'org.example.kind': 'sbom' } })
    assert.equal(sbom.response.headers.get('oci-subject'), subject.digest, 'OCI-Subject on PUT of a manifest with subject')
    // An image manifest without artifactType: the descriptor takes the config's mediaType.
    const cfg = await c.pushBlob(repo, Buffer.from('{"k":"v"}'), CUSTOM_CONFIG)
    const plainBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: cfg, layers: [], subject: subject.descriptor }))
    assertStatus(await c.putManifest(repo, digestOf(plainBytes), plainBytes), 201)
    // An index with a subject and no artifactType: the descriptor has no artifactType.
    const idxBytes = Buffer.from(JSON.stringify(imageIndex([sbom.descriptor], { subject: subject.descriptor, annotations: { 'org.example.kind': 'bundle' } })))
    assertStatus(await c.putManifest(repo, digestOf(idxBytes), idxBytes, MediaType.ociIndex), 201)

    const { index } = await referrers(repo, subject.digest)
    const byDigest = new Map(index.manifests.map((d) => [d['digest'], d]))
    assert.equal(index.manifests.length, 3)
    assert.deepEqual(byDigest.get(sbom.digest), { mediaType: MediaType.ociManifest, digest: sbom.digest, size: sbom.bytes.byteLength, artifactType: SBOM, annotations: { 'org.example.kind': 'sbom' } })
    const plain = byDigest.get(digestOf(plainBytes))
    assert.equal(plain?.['artifactType'], CUSTOM_CONFIG)
    assert.equal(plain?.['size'], plainBytes.byteLength)
    const idx = byDigest.get(digestOf(idxBytes))
    assert.equal(idx?.['mediaType'], MediaType.ociIndex)
    assert.equal(idx?.['artifactType'], undefined)
    assert.deepEqual(idx?.['annotations'], { 'org.example.kind': 'bundle' })
  })

  test('?artifactType= filters and says so in OCI-Filters-Applied', async () => {
    const repo = uniqueRepo()
    const c = target.client
    const subject = await c.pushImage(repo)
    const sbom = await c.pushImage(repo, { emptyConfig: true, artifactType: SBOM, subject: subject.descriptor })
    await c.pushImage(repo, { emptyConfig: true, artifactType: SIG, subject: subject.descriptor })
    const { res, index } = await referrers(repo, subject.digest, `?artifactType=${encodeURIComponent(SBOM)}`)
    assert.equal(res.headers.get('oci-filters-applied'), 'artifactType')
    assert.deepEqual(index.manifests.map((d) => d['digest']), [sbom.digest])
    const unfiltered = await referrers(repo, subject.digest)
    assert.equal(unfiltered.index.manifests.length, 2)
    assert.equal(unfiltered.res.headers.get('oci-filters-applied'), null)
  })

  test('a digest nobody refers to: 200 with an empty manifests list', async () => {
    const repo = uniqueRepo()
    const img = await target.client.pushImage(repo)
    assert.deepEqual((await referrers(repo, img.digest)).index.manifests, [])
    assert.deepEqual((await referrers(repo, digestOf('never pushed'))).index.manifests, [])
  })

  test('the referrer may be pushed before its subject', async () => {
    const repo = uniqueRepo()
    const c = target.client
    const config = await c.pushBlob(repo, Buffer.from('{"late":true}'), MediaType.ociConfig)
    const subjectBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers: [] }))
    const subjectDesc = { mediaType: MediaType.ociManifest, digest: digestOf(subjectBytes), size: subjectBytes.byteLength }
    const sig = await c.pushImage(repo, { emptyConfig: true, artifactType: SIG, subject: subjectDesc })
    assert.equal(sig.response.headers.get('oci-subject'), subjectDesc.digest)
    assert.deepEqual((await referrers(repo, subjectDesc.digest)).index.manifests.map((d) => d['digest']), [sig.digest])
    assertStatus(await c.putManifest(repo, 'late', subjectBytes), 201)
    assert.deepEqual((await referrers(repo, subjectDesc.digest)).index.manifests.map((d) => d['digest']), [sig.digest])
  })

  test('many referrers: every one is listed once, following Link pages when the registry pages', async () => {
    const repo = uniqueRepo()
    const subject = await target.client.pushImage(repo)
    const pushed: string[] = []
    for (let i = 0; i < 25; i++) {
      const r = await target.client.pushImage(repo, { emptyConfig: true, layers: 0, artifactType: SIG, subject: subject.descriptor, annotations: { n: String(i) } })
      pushed.push(r.digest)
    }
    const pages = await allPages<Index>(target.client, `/v2/${repo}/referrers/${subject.digest}`, (b) => b.manifests.map((d) => String(d['digest'])))
    assert.deepEqual(pages.flat().sort(), pushed.sort())
  })

  test('referrers are scoped to the repository', async () => {
    const repo = uniqueRepo()
    const subject = await target.client.pushImage(repo)
    await target.client.pushImage(repo, { emptyConfig: true, artifactType: SIG, subject: subject.descriptor })
    const other = uniqueRepo()
    await target.client.pushImage(other)
    assert.deepEqual((await referrers(other, subject.digest)).index.manifests, [])
  })

  test('an invalid digest: 400 DIGEST_INVALID', async () => {
    const repo = uniqueRepo()
    await target.client.pushImage(repo)
    assertOciError(await target.client.request('GET', `/v2/${repo}/referrers/sha256:nothex`), 400, 'DIGEST_INVALID')
  })
})
