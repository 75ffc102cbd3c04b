// The scan and lifecycle operations through the AWS SDK for JavaScript v3 (@aws-sdk/client-ecr:
// its own SigV4, serializers, waiters, paginators and exception classes) against a real
// `drydock serve` whose registry scanning type is ENHANCED (`--ecr-scan-type`), so findings come
// as Amazon Inspector's enhanced findings, built from the same stored scan the findings API reads.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import {
  DeleteLifecyclePolicyCommand, DescribeImageScanFindingsCommand, ECRServiceException, GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand, ImageNotFoundException, InvalidParameterException, LifecyclePolicyNotFoundException,
  LifecyclePolicyPreviewNotFoundException, LimitExceededException, paginateDescribeImageScanFindings, paginateGetLifecyclePolicyPreview,
  PutLifecyclePolicyCommand, ScanNotFoundException, StartImageScanCommand, StartLifecyclePolicyPreviewCommand, waitUntilImageScanComplete,
  waitUntilLifecyclePolicyPreviewComplete, type ECRClient, type EnhancedImageScanFinding,
} from '@aws-sdk/client-ecr'
import { buildVulndbFixture, type VulndbFixture } from '../../src/scanner/vuln/db/vulndb-fixture.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { NPM_EXPECTED } from '../scan-on-push/scan-on-push-fixture.ts'
import { ACCOUNT, ADMIN, sdkClient, startEcrServer, type EcrServer } from './ecr-fixture.ts'

requireTestdata()
const POLICY = JSON.stringify({
  rules: [{ rulePriority: 1, description: 'Keep only the newest image', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }],
})

async function rejection(p: Promise<unknown>): Promise<ECRServiceException> {
  try {
    await p
  } catch (err) {
    assert.ok(err instanceof ECRServiceException, `an ECRServiceException, got ${String(err)}`)
    return err
  }
  assert.fail('the call was accepted')
}

describe('@aws-sdk/client-ecr: scans (enhanced) and lifecycle policies against Drydock', { timeout: 600_000 }, () => {
  let s: EcrServer
  let vulndb: VulndbFixture
  let skopeo: Skopeo
  let ecr: ECRClient
  const waiter = () => ({ client: ecr, maxWaitTime: 240, minDelay: 1, maxDelay: 2 })

  before(async () => {
    vulndb = await buildVulndbFixture()
    s = await startEcrServer({ config: { scanning: { advisoryDb: vulndb.path, repositories: { sdk: true } } }, args: ['--ecr-scan-type', 'ENHANCED'] })
    skopeo = await createSkopeo()
    ecr = sdkClient(s.drydock.url, await s.newKey(ADMIN))
  })
  afterEach((t) => logsOnFailure(t, { registry: s?.drydock.output }))
  after(async () => {
    ecr?.destroy()
    await skopeo?.dispose()
    await s?.stop()
    vulndb?.close()
  })

  const push = (image: string, ref: string, dest: string) =>
    skopeo.copy(`oci:${join(IMAGES_DIR, image)}:${ref}`, `docker://${s.drydock.host}/${dest}`, { creds: `${ADMIN.user}:${ADMIN.password}` })

  test('waitUntilImageScanComplete, then enhanced findings that say what the basic ones say', async () => {
    await push('node-app-vuln', '1.0.0', 'sdk/app:1')
    const waited = await waitUntilImageScanComplete(waiter(), { repositoryName: 'sdk/app', imageId: { imageTag: '1' } })
    assert.equal(waited.state, 'SUCCESS')
    const out = await ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'sdk/app', imageId: { imageTag: '1' } }))
    assert.equal(out.registryId, ACCOUNT)
    assert.equal(out.imageScanStatus?.status, 'COMPLETE')
    const f = out.imageScanFindings
    assert.equal(f?.findings, undefined, 'ENHANCED: no basic findings')
    assert.deepEqual(f?.findingSeverityCounts, { CRITICAL: 1, HIGH: 2, MEDIUM: 2 })
    assert.ok(f?.imageScanCompletedAt instanceof Date)
    assert.equal(f?.vulnerabilitySourceUpdatedAt?.toISOString(), '2026-11-22T00:00:00.000Z')
    const enhanced = f?.enhancedFindings ?? []
    assert.deepEqual(enhanced.map((e) => [e.packageVulnerabilityDetails?.vulnerabilityId, e.packageVulnerabilityDetails?.vulnerablePackages?.[0]?.name]).sort(),
      NPM_EXPECTED.map(([id, p]) => [id, p]).sort())
    const lodash = enhanced.find((e) => e.packageVulnerabilityDetails?.vulnerabilityId === 'GHSA-p6mc-m468-83gw') as EnhancedImageScanFinding
    assert.equal(lodash.type, 'PACKAGE_VULNERABILITY')
    assert.equal(lodash.status, 'ACTIVE')
    assert.equal(lodash.severity, 'HIGH')
    assert.equal(lodash.awsAccountId, ACCOUNT)
    assert.deepEqual(lodash.packageVulnerabilityDetails?.vulnerablePackages?.[0], {
      name: 'lodash', version: '4.17.15', packageManager: 'NPM', filePath: lodash.packageVulnerabilityDetails?.vulnerablePackages?.[0]?.filePath,
      ...(lodash.packageVulnerabilityDetails?.vulnerablePackages?.[0]?.sourceLayerHash ? { sourceLayerHash: lodash.packageVulnerabilityDetails.vulnerablePackages[0].sourceLayerHash } : {}),
    })
    assert.match(lodash.packageVulnerabilityDetails?.vulnerablePackages?.[0]?.filePath ?? '', /lodash\/package\.json$/)
    assert.equal(lodash.remediation?.recommendation?.text, 'Upgrade lodash to 4.17.20')
    assert.ok(lodash.firstObservedAt instanceof Date)
    const image = lodash.resources?.[0]
    assert.equal(image?.type, 'AWS_ECR_CONTAINER_IMAGE')
    assert.deepEqual([image?.details?.awsEcrContainerImage?.repositoryName, image?.details?.awsEcrContainerImage?.imageTags], ['sdk/app', ['1']])
    assert.equal(image?.details?.awsEcrContainerImage?.imageHash, out.imageId?.imageDigest)
    // A finding keeps its ARN: the same image read again names it the same.
    const again = await ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'sdk/app', imageId: { imageDigest: out.imageId?.imageDigest } }))
    assert.deepEqual(again.imageScanFindings?.enhancedFindings?.map((e) => e.findingArn).sort(), enhanced.map((e) => e.findingArn).sort())

    // The SDK's paginator, two per page.
    const ids: string[] = []
    let pages = 0
    for await (const page of paginateDescribeImageScanFindings({ client: ecr, pageSize: 2 }, { repositoryName: 'sdk/app', imageId: { imageTag: '1' } })) {
      pages++
      ids.push(...(page.imageScanFindings?.enhancedFindings ?? []).map((e) => e.packageVulnerabilityDetails?.vulnerabilityId ?? ''))
    }
    assert.equal(pages, 3)
    assert.deepEqual(ids.sort(), NPM_EXPECTED.map(([id]) => id).sort())
    const bad = await rejection(ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'sdk/app', imageId: { imageTag: '1' }, nextToken: 'garbage' })))
    assert.ok(bad instanceof InvalidParameterException)
  })

  test('StartImageScan: ScanNotFound before, the waiter after, then LimitExceeded; unknown image', async () => {
    await push('node-app-vuln', '1.0.0', 'plain/app:1')
    assert.ok(await rejection(ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'plain/app', imageId: { imageTag: '1' } }))) instanceof ScanNotFoundException)
    const started = await ecr.send(new StartImageScanCommand({ repositoryName: 'plain/app', imageId: { imageTag: '1' } }))
    assert.equal(started.imageScanStatus?.status, 'IN_PROGRESS')
    assert.equal((await waitUntilImageScanComplete(waiter(), { repositoryName: 'plain/app', imageId: { imageTag: '1' } })).state, 'SUCCESS')
    assert.ok(await rejection(ecr.send(new StartImageScanCommand({ repositoryName: 'plain/app', imageId: { imageTag: '1' } }))) instanceof LimitExceededException)
    assert.ok(await rejection(ecr.send(new StartImageScanCommand({ repositoryName: 'plain/app', imageId: { imageTag: 'nope' } }))) instanceof ImageNotFoundException)
    assert.ok(await rejection(ecr.send(new StartImageScanCommand({ repositoryName: 'plain/app', imageId: {} }))) instanceof InvalidParameterException)
  })

  test('lifecycle: put, get, start a preview, waitUntilLifecyclePolicyPreviewComplete, page it, delete', async () => {
    await push('busybox', '1', 'sdk/app:2')
    assert.ok(await rejection(ecr.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: 'sdk/app' }))) instanceof LifecyclePolicyPreviewNotFoundException)
    const put = await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'sdk/app', lifecyclePolicyText: POLICY }))
    assert.equal(put.lifecyclePolicyText, POLICY)
    assert.equal((await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'sdk/app' }))).lifecyclePolicyText, POLICY)
    const started = await ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: 'sdk/app' }))
    assert.equal(started.status, 'IN_PROGRESS')
    assert.equal((await waitUntilLifecyclePolicyPreviewComplete(waiter(), { repositoryName: 'sdk/app' })).state, 'SUCCESS')
    const results = []
    for await (const page of paginateGetLifecyclePolicyPreview({ client: ecr, pageSize: 1 }, { repositoryName: 'sdk/app' })) {
      assert.equal(page.status, 'COMPLETE')
      assert.equal(page.summary?.expiringImageTotalCount, 1)
      results.push(...(page.previewResults ?? []))
    }
    const own = await (await s.api(ADMIN, 'GET', '/api/v1/repositories/sdk/app/lifecycle-policy/preview')).json() as { expired: { digest: string; tags: string[]; rulePriority: number; pushedAt: string }[] }
    assert.deepEqual(results.map((r) => [r.imageDigest, r.imageTags, r.appliedRulePriority, r.action?.type, r.imagePushedAt?.toISOString()]),
      own.expired.map((e) => [e.digest, e.tags, e.rulePriority, 'EXPIRE', e.pushedAt]))
    assert.deepEqual(results.map((r) => r.imageTags), [['1']], 'the older image goes')

    const refused = await rejection(ecr.send(new PutLifecyclePolicyCommand({ repositoryName: 'sdk/app', lifecyclePolicyText: POLICY.replace('"any"', '"all"') })))
    assert.ok(refused instanceof InvalidParameterException)
    assert.match(refused.message, /tagStatus/)
    const deleted = await ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'sdk/app' }))
    assert.equal(deleted.lifecyclePolicyText, POLICY)
    assert.ok(await rejection(ecr.send(new GetLifecyclePolicyCommand({ repositoryName: 'sdk/app' }))) instanceof LifecyclePolicyNotFoundException)
    assert.ok(await rejection(ecr.send(new DeleteLifecyclePolicyCommand({ repositoryName: 'sdk/app' }))) instanceof LifecyclePolicyNotFoundException)
  })
})
