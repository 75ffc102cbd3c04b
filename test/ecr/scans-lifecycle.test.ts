// Issue #15's scan and lifecycle commands, verbatim plus --endpoint-url, with the Debian AWS CLI
// v2 (/usr/bin/aws) against a real `drydock serve` with an advisory DB built from the shared
// records: the vulnerable node app pushed by skopeo, its findings read through
// describe-image-scan-findings (| jq, as the runbook and monthly cron do), waited for with
// `aws ecr wait image-scan-complete`, scans started by hand; a real ECR lifecycle policy put, read,
// previewed asynchronously (the result equal to Drydock's own preview route) and deleted.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { buildVulndbFixture, type VulndbFixture } from '../../src/scanner/vuln/db/vulndb-fixture.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { NPM_EXPECTED } from '../scan-on-push/scan-on-push-fixture.ts'
import { ADMIN, cliError, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'

requireTestdata()
const ALICE = { user: 'alice', password: 'alice-password-long-enough' }
/** A real ECR policy: expire untagged images after 14 days, keep the newest image of the rest. */
export const KEEP_ONE_POLICY = JSON.stringify({
  rules: [
    { rulePriority: 1, description: 'Expire untagged images older than 14 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } },
    { rulePriority: 2, description: 'Keep only the newest image', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } },
  ],
})

type Json = Record<string, any>

/** jq's stream of pretty-printed objects → a list. */
function jqStream(text: string): Json[] {
  const t = text.trim()
  return t === '' ? [] : JSON.parse(`[${t.replace(/}\n{/g, '},{')}]`) as Json[]
}

/** An OCI layout holding one artifact (an SPDX document, empty config): not a container image. */
async function artifactLayout(dir: string): Promise<string> {
  const blobs = join(dir, 'blobs', 'sha256')
  await mkdir(blobs, { recursive: true })
  const put = async (bytes: Buffer) => {
    const d = digestOf(bytes)
    await writeFile(join(blobs, d.slice('sha256:'.length)), bytes)
    return { digest: d, size: bytes.length }
  }
  const config = await put(Buffer.from('{}'))
  const layer = await put(Buffer.from('{"spdxVersion":"SPDX-2.3","name":"react-app"}'))
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/spdx+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', ...config },
    layers: [{ mediaType: 'application/spdx+json', ...layer }],
  }))
  const m = await put(manifest)
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  await writeFile(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'sbom' } }],
  }))
  return `oci:${dir}:sbom`
}

describe('aws ecr scans and lifecycle policies (AWS CLI v2) against Drydock', { timeout: 900_000 }, () => {
  let s: EcrServer
  let vulndb: VulndbFixture
  let skopeo: Skopeo
  let root: AccessKey
  let alice: AccessKey
  let scratch: string

  before(async () => {
    vulndb = await buildVulndbFixture()
    scratch = await mkdtemp(join(tmpdir(), 'drydock-ecr-scans-'))
    s = await startEcrServer({ config: { scanning: { advisoryDb: vulndb.path } } })
    skopeo = await createSkopeo()
    root = await s.newKey(ADMIN)
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/users', { name: ALICE.user, password: ALICE.password })).status, 201)
    alice = await s.newKey(ALICE)
  })
  afterEach((t) => logsOnFailure(t, { registry: s?.drydock.output }))
  after(async () => {
    await skopeo?.dispose()
    await s?.stop()
    vulndb?.close()
    if (scratch) await rm(scratch, { recursive: true, force: true })
  })

  const json = (r: { stdout: string; stderr: string; code: number | null }): Json => {
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) as Json
  }
  /** `aws` in scripts is the Debian CLI aimed at the server, so the lines run as written. */
  const sh = (script: string, key: AccessKey = root) => s.sh(`aws() { /usr/bin/aws "$@" --endpoint-url "$ENDPOINT"; }\n${script}`, key)
  const push = (image: string, ref: string, dest: string) =>
    skopeo.copy(`oci:${join(IMAGES_DIR, image)}:${ref}`, `docker://${s.drydock.host}/${dest}`, { creds: `${ADMIN.user}:${ADMIN.password}` })
  const v1 = async (path: string): Promise<Json> => {
    const res = await s.api(ADMIN, 'GET', path)
    assert.equal(res.status, 200, path)
    return await res.json() as Json
  }

  test('scan on push, `aws ecr wait image-scan-complete`, then the issue\'s describe-image-scan-findings | jq', async () => {
    json(await s.aws(['ecr', 'create-repository', '--repository-name', 'react-app-haproxy', '--image-scanning-configuration', 'scanOnPush=true'], root))
    await push('node-app-vuln', '1.0.0', 'react-app-haproxy:latest')
    const waited = await sh('aws ecr wait image-scan-complete --repository-name react-app-haproxy --image-id imageTag=latest --region us-east-1')
    assert.equal(waited.code, 0, waited.stderr)

    const r = await sh(`aws ecr describe-image-scan-findings --repository-name react-app-haproxy --image-id imageTag=latest --region us-east-1 | jq '.imageScanFindings.findings[] | {severity, name, uri}'`)
    assert.equal(r.code, 0, r.stderr)
    const findings = jqStream(r.stdout)
    assert.deepEqual(findings.map((f) => f['name']).sort(), NPM_EXPECTED.map(([id]) => id).sort())
    for (const f of findings) {
      assert.deepEqual(Object.keys(f), ['severity', 'name', 'uri'])
      assert.match(f['uri'], /^https:\/\//)
    }
    // One house: the same findings as Drydock's own findings API, in the same order.
    const own = await v1('/api/v1/repositories/react-app-haproxy/images/latest/scan-findings')
    assert.deepEqual(findings, (own['imageScanFindings'].findings as Json[]).map((f) => ({ severity: f['severity'], name: f['name'], uri: f['uri'] })))

    const full = json(await s.aws(['ecr', 'describe-image-scan-findings', '--repository-name', 'react-app-haproxy', '--image-id', 'imageTag=latest'], root))
    assert.equal(full['imageScanStatus'].status, 'COMPLETE')
    assert.deepEqual(full['imageId'], { imageDigest: own['imageId'].imageDigest, imageTag: 'latest' })
    assert.deepEqual(full['imageScanFindings'].findingSeverityCounts, { CRITICAL: 1, HIGH: 2, MEDIUM: 2 })
    assert.equal(full['imageScanFindings'].vulnerabilitySourceUpdatedAt, '2026-11-22T00:00:00+00:00', 'a timestamp the CLI renders')
    const lodash = (full['imageScanFindings'].findings as Json[]).find((f) => f['name'] === 'GHSA-p6mc-m468-83gw') as Json
    assert.deepEqual(lodash['attributes'].filter((a: Json) => ['package_name', 'package_version', 'fixed_version'].includes(a['key'])),
      [{ key: 'package_name', value: 'lodash' }, { key: 'package_version', value: '4.17.15' }, { key: 'fixed_version', value: '4.17.20' }])
    // The same image by digest.
    const byDigest = json(await s.aws(['ecr', 'describe-image-scan-findings', '--repository-name', 'react-app-haproxy', '--image-id', `imageDigest=${own['imageId'].imageDigest}`], root))
    assert.deepEqual(byDigest['imageScanFindings'].findings, full['imageScanFindings'].findings)
  })

  test('the monthly cron: only the CRITICAL findings, through jq select', async () => {
    const r = await sh(`aws ecr describe-image-scan-findings --repository-name react-app-haproxy --image-id imageTag=latest --region us-east-1 | jq '.imageScanFindings.findings[] | select(.severity=="CRITICAL")'`)
    assert.equal(r.code, 0, r.stderr)
    const critical = jqStream(r.stdout)
    assert.deepEqual(critical.map((f) => [f['name'], f['severity']]), [['GHSA-xvch-5gv4-984h', 'CRITICAL']])
    assert.ok((critical[0]?.['attributes'] as Json[]).some((a) => a['key'] === 'package_name' && a['value'] === 'minimist'))
  })

  test('--max-items pages the findings (2 + 2 + 1) and the CLI joins them without --max-items', async () => {
    const names: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page = json(await s.aws(['ecr', 'describe-image-scan-findings', '--repository-name', 'react-app-haproxy', '--image-id', 'imageTag=latest',
        '--max-items', '2', ...(token ? ['--starting-token', token] : [])], root))
      names.push(...(page['imageScanFindings'].findings as Json[]).map((f) => f['name'] as string))
      token = page['NextToken'] as string | undefined
      pages++
    } while (token)
    assert.equal(pages, 3)
    assert.deepEqual(names.sort(), NPM_EXPECTED.map(([id]) => id).sort())
    const small = json(await s.aws(['ecr', 'describe-image-scan-findings', '--repository-name', 'react-app-haproxy', '--image-id', 'imageTag=latest', '--page-size', '1'], root))
    assert.equal(small['imageScanFindings'].findings.length, 5, 'five calls of one, joined')
  })

  test('start-image-scan: IN_PROGRESS, the waiter, then LimitExceeded for a scan that cannot tell anything new', async () => {
    json(await s.aws(['ecr', 'create-repository', '--repository-name', 'manual/app'], root))
    await push('node-app-vuln', '1.0.0', 'manual/app:1')
    const never = await s.aws(['ecr', 'describe-image-scan-findings', '--repository-name', 'manual/app', '--image-id', 'imageTag=1'], root)
    assert.equal(cliError(never), 'ScanNotFoundException')
    const started = json(await s.aws(['ecr', 'start-image-scan', '--repository-name', 'manual/app', '--image-id', 'imageTag=1'], root))
    assert.equal(started['imageScanStatus'].status, 'IN_PROGRESS')
    assert.equal(started['imageId'].imageTag, '1')
    assert.match(started['imageId'].imageDigest, /^sha256:/)
    const waited = await sh('aws ecr wait image-scan-complete --repository-name manual/app --image-id imageTag=1 --region us-east-1')
    assert.equal(waited.code, 0, waited.stderr)
    const done = json(await s.aws(['ecr', 'describe-image-scan-findings', '--repository-name', 'manual/app', '--image-id', 'imageTag=1'], root))
    assert.equal(done['imageScanStatus'].status, 'COMPLETE')
    assert.equal(done['imageScanFindings'].findings.length, 5)
    // Same scanner, same advisory DB: a rescan could only say the same (ECR's per-image quota).
    assert.equal(cliError(await s.aws(['ecr', 'start-image-scan', '--repository-name', 'manual/app', '--image-id', 'imageTag=1'], root)), 'LimitExceededException')
    assert.equal(cliError(await s.aws(['ecr', 'start-image-scan', '--repository-name', 'manual/app', '--image-id', 'imageTag=nope'], root)), 'ImageNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'describe-image-scan-findings', '--repository-name', 'manual/app', '--image-id', 'imageTag=nope'], root)), 'ImageNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'start-image-scan', '--repository-name', 'manual/ghost', '--image-id', 'imageTag=1'], root)), 'RepositoryNotFoundException')
    // Both members: they must name the same image.
    const other = `sha256:${'0'.repeat(64)}`
    assert.equal(cliError(await s.aws(['ecr', 'describe-image-scan-findings', '--repository-name', 'manual/app', '--image-id', `imageTag=1,imageDigest=${other}`], root)), 'ImageNotFoundException')
    // Push needed to scan, pull to read (alice has neither): refused before any lookup.
    assert.equal(cliError(await s.aws(['ecr', 'start-image-scan', '--repository-name', 'manual/app', '--image-id', 'imageTag=1'], alice)), 'AccessDeniedException')
    assert.equal(cliError(await s.aws(['ecr', 'describe-image-scan-findings', '--repository-name', 'manual/app', '--image-id', 'imageTag=1'], alice)), 'AccessDeniedException')
  })

  test('start-image-scan of an artifact: UnsupportedImageTypeException', async () => {
    await skopeo.copy(await artifactLayout(join(scratch, 'artifact')), `docker://${s.drydock.host}/manual/sbom:sbom`, { creds: `${ADMIN.user}:${ADMIN.password}` })
    const r = await s.aws(['ecr', 'start-image-scan', '--repository-name', 'manual/sbom', '--image-id', 'imageTag=sbom'], root)
    assert.equal(cliError(r), 'UnsupportedImageTypeException')
    assert.match(r.stderr, /not a container image/)
  })

  test('put-lifecycle-policy as the issue writes it, then get, preview (= Drydock\'s own preview), delete', async () => {
    await push('busybox', '1', 'react-app-haproxy:v1')
    await push('alpine-3.19', '3.19.4', 'react-app-haproxy:v2')
    await push('alpine-3.20', '3.20.3', 'react-app-haproxy:v3')
    const put = await sh(`aws ecr put-lifecycle-policy --repository-name react-app-haproxy --lifecycle-policy-text '${KEEP_ONE_POLICY}' --region us-east-1`)
    assert.equal(put.code, 0, put.stderr)
    assert.deepEqual(JSON.parse(put.stdout), { registryId: '123456789012', repositoryName: 'react-app-haproxy', lifecyclePolicyText: KEEP_ONE_POLICY })
    // Stored where the /api/v1 settings keep it, verbatim, the other settings untouched.
    const settings = await v1('/api/v1/repositories/react-app-haproxy/settings')
    assert.deepEqual(settings['stored'], { scanOnPush: true, lifecyclePolicy: KEEP_ONE_POLICY })
    const got = json(await s.aws(['ecr', 'get-lifecycle-policy', '--repository-name', 'react-app-haproxy'], root))
    assert.equal(got['lifecyclePolicyText'], KEEP_ONE_POLICY)

    const started = json(await s.aws(['ecr', 'start-lifecycle-policy-preview', '--repository-name', 'react-app-haproxy'], root))
    assert.deepEqual(started, { registryId: '123456789012', repositoryName: 'react-app-haproxy', lifecyclePolicyText: KEEP_ONE_POLICY, status: 'IN_PROGRESS' })
    const waited = await sh('aws ecr wait lifecycle-policy-preview-complete --repository-name react-app-haproxy --region us-east-1')
    assert.equal(waited.code, 0, waited.stderr)
    const preview = json(await s.aws(['ecr', 'get-lifecycle-policy-preview', '--repository-name', 'react-app-haproxy'], root))
    assert.equal(preview['status'], 'COMPLETE')
    const own = await v1('/api/v1/repositories/react-app-haproxy/lifecycle-policy/preview')
    assert.equal((own['expired'] as Json[]).length, 3, 'three of the four images go')
    assert.deepEqual((preview['previewResults'] as Json[]).map((r) => ({ digest: r['imageDigest'], tags: r['imageTags'], rule: r['appliedRulePriority'], action: r['action'] })),
      (own['expired'] as Json[]).map((e) => ({ digest: e['digest'], tags: e['tags'], rule: e['rulePriority'], action: { type: 'EXPIRE' } })))
    assert.deepEqual(preview['summary'], { expiringImageTotalCount: 3 })
    assert.deepEqual((preview['previewResults'] as Json[]).map((r) => r['imageTags']), [['latest'], ['v1'], ['v2']], 'oldest first; v3 is kept')

    // --max-items pages the results; a filter and imageIds narrow them.
    const first = json(await s.aws(['ecr', 'get-lifecycle-policy-preview', '--repository-name', 'react-app-haproxy', '--max-items', '2'], root))
    assert.equal(first['previewResults'].length, 2)
    const rest = json(await s.aws(['ecr', 'get-lifecycle-policy-preview', '--repository-name', 'react-app-haproxy', '--max-items', '2', '--starting-token', first['NextToken']], root))
    assert.deepEqual([...first['previewResults'], ...rest['previewResults']], preview['previewResults'])
    const untagged = json(await s.aws(['ecr', 'get-lifecycle-policy-preview', '--repository-name', 'react-app-haproxy', '--filter', 'tagStatus=UNTAGGED'], root))
    assert.deepEqual(untagged['previewResults'], [])
    const byTag = json(await s.aws(['ecr', 'get-lifecycle-policy-preview', '--repository-name', 'react-app-haproxy', '--image-ids', 'imageTag=v1'], root))
    assert.deepEqual(byTag['previewResults'].map((r: Json) => r['imageTags']), [['v1']])

    // An unsaved policy is previewed without being saved: keep three, so only the oldest goes.
    const keepThree = KEEP_ONE_POLICY.replace('"countNumber":1}', '"countNumber":3}')
    const unsaved = json(await s.aws(['ecr', 'start-lifecycle-policy-preview', '--repository-name', 'react-app-haproxy', '--lifecycle-policy-text', keepThree], root))
    assert.equal(unsaved['lifecyclePolicyText'], keepThree)
    const p3 = json(await s.aws(['ecr', 'get-lifecycle-policy-preview', '--repository-name', 'react-app-haproxy'], root))
    assert.deepEqual([p3['status'], p3['lifecyclePolicyText'], p3['previewResults'].map((r: Json) => r['imageTags'])], ['COMPLETE', keepThree, [['latest']]])
    assert.equal(json(await s.aws(['ecr', 'get-lifecycle-policy', '--repository-name', 'react-app-haproxy'], root))['lifecyclePolicyText'], KEEP_ONE_POLICY)

    // lastEvaluatedAt: absent until a run evaluates the policy, then that run's evaluation time.
    assert.equal(got['lastEvaluatedAt'], undefined, 'never run')
    const ran = await (await s.api(ADMIN, 'POST', '/api/v1/repositories/react-app-haproxy/lifecycle-policy/run')).json() as Json
    assert.equal(ran['expired'].length, 3)
    const after = json(await s.aws(['ecr', 'get-lifecycle-policy', '--repository-name', 'react-app-haproxy'], root))
    assert.equal(new Date(after['lastEvaluatedAt']).getTime(), new Date(ran['evaluatedAt']).getTime())

    const deleted = json(await s.aws(['ecr', 'delete-lifecycle-policy', '--repository-name', 'react-app-haproxy'], root))
    assert.equal(deleted['lifecyclePolicyText'], KEEP_ONE_POLICY)
    assert.equal(deleted['lastEvaluatedAt'], after['lastEvaluatedAt'])
    assert.deepEqual((await v1('/api/v1/repositories/react-app-haproxy/settings'))['stored'], { scanOnPush: true })
    assert.equal(cliError(await s.aws(['ecr', 'delete-lifecycle-policy', '--repository-name', 'react-app-haproxy'], root)), 'LifecyclePolicyNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'get-lifecycle-policy', '--repository-name', 'react-app-haproxy'], root)), 'LifecyclePolicyNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'start-lifecycle-policy-preview', '--repository-name', 'react-app-haproxy'], root)), 'LifecyclePolicyNotFoundException')
  })

  test('refusals: a policy the parser refuses, no preview yet, unknown repository, no right', async () => {
    const bad = KEEP_ONE_POLICY.replace('"countUnit":"days"', '"countUnit":"weeks"')
    const r = await s.aws(['ecr', 'put-lifecycle-policy', '--repository-name', 'manual/app', '--lifecycle-policy-text', bad], root)
    assert.equal(cliError(r), 'InvalidParameterException')
    assert.match(r.stderr, /rules\[0\].*countUnit/)
    const dup = '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1,"countNumber":900},"action":{"type":"expire"}}]}'
    assert.equal(cliError(await s.aws(['ecr', 'put-lifecycle-policy', '--repository-name', 'manual/app', '--lifecycle-policy-text', dup], root)), 'InvalidParameterException')
    assert.equal(cliError(await s.aws(['ecr', 'start-lifecycle-policy-preview', '--repository-name', 'manual/app', '--lifecycle-policy-text', bad], root)), 'InvalidParameterException')
    assert.equal((await v1('/api/v1/repositories/manual/app/settings'))['stored'].lifecyclePolicy, undefined, 'nothing half-written')
    assert.equal(cliError(await s.aws(['ecr', 'get-lifecycle-policy-preview', '--repository-name', 'manual/app'], root)), 'LifecyclePolicyPreviewNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'put-lifecycle-policy', '--repository-name', 'manual/ghost', '--lifecycle-policy-text', KEEP_ONE_POLICY], root)), 'RepositoryNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'start-lifecycle-policy-preview', '--repository-name', 'manual/ghost', '--lifecycle-policy-text', KEEP_ONE_POLICY], root)), 'RepositoryNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'get-lifecycle-policy-preview', '--repository-name', 'manual/ghost'], root)), 'RepositoryNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'delete-lifecycle-policy', '--repository-name', 'manual/ghost'], root)), 'RepositoryNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'put-lifecycle-policy', '--repository-name', 'manual/app', '--lifecycle-policy-text', KEEP_ONE_POLICY], alice)), 'AccessDeniedException')
    assert.equal(cliError(await s.aws(['ecr', 'start-lifecycle-policy-preview', '--repository-name', 'manual/app', '--lifecycle-policy-text', KEEP_ONE_POLICY], alice)), 'AccessDeniedException')
    assert.equal(cliError(await s.aws(['ecr', 'get-lifecycle-policy', '--repository-name', 'manual/app'], alice)), 'AccessDeniedException')
  })
})
