// The image operations through the AWS SDK for JavaScript v3 (@aws-sdk/client-ecr), which reads
// the answers with its own (newer) model: paginateDescribeImages, BatchGetImage, PutImage (the
// retag pattern, and an artifact whose subject is an image) and ListImageReferrers, which the
// Debian CLI's model does not have yet; DescribeImages' scan summary against a real scan on push
// (advisory DB built from the shared records). Images come from skopeo; the server is a real one.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  BatchGetImageCommand, CreateRepositoryCommand, DescribeImagesCommand, DescribeImageScanFindingsCommand, ImageAlreadyExistsException, ListImageReferrersCommand, ListImagesCommand, paginateDescribeImages, PutImageCommand,
  type ECRClient, type ImageDetail,
} from '@aws-sdk/client-ecr'
import { buildVulndbFixture, type VulndbFixture } from '../../src/scanner/vuln/db/vulndb-fixture.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { ACCOUNT, ADMIN, sdkClient, startEcrServer, type EcrServer } from './ecr-fixture.ts'

requireTestdata()
const REPO = 'sdk/app'
const CREDS = `${ADMIN.user}:${ADMIN.password}`
const SBOM = 'application/vnd.example.sbom+json'
const SIG = 'application/vnd.example.signature'

const layoutDigest = async (image: string): Promise<string> =>
  (JSON.parse(await readFile(join(IMAGES_DIR, image, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }).manifests[0]?.digest ?? ''

describe('@aws-sdk/client-ecr image operations against Drydock', { timeout: 300_000 }, () => {
  let s: EcrServer
  let skopeo: Skopeo
  let ecr: ECRClient
  let busybox: string
  let vulndb: VulndbFixture

  before(async () => {
    vulndb = await buildVulndbFixture()
    // The server process inherits the environment: scan on push gets an advisory DB.
    process.env['DRYDOCK_ADVISORY_DB'] = vulndb.path
    s = await startEcrServer()
    skopeo = await createSkopeo()
    ecr = sdkClient(s.drydock.url, await s.newKey(ADMIN))
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'busybox')}:1`, `docker://${s.drydock.host}/${REPO}:1`, { creds: CREDS })
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'alpine-3.20')}:3.20.3`, `docker://${s.drydock.host}/${REPO}:latest`, { creds: CREDS })
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'multiarch-busybox')}:1`, `docker://${s.drydock.host}/${REPO}:multi`, { creds: CREDS, all: true })
    busybox = await layoutDigest('busybox')
  })
  after(async () => {
    ecr?.destroy()
    await skopeo?.dispose()
    await s?.stop()
    vulndb?.close()
  })

  test('paginateDescribeImages walks every image, one per page', async () => {
    const details: ImageDetail[] = []
    let pages = 0
    for await (const page of paginateDescribeImages({ client: ecr, pageSize: 1 }, { repositoryName: REPO })) {
      pages++
      details.push(...(page.imageDetails ?? []))
    }
    assert.equal(details.length, 5, 'busybox, alpine, the index and its two images')
    assert.equal(pages, 5)
    assert.equal(new Set(details.map((d) => d.imageDigest)).size, 5)
    const b = details.find((d) => d.imageDigest === busybox)
    assert.deepEqual(b?.imageTags, ['1'])
    assert.equal(b?.registryId, ACCOUNT)
    assert.ok(b?.imagePushedAt instanceof Date && Math.abs(b.imagePushedAt.getTime() - Date.now()) < 600_000)
    assert.ok((b?.imageSizeInBytes ?? 0) > 1_000_000)
  })

  test('BatchGetImage then PutImage retags; the same put again is ImageAlreadyExistsException', async () => {
    const got = await ecr.send(new BatchGetImageCommand({ repositoryName: REPO, imageIds: [{ imageTag: 'latest' }] }))
    const image = got.images?.[0]
    assert.ok(image?.imageManifest)
    assert.deepEqual(got.failures, [])
    const put = await ecr.send(new PutImageCommand({ repositoryName: REPO, imageTag: 'v2', imageManifest: image.imageManifest, imageManifestMediaType: image.imageManifestMediaType }))
    assert.deepEqual(put.image?.imageId, { imageDigest: image.imageId?.imageDigest, imageTag: 'v2' })
    assert.equal(put.image?.imageManifest, image.imageManifest)
    const listed = await ecr.send(new ListImagesCommand({ repositoryName: REPO, filter: { tagStatus: 'TAGGED' } }))
    assert.ok(listed.imageIds?.some((id) => id.imageTag === 'v2' && id.imageDigest === image.imageId?.imageDigest))
    await assert.rejects(
      ecr.send(new PutImageCommand({ repositoryName: REPO, imageTag: 'v2', imageManifest: image.imageManifest })),
      (err: unknown) => err instanceof ImageAlreadyExistsException && /already exists in the repository with name 'sdk\/app'/.test(err.message),
    )
  })

  test('ListImageReferrers lists the artifacts PutImage stored about an image, filtered and paged', async () => {
    const subject = (await ecr.send(new BatchGetImageCommand({ repositoryName: REPO, imageIds: [{ imageTag: '1' }] }))).images?.[0]
    assert.ok(subject?.imageManifest)
    const config = (JSON.parse(subject.imageManifest) as { config: unknown }).config
    const artifact = (artifactType: string) => JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType, config, layers: [],
      subject: { mediaType: subject.imageManifestMediaType, digest: busybox, size: Buffer.byteLength(subject.imageManifest ?? '') },
      annotations: { 'org.example.kind': artifactType },
    })
    const sbom = await ecr.send(new PutImageCommand({ repositoryName: REPO, imageManifest: artifact(SBOM) }))
    const sig = await ecr.send(new PutImageCommand({ repositoryName: REPO, imageManifest: artifact(SIG) }))

    const all = await ecr.send(new ListImageReferrersCommand({ repositoryName: REPO, subjectId: { imageDigest: busybox } }))
    assert.deepEqual(all.referrers?.map((r) => r.digest).sort(), [sbom.image?.imageId?.imageDigest, sig.image?.imageId?.imageDigest].sort())
    const one = await ecr.send(new ListImageReferrersCommand({ repositoryName: REPO, subjectId: { imageDigest: busybox }, filter: { artifactTypes: [SBOM] } }))
    assert.deepEqual(one.referrers, [{
      digest: sbom.image?.imageId?.imageDigest, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: SBOM,
      size: Buffer.byteLength(artifact(SBOM)), annotations: { 'org.example.kind': SBOM }, artifactStatus: 'ACTIVE',
    }])
    const first = await ecr.send(new ListImageReferrersCommand({ repositoryName: REPO, subjectId: { imageDigest: busybox }, maxResults: 1 }))
    assert.equal(first.referrers?.length, 1)
    assert.ok(first.nextToken)
    const second = await ecr.send(new ListImageReferrersCommand({ repositoryName: REPO, subjectId: { imageDigest: busybox }, maxResults: 1, nextToken: first.nextToken }))
    assert.equal(second.nextToken, undefined)
    assert.deepEqual([...(first.referrers ?? []), ...(second.referrers ?? [])].map((r) => r.digest), all.referrers?.map((r) => r.digest))
    const archived = await ecr.send(new ListImageReferrersCommand({ repositoryName: REPO, subjectId: { imageDigest: busybox }, filter: { artifactStatus: 'ARCHIVED' } }))
    assert.deepEqual(archived.referrers, [])
  })

  test('DescribeImages carries the scan status and findings summary, the same counts as DescribeImageScanFindings', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'sdk/scanned', imageScanningConfiguration: { scanOnPush: true } }))
    await skopeo.copy(`oci:${join(IMAGES_DIR, 'node-app-vuln')}:1.0.0`, `docker://${s.drydock.host}/sdk/scanned:1`, { creds: CREDS })
    // Waits on the scan's outcome as DescribeImages reports it, not on a duration.
    let detail: ImageDetail | undefined
    for (;;) {
      detail = (await ecr.send(new DescribeImagesCommand({ repositoryName: 'sdk/scanned' }))).imageDetails?.[0]
      const status = detail?.imageScanStatus?.status
      if (status !== undefined && status !== 'PENDING' && status !== 'IN_PROGRESS') break
      await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(detail?.imageScanStatus?.status, 'COMPLETE', JSON.stringify(detail?.imageScanStatus))
    const summary = detail?.imageScanFindingsSummary
    assert.ok(summary?.imageScanCompletedAt instanceof Date)
    assert.ok(Object.values(summary?.findingSeverityCounts ?? {}).reduce((a, n) => a + n, 0) > 0, 'lodash and minimist have advisories')
    const findings = await ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'sdk/scanned', imageId: { imageTag: '1' } }))
    assert.deepEqual(summary?.findingSeverityCounts, findings.imageScanFindings?.findingSeverityCounts)
    assert.deepEqual(summary?.imageScanCompletedAt, findings.imageScanFindings?.imageScanCompletedAt)
  })
})
