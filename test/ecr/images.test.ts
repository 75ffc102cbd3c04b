// The image operations of issue #15 with the Debian AWS CLI v2 (/usr/bin/aws) against a real
// `drydock serve`: images pushed with skopeo (busybox, alpine, a multi-arch index) are described,
// listed, paged and filtered; AWS's retag pattern (batch-get-image | put-image) runs verbatim and
// the new tag pulls with skopeo under the same digest; put-image refusals as ECR names them;
// batch-delete-image by tag and digest with failures; a deploy policy refuses batch-get-image as
// it refuses a /v2 GET; a key without the grant is refused before anything is looked up.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { ACCOUNT, ADMIN, cliError, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'

requireTestdata()
const BUSYBOX = `oci:${join(IMAGES_DIR, 'busybox')}:1`
const ALPINE = `oci:${join(IMAGES_DIR, 'alpine-3.20')}:3.20.3`
const MULTIARCH = `oci:${join(IMAGES_DIR, 'multiarch-busybox')}:1`
const ALICE = { user: 'alice', password: 'alice-password-long-enough' }
const CREDS = `${ADMIN.user}:${ADMIN.password}`
const REPO = 'ecr/app'

type Json = Record<string, any>

/** A layout blob as JSON. */
async function layoutBlob(image: string, digest: string): Promise<Json> {
  return JSON.parse(await readFile(join(IMAGES_DIR, image, 'blobs', 'sha256', digest.slice('sha256:'.length)), 'utf8')) as Json
}

/** A layout blob's exact text (skopeo copies manifests unchanged, so it is the pushed manifest). */
async function layoutText(image: string, digest: string): Promise<string> {
  return readFile(join(IMAGES_DIR, image, 'blobs', 'sha256', digest.slice('sha256:'.length)), 'utf8')
}

/** ECR's imageSizeInBytes of an image manifest in a test layout: config plus layers. */
async function manifestSize(image: string, digest: string): Promise<number> {
  const m = await layoutBlob(image, digest)
  return m['config'].size + (m['layers'] as { size: number }[]).reduce((a, l) => a + l.size, 0)
}

describe('aws ecr image operations (AWS CLI v2) against Drydock', { timeout: 900_000 }, () => {
  let s: EcrServer
  let skopeo: Skopeo
  let root: AccessKey
  let busybox: string
  let alpine: string
  let index: string
  let children: string[]

  const json = (r: { stdout: string; stderr: string; code: number | null }): Json => {
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) as Json
  }
  const aws = async (args: readonly string[], key: AccessKey = root): Promise<Json> => json(await s.aws(['ecr', ...args], key))
  const sh = async (script: string, key: AccessKey = root): Promise<string> => {
    const r = await s.sh(`aws() { /usr/bin/aws "$@" --endpoint-url "$ENDPOINT"; }\n${script}`, key)
    assert.equal(r.code, 0, r.stderr)
    return r.stdout
  }
  const inspectDigest = async (ref: string): Promise<string> => {
    const out = await skopeo.run(['inspect', '--tls-verify=false', '--creds', CREDS, `docker://${s.drydock.host}/${ref}`])
    return (JSON.parse(out.stdout) as { Digest: string }).Digest
  }

  before(async () => {
    s = await startEcrServer()
    skopeo = await createSkopeo()
    root = await s.newKey(ADMIN)
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/users', { name: ALICE.user, password: ALICE.password })).status, 201)
    await skopeo.copy(BUSYBOX, `docker://${s.drydock.host}/${REPO}:1`, { creds: CREDS })
    await skopeo.copy(BUSYBOX, `docker://${s.drydock.host}/${REPO}:stable`, { creds: CREDS })
    await skopeo.copy(ALPINE, `docker://${s.drydock.host}/${REPO}:latest`, { creds: CREDS })
    await skopeo.copy(MULTIARCH, `docker://${s.drydock.host}/${REPO}:multi`, { creds: CREDS, all: true })
    busybox = JSON.parse(await readFile(join(IMAGES_DIR, 'busybox', 'index.json'), 'utf8')).manifests[0].digest
    alpine = JSON.parse(await readFile(join(IMAGES_DIR, 'alpine-3.20', 'index.json'), 'utf8')).manifests[0].digest
    index = JSON.parse(await readFile(join(IMAGES_DIR, 'multiarch-busybox', 'index.json'), 'utf8')).manifests[0].digest
    children = ((await layoutBlob('multiarch-busybox', index))['manifests'] as { digest: string }[]).map((m) => m.digest)
  })
  afterEach((t) => logsOnFailure(t, { registry: s?.drydock.output }))
  after(async () => {
    await skopeo?.dispose()
    await s?.stop()
  })

  test('describe-images: every image with its tags, sizes, media types and push time', async () => {
    const details = (await aws(['describe-images', '--repository-name', REPO]))['imageDetails'] as Json[]
    const byDigest = new Map(details.map((d) => [d['imageDigest'], d]))
    assert.deepEqual([...byDigest.keys()].sort(), [busybox, alpine, index, ...children].sort(), 'the index and its platform images')
    const b = byDigest.get(busybox) as Json
    assert.deepEqual({ ...b, imagePushedAt: undefined }, {
      registryId: ACCOUNT, repositoryName: REPO, imageDigest: busybox, imageTags: ['1', 'stable'],
      imageSizeInBytes: await manifestSize('busybox', busybox), imagePushedAt: undefined,
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json', artifactMediaType: 'application/vnd.oci.image.config.v1+json',
    })
    assert.ok(Math.abs(Date.parse(b['imagePushedAt']) - Date.now()) < 600_000, b['imagePushedAt'])
    const i = byDigest.get(index) as Json
    assert.deepEqual(i['imageTags'], ['multi'])
    assert.equal(i['imageManifestMediaType'], 'application/vnd.oci.image.index.v1+json')
    const childSizes = await Promise.all(children.map((c) => manifestSize('multiarch-busybox', c)))
    assert.equal(i['imageSizeInBytes'], Math.max(...childSizes), 'an index counts its largest image')
    for (const c of children) assert.equal(byDigest.get(c)?.['imageTags'], undefined)

    const one = await aws(['describe-images', '--repository-name', REPO, '--image-ids', 'imageTag=latest', `imageDigest=${busybox}`])
    assert.deepEqual(one['imageDetails'].map((d: Json) => d['imageDigest']), [alpine, busybox])
    const missing = await s.aws(['ecr', 'describe-images', '--repository-name', REPO, '--image-ids', 'imageTag=nope'], root)
    assert.equal(cliError(missing), 'ImageNotFoundException')
    assert.match(missing.stderr, /The image with imageId \{imageDigest:'null', imageTag:'nope'\} does not exist within the repository with name 'ecr\/app'/)
    assert.equal(cliError(await s.aws(['ecr', 'describe-images', '--repository-name', 'ecr/none'], root)), 'RepositoryNotFoundException')
  })

  test('--page-size, --max-items and --starting-token page describe-images and list-images', async () => {
    const all = (await aws(['describe-images', '--repository-name', REPO]))['imageDetails'].map((d: Json) => d['imageDigest']) as string[]
    const first = await aws(['describe-images', '--repository-name', REPO, '--page-size', '2', '--max-items', '3'])
    assert.equal(first['imageDetails'].length, 3)
    assert.equal(typeof first['NextToken'], 'string')
    const rest = await aws(['describe-images', '--repository-name', REPO, '--page-size', '2', '--starting-token', first['NextToken']])
    assert.deepEqual([...first['imageDetails'], ...rest['imageDetails']].map((d: Json) => d['imageDigest']), all)

    const ids = (await aws(['list-images', '--repository-name', REPO]))['imageIds'] as Json[]
    assert.equal(ids.length, 6, 'one id per tag (busybox has two), one per untagged image')
    assert.ok(ids.some((id) => id['imageDigest'] === busybox && id['imageTag'] === 'stable'))
    const pages: Json[] = []
    let token: string | undefined
    do {
      const page = await aws(['list-images', '--repository-name', REPO, '--page-size', '1', '--max-items', '2', ...(token ? ['--starting-token', token] : [])])
      pages.push(...page['imageIds'])
      token = page['NextToken']
    } while (token)
    assert.deepEqual(pages, ids)
    const raw = await aws(['list-images', '--repository-name', REPO, '--max-results', '2', '--no-paginate'])
    assert.equal(raw['imageIds'].length, 2)
    assert.equal(cliError(await s.aws(['ecr', 'list-images', '--repository-name', REPO, '--next-token', 'bm90IGEgdG9rZW4', '--no-paginate'], root)), 'InvalidParameterException')
  })

  test('--filter tagStatus=UNTAGGED / TAGGED, through jq', async () => {
    const untagged = await sh(`aws ecr list-images --repository-name ${REPO} --filter tagStatus=UNTAGGED | jq -r '.imageIds[].imageDigest' | sort`)
    assert.deepEqual(untagged.trim().split('\n'), [...children].sort())
    const tagged = await sh(`aws ecr describe-images --repository-name ${REPO} --filter tagStatus=TAGGED | jq -r '.imageDetails[].imageTags[]' | sort | paste -sd,`)
    assert.equal(tagged.trim(), '1,latest,multi,stable')
  })

  test('the retag pattern: batch-get-image | put-image, and the new tag pulls with the same digest', async () => {
    await sh(
      `MANIFEST=$(aws ecr batch-get-image --repository-name ${REPO} --image-ids imageTag=latest --output text --query 'images[].imageManifest')\n` +
      `aws ecr put-image --repository-name ${REPO} --image-tag 2017.03 --image-manifest "$MANIFEST"`,
    )
    assert.equal(await inspectDigest(`${REPO}:2017.03`), alpine)
    const copied = await skopeo.copy(`docker://${s.drydock.host}/${REPO}:2017.03`, `dir:${join(s.home, 'retagged')}`, { creds: CREDS })
    assert.equal(copied.code, 0)
    const listed = await aws(['describe-images', '--repository-name', REPO, '--image-ids', 'imageTag=2017.03'])
    assert.deepEqual(listed['imageDetails'][0]['imageTags'], ['2017.03', 'latest'])

    // busybox's manifest ends with a newline, which $(…) would drop: through a file it is kept (docs/ecr.md).
    await sh(`aws ecr batch-get-image --repository-name ${REPO} --image-ids imageTag=1 | jq -j '.images[0].imageManifest' > "$HOME/busybox.json"\n` +
      `aws ecr put-image --repository-name ${REPO} --image-tag kept --image-manifest "file://$HOME/busybox.json" > /dev/null`)
    assert.equal(await inspectDigest(`${REPO}:kept`), busybox)

    const again = await s.aws(['ecr', 'put-image', '--repository-name', REPO, '--image-tag', '2017.03', '--image-manifest', await layoutText('alpine-3.20', alpine)], root)
    assert.equal(cliError(again), 'ImageAlreadyExistsException')
  })

  test('batch-get-image: manifests, failures with ECR\'s codes, acceptedMediaTypes', async () => {
    const got = await aws(['batch-get-image', '--repository-name', REPO, '--image-ids', 'imageTag=1', `imageDigest=${index}`, 'imageTag=nope',
      'imageDigest=sha256:nothex', `imageTag=latest,imageDigest=${busybox}`])
    assert.deepEqual(got['images'].map((i: Json) => [i['imageId'], i['imageManifestMediaType']]), [
      [{ imageDigest: busybox, imageTag: '1' }, 'application/vnd.oci.image.manifest.v1+json'],
      [{ imageDigest: index }, 'application/vnd.oci.image.index.v1+json'],
    ])
    assert.equal(got['images'][0]['imageManifest'], await layoutText('busybox', busybox))
    assert.deepEqual(got['failures'].map((f: Json) => f['failureCode']), ['ImageNotFound', 'InvalidImageDigest', 'ImageTagDoesNotMatchDigest'])
    assert.deepEqual(got['failures'][0], { imageId: { imageTag: 'nope' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' })
    const docker = await aws(['batch-get-image', '--repository-name', REPO, '--image-ids', 'imageTag=1', '--accepted-media-types', 'application/vnd.docker.distribution.manifest.v2+json'])
    assert.deepEqual(docker['images'], [])
    assert.equal(docker['failures'][0]['failureCode'], 'ImageNotFound', 'stored as OCI, never converted')
  })

  test('put-image refusals: immutable tag, missing layers and images, wrong digest, bad manifest', async () => {
    await aws(['create-repository', '--repository-name', 'ecr/frozen', '--image-tag-mutability', 'IMMUTABLE'])
    await skopeo.copy(BUSYBOX, `docker://${s.drydock.host}/ecr/frozen:1`, { creds: CREDS })
    await skopeo.copy(ALPINE, `docker://${s.drydock.host}/ecr/frozen:2`, { creds: CREDS })
    const moved = await s.aws(['ecr', 'put-image', '--repository-name', 'ecr/frozen', '--image-tag', '1', '--image-manifest', await layoutText('alpine-3.20', alpine)], root)
    assert.equal(cliError(moved), 'ImageTagAlreadyExistsException')
    assert.match(moved.stderr, /tag 1 is immutable in ecr\/frozen/)
    assert.equal(await inspectDigest('ecr/frozen:1'), busybox, 'the tag did not move')

    await aws(['create-repository', '--repository-name', 'ecr/empty'])
    const layers = await s.aws(['ecr', 'put-image', '--repository-name', 'ecr/empty', '--image-tag', 'x', '--image-manifest', await layoutText('alpine-3.20', alpine)], root)
    assert.equal(cliError(layers), 'LayersNotFoundException')
    const images = await s.aws(['ecr', 'put-image', '--repository-name', 'ecr/empty', '--image-tag', 'x', '--image-manifest', await layoutText('multiarch-busybox', index)], root)
    assert.equal(cliError(images), 'ReferencedImagesNotFoundException')
    const digest = await s.aws(['ecr', 'put-image', '--repository-name', REPO, '--image-tag', 'x', '--image-digest', busybox, '--image-manifest', await layoutText('alpine-3.20', alpine)], root)
    assert.equal(cliError(digest), 'ImageDigestDoesNotMatchException')
    const bad = await s.aws(['ecr', 'put-image', '--repository-name', REPO, '--image-tag', 'x', '--image-manifest', '{"schemaVersion":1}'], root)
    assert.equal(cliError(bad), 'InvalidParameterException')
    const missing = await s.aws(['ecr', 'put-image', '--repository-name', 'ecr/nowhere', '--image-tag', 'x', '--image-manifest', '{}'], root)
    assert.equal(cliError(missing), 'RepositoryNotFoundException')
    assert.equal((await aws(['list-images', '--repository-name', 'ecr/empty']))['imageIds'].length, 0, 'nothing half-written')
  })

  test('batch-delete-image: a tag, the last tag (the image goes), a digest (with its tags), failures', async () => {
    await skopeo.copy(BUSYBOX, `docker://${s.drydock.host}/ecr/del:a`, { creds: CREDS })
    await skopeo.copy(BUSYBOX, `docker://${s.drydock.host}/ecr/del:b`, { creds: CREDS })
    await skopeo.copy(ALPINE, `docker://${s.drydock.host}/ecr/del:c`, { creds: CREDS })
    await skopeo.copy(ALPINE, `docker://${s.drydock.host}/ecr/del:d`, { creds: CREDS })
    const first = await aws(['batch-delete-image', '--repository-name', 'ecr/del', '--image-ids', 'imageTag=a', 'imageTag=zzz', `imageTag=c,imageDigest=${busybox}`, 'imageDigest=bad'])
    assert.deepEqual(first['imageIds'], [{ imageDigest: busybox, imageTag: 'a' }])
    assert.deepEqual(first['failures'].map((f: Json) => [f['imageId'], f['failureCode']]), [
      [{ imageTag: 'zzz' }, 'ImageNotFound'],
      [{ imageDigest: busybox, imageTag: 'c' }, 'ImageTagDoesNotMatchDigest'],
      [{ imageDigest: 'bad' }, 'InvalidImageDigest'],
    ])
    const ids = async (): Promise<Json[]> => (await aws(['list-images', '--repository-name', 'ecr/del']))['imageIds']
    assert.deepEqual((await ids()).filter((i) => i['imageDigest'] === busybox), [{ imageDigest: busybox, imageTag: 'b' }], 'busybox keeps tag b')

    const last = await aws(['batch-delete-image', '--repository-name', 'ecr/del', '--image-ids', 'imageTag=b'])
    assert.deepEqual(last['imageIds'], [{ imageDigest: busybox, imageTag: 'b' }])
    assert.equal((await ids()).some((i) => i['imageDigest'] === busybox), false, 'its last tag gone, the image is gone')

    const byDigest = await aws(['batch-delete-image', '--repository-name', 'ecr/del', '--image-ids', `imageDigest=${alpine}`])
    assert.deepEqual(byDigest['imageIds'], [{ imageDigest: alpine, imageTag: 'c' }, { imageDigest: alpine, imageTag: 'd' }])
    assert.deepEqual(await ids(), [])
    await assert.rejects(inspectDigest('ecr/del:c'), /manifest unknown/)
    const db = new DatabaseSync(join(s.drydock.dataDir, 'metadata.db'), { readOnly: true })
    const audited = db.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'repo.delete' AND repository = 'ecr/del' AND detail LIKE '%\"via\":\"ecr\"%'").get() as { n: number }
    db.close()
    assert.equal(audited.n, 3, 'each removal audited as a /v2 delete is')
  })

  test('a deploy policy refuses batch-get-image as it refuses a /v2 GET; audit mode lets it through', async () => {
    await skopeo.copy(BUSYBOX, `docker://${s.drydock.host}/ecr/gated:1`, { creds: CREDS })
    const put = await s.api(ADMIN, 'PUT', '/api/v1/policies/ecr-gate', { name: 'ecr-gate', scope: 'ecr/gated', require: { scan: {} } })
    assert.equal(put.status, 201, await put.text())
    await assert.rejects(inspectDigest('ecr/gated:1'), /denied/)
    const refused = await s.aws(['ecr', 'batch-get-image', '--repository-name', 'ecr/gated', '--image-ids', 'imageTag=1'], root)
    assert.equal(cliError(refused), 'AccessDeniedException')
    assert.match(refused.stderr, /policy 'ecr-gate' \(ecr\/gated\): .*see GET \/api\/v1\/repositories\/ecr\/gated\/images\/sha256:/)
    // Listing is not a pull: the image is still described.
    assert.equal((await aws(['describe-images', '--repository-name', 'ecr/gated']))['imageDetails'].length, 1)

    const audit = await s.api(ADMIN, 'PUT', '/api/v1/policies/ecr-gate', { name: 'ecr-gate', scope: 'ecr/gated', mode: 'audit', require: { scan: {} } })
    assert.equal(audit.status, 200, await audit.text())
    const allowed = await aws(['batch-get-image', '--repository-name', 'ecr/gated', '--image-ids', 'imageTag=1'])
    assert.equal(allowed['images'][0]['imageId']['imageDigest'], busybox)
  })

  test('batch-get-image counts as a pull: lastRecordedPullTime once the pulls are written', async () => {
    await skopeo.copy(ALPINE, `docker://${s.drydock.host}/ecr/pulled:1`, { creds: CREDS })
    const before = await aws(['describe-images', '--repository-name', 'ecr/pulled'])
    assert.equal(before['imageDetails'][0]['lastRecordedPullTime'], undefined, 'a push is not a pull')
    const t0 = Date.now()
    await aws(['batch-get-image', '--repository-name', 'ecr/pulled', '--image-ids', 'imageTag=1'])
    // Pull times are written in batches; a restart writes what is pending (distribution/pull-recorder.ts).
    await s.drydock.restart()
    const pulled = Date.parse((await aws(['describe-images', '--repository-name', 'ecr/pulled']))['imageDetails'][0]['lastRecordedPullTime'])
    assert.ok(pulled >= t0 - 1000 && pulled <= Date.now(), `pulled at ${pulled}`)
  })

  test('a key without the grant is refused with AccessDeniedException, existing repository or not', async () => {
    const alice = await s.newKey(ALICE)
    const refusals: [string, string[]][] = [
      [REPO, ['describe-images', '--repository-name', REPO]],
      [REPO, ['list-images', '--repository-name', REPO]],
      [REPO, ['batch-get-image', '--repository-name', REPO, '--image-ids', 'imageTag=1']],
      [REPO, ['put-image', '--repository-name', REPO, '--image-tag', 'x', '--image-manifest', '{}']],
      [REPO, ['batch-delete-image', '--repository-name', REPO, '--image-ids', 'imageTag=1']],
      // The permission is checked first: a missing repository is refused the same way.
      ['ecr/none', ['describe-images', '--repository-name', 'ecr/none']],
      ['ecr/none', ['batch-delete-image', '--repository-name', 'ecr/none', '--image-ids', 'imageTag=1']],
    ]
    for (const [repo, args] of refusals) {
      const r = await s.aws(['ecr', ...args], alice)
      assert.equal(cliError(r), 'AccessDeniedException', args.join(' '))
      assert.match(r.stderr, new RegExp(`User: alice is not authorized to perform: ecr:\\w+ on resource: arn:aws:ecr:us-east-1:${ACCOUNT}:repository/${repo}`))
    }
    // A read-only robot pulls but neither pushes nor deletes.
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/orgs', { name: 'ecr' })).status, 201)
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/orgs/ecr/robots', { name: 'reader', grants: [{ target: 'ecr/*', role: 'read' }] })).status, 201)
    const reader = await s.newKey(ADMIN, ['--robot', 'robot$ecr+reader'])
    assert.equal((await aws(['batch-get-image', '--repository-name', REPO, '--image-ids', 'imageTag=1'], reader))['images'].length, 1)
    assert.equal(cliError(await s.aws(['ecr', 'put-image', '--repository-name', REPO, '--image-tag', 'r', '--image-manifest', await layoutText('busybox', busybox)], reader)), 'AccessDeniedException')
    assert.equal(cliError(await s.aws(['ecr', 'batch-delete-image', '--repository-name', REPO, '--image-ids', 'imageTag=1'], reader)), 'AccessDeniedException')
    assert.deepEqual((await aws(['describe-images', '--repository-name', REPO, '--image-ids', 'imageTag=1']))['imageDetails'][0]['imageTags'], ['1', 'kept', 'stable'])
  })
})
