// ECR's layer operations (docs/ecr.md "Layers") with the Debian AWS CLI v2 against a real
// `drydock serve`: a whole image pushed through the ECR API only (initiate-layer-upload,
// upload-layer-part in several parts from files, complete-layer-upload, put-image) and pulled
// back by skopeo with identical digests; out-of-order parts, wrong digests, empty and repeated
// uploads; and get-download-url-for-layer's pre-signed URLs fetched by curl without credentials:
// exact bytes, ranges, and refusals for a tampered URL, an expired one and one whose principal
// lost the grant.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { parseDigest } from '../../src/oci/digest.ts'
import { dataDirKey } from '../../src/registry/auth/data-dir-key.ts'
import { DOWNLOAD_PATH, DOWNLOAD_URL_KEY_FILE, DownloadUrlSigner } from '../../src/registry/ecr/download/download-url.ts'
import { blobDataPath } from '../../src/registry/storage/paths.ts'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { runTool } from '../../src/testkit/run-tool.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'
import { ADMIN, cliError, startEcrServer, type AccessKey, type EcrServer } from './ecr-fixture.ts'

requireTestdata()
const BUSYBOX = join(IMAGES_DIR, 'busybox')
const CAROL = { user: 'carol', password: 'carol-password-long-enough' }
const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

describe('aws ecr layer operations against Drydock', { timeout: 600_000 }, () => {
  let s: EcrServer
  let skopeo: Skopeo
  let root: AccessKey
  let tmp: string
  const blob = async (digest: string): Promise<Buffer> => readFile(join(BUSYBOX, 'blobs', 'sha256', digest.slice('sha256:'.length)))
  const stored = (digest: string): boolean => existsSync(join(s.drydock.dataDir, 'storage', blobDataPath(parseDigest(digest))))

  before(async () => {
    s = await startEcrServer()
    skopeo = await createSkopeo()
    root = await s.newKey(ADMIN)
    tmp = await mkdtemp(join(tmpdir(), 'drydock-ecr-layers-'))
  })
  afterEach((t) => logsOnFailure(t, { registry: s?.drydock.output }))
  after(async () => {
    await skopeo?.dispose()
    await s?.stop()
    if (tmp) await rm(tmp, { recursive: true, force: true })
  })

  const json = (r: { stdout: string; stderr: string; code: number | null }) => {
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) as Record<string, any>
  }

  /** Uploads `bytes` through initiate / upload-layer-part (parts of `partSize`, each from a file) / complete. */
  async function pushLayer(repo: string, bytes: Buffer, partSize: number, key = root): Promise<Record<string, any>> {
    const init = json(await s.aws(['ecr', 'initiate-layer-upload', '--repository-name', repo], key))
    assert.match(init['uploadId'], /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    assert.equal(init['partSize'], 10 * 1024 * 1024)
    for (let first = 0; first < bytes.length; first += partSize) {
      const part = bytes.subarray(first, first + partSize)
      const file = join(tmp, `part-${randomBytes(4).toString('hex')}`)
      await writeFile(file, part)
      const last = first + part.length - 1
      const res = json(await s.aws(['ecr', 'upload-layer-part', '--repository-name', repo, '--upload-id', init['uploadId'],
        '--part-first-byte', String(first), '--part-last-byte', String(last), '--layer-part-blob', `fileb://${file}`], key))
      assert.equal(res['lastByteReceived'], last)
      assert.equal(res['uploadId'], init['uploadId'])
      await rm(file)
    }
    return json(await s.aws(['ecr', 'complete-layer-upload', '--repository-name', repo, '--upload-id', init['uploadId'], '--layer-digests', sha256(bytes)], key))
  }

  test('a whole image pushed through the ECR API only, then pulled by skopeo with the same digests', async () => {
    const index = JSON.parse(await readFile(join(BUSYBOX, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> }
    const manifestDigest = index.manifests[0]!.digest
    const manifestBytes = await blob(manifestDigest)
    const manifest = JSON.parse(manifestBytes.toString()) as { config: { digest: string }; layers: Array<{ digest: string; size: number }> }
    const layer = await blob(manifest.layers[0]!.digest)
    const config = await blob(manifest.config.digest)
    const repo = 'ecr-layers/busybox'

    const before = json(await s.aws(['ecr', 'batch-check-layer-availability', '--repository-name', repo, '--layer-digests', manifest.layers[0]!.digest, manifest.config.digest], root))
    assert.deepEqual(before['layers'].map((l: any) => l.layerAvailability), ['UNAVAILABLE', 'UNAVAILABLE'])

    // The layer in three parts (400 000 + 400 000 + 284 279 bytes), the config in one.
    const done = await pushLayer(repo, layer, 400_000)
    assert.equal(done['layerDigest'], manifest.layers[0]!.digest)
    assert.equal(done['repositoryName'], repo)
    assert.equal((await pushLayer(repo, config, 1024))['layerDigest'], manifest.config.digest)

    const check = json(await s.aws(['ecr', 'batch-check-layer-availability', '--repository-name', repo,
      '--layer-digests', manifest.layers[0]!.digest, manifest.config.digest, 'sha256:nothex', ''], root))
    assert.deepEqual(check['layers'], [
      { layerDigest: manifest.layers[0]!.digest, layerAvailability: 'AVAILABLE', layerSize: layer.length },
      { layerDigest: manifest.config.digest, layerAvailability: 'AVAILABLE', layerSize: config.length },
    ])
    assert.deepEqual(check['failures'].map((f: any) => [f.layerDigest, f.failureCode]), [['sha256:nothex', 'InvalidLayerDigest'], ['', 'MissingLayerDigest']])

    const put = json(await s.aws(['ecr', 'put-image', '--repository-name', repo, '--image-tag', '1', '--image-manifest', manifestBytes.toString(),
      '--image-manifest-media-type', 'application/vnd.oci.image.manifest.v1+json'], root))
    assert.equal(put['image'].imageId.imageDigest, manifestDigest)

    const out = join(tmp, 'pulled')
    await skopeo.copy(`docker://${s.drydock.host}/${repo}:1`, `oci:${out}:1`, { creds: `${ADMIN.user}:${ADMIN.password}` })
    const pulled = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> }
    assert.equal(pulled.manifests[0]!.digest, manifestDigest)
    for (const d of [manifest.layers[0]!.digest, manifest.config.digest]) {
      assert.equal(sha256(await readFile(join(out, 'blobs', 'sha256', d.slice(7)))), d)
    }
  })

  test('a part out of order is InvalidLayerPartException with the last valid byte; the upload goes on from there', async () => {
    const repo = 'ecr-layers/order'
    const bytes = randomBytes(3000)
    const id = json(await s.aws(['ecr', 'initiate-layer-upload', '--repository-name', repo], root))['uploadId'] as string
    const part = async (first: number, last: number) => {
      const file = join(tmp, `order-${first}`)
      await writeFile(file, bytes.subarray(first, last + 1))
      return s.aws(['ecr', 'upload-layer-part', '--repository-name', repo, '--upload-id', id, '--part-first-byte', String(first), '--part-last-byte', String(last), '--layer-part-blob', `fileb://${file}`], root)
    }
    json(await part(0, 999))
    const skipped = await part(2000, 2999)
    assert.equal(cliError(skipped), 'InvalidLayerPartException')
    // The CLI prints the message only; the exception's members are checked in layers-sdk.test.ts.
    const overlap = await part(500, 1499)
    assert.equal(cliError(overlap), 'InvalidLayerPartException')
    json(await part(1000, 1999))
    json(await part(2000, 2999))
    assert.equal(json(await s.aws(['ecr', 'complete-layer-upload', '--repository-name', repo, '--upload-id', id, '--layer-digests', sha256(bytes)], root))['layerDigest'], sha256(bytes))
  })

  test('a wrong digest is InvalidLayerException, and nothing is stored', async () => {
    const repo = 'ecr-layers/wrong'
    const bytes = randomBytes(5000)
    const id = json(await s.aws(['ecr', 'initiate-layer-upload', '--repository-name', repo], root))['uploadId'] as string
    const file = join(tmp, 'wrong')
    await writeFile(file, bytes)
    json(await s.aws(['ecr', 'upload-layer-part', '--repository-name', repo, '--upload-id', id, '--part-first-byte', '0', '--part-last-byte', '4999', '--layer-part-blob', `fileb://${file}`], root))
    const wrong = sha256(randomBytes(8))
    const res = await s.aws(['ecr', 'complete-layer-upload', '--repository-name', repo, '--upload-id', id, '--layer-digests', wrong], root)
    assert.equal(cliError(res), 'InvalidLayerException')
    assert.equal(stored(sha256(bytes)), false, 'the uploaded bytes are not stored under their digest')
    assert.equal(stored(wrong), false)
    const check = json(await s.aws(['ecr', 'batch-check-layer-availability', '--repository-name', repo, '--layer-digests', sha256(bytes), wrong], root))
    assert.deepEqual(check['layers'].map((l: any) => l.layerAvailability), ['UNAVAILABLE', 'UNAVAILABLE'])
    // The session is gone with its bytes.
    const again = await s.aws(['ecr', 'complete-layer-upload', '--repository-name', repo, '--upload-id', id, '--layer-digests', sha256(bytes)], root)
    assert.equal(cliError(again), 'UploadNotFoundException')
  })

  test('empty, repeated, unknown and foreign uploads are refused with ECR\'s names', async () => {
    const repo = 'ecr-layers/edge'
    const bytes = randomBytes(2048)
    const empty = json(await s.aws(['ecr', 'initiate-layer-upload', '--repository-name', repo], root))['uploadId'] as string
    assert.equal(cliError(await s.aws(['ecr', 'complete-layer-upload', '--repository-name', repo, '--upload-id', empty, '--layer-digests', sha256(bytes)], root)), 'EmptyUploadException')
    assert.equal((await pushLayer(repo, bytes, 1000))['layerDigest'], sha256(bytes))
    assert.equal(stored(sha256(bytes)), true)
    const second = await pushLayer(repo, bytes, 4096).catch((err: Error) => err)
    assert.ok(second instanceof Error && /LayerAlreadyExistsException/.test(second.message), String(second))
    const ghost = '00000000-0000-4000-8000-000000000000'
    assert.equal(cliError(await s.aws(['ecr', 'complete-layer-upload', '--repository-name', repo, '--upload-id', ghost, '--layer-digests', sha256(bytes)], root)), 'UploadNotFoundException')
    // An upload belongs to whoever started it, as on /v2.
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/users', { name: 'dave', password: 'dave-password-long-enough' })).status, 201)
    const dave = await s.newKey({ user: 'dave', password: 'dave-password-long-enough' })
    const mine = json(await s.aws(['ecr', 'initiate-layer-upload', '--repository-name', 'dave/app'], dave))['uploadId'] as string
    assert.equal(cliError(await s.aws(['ecr', 'complete-layer-upload', '--repository-name', 'dave/app', '--upload-id', mine, '--layer-digests', sha256(bytes)], root)), 'UploadNotFoundException')
    assert.equal(cliError(await s.aws(['ecr', 'initiate-layer-upload', '--repository-name', repo], dave)), 'AccessDeniedException')
  })

  test('get-download-url-for-layer: curl fetches the exact bytes without credentials; tampered, expired and revoked URLs are refused', async () => {
    // carol may pull shop/* through a team grant.
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/users', { name: CAROL.user, password: CAROL.password })).status, 201)
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/orgs', { name: 'shop' })).status, 201)
    assert.equal((await s.api(ADMIN, 'POST', '/api/v1/orgs/shop/teams', { name: 'readers' })).status, 201)
    assert.equal((await s.api(ADMIN, 'PUT', '/api/v1/orgs/shop/teams/readers/grants', { target: 'shop/*', role: 'read' })).status, 204)
    assert.equal((await s.api(ADMIN, 'PUT', `/api/v1/orgs/shop/teams/readers/members/${CAROL.user}`)).status, 204)
    const carol = await s.newKey(CAROL)
    const repo = 'shop/app'
    const bytes = randomBytes(200_000)
    await pushLayer(repo, bytes, 64 * 1024)

    const got = json(await s.aws(['ecr', 'get-download-url-for-layer', '--repository-name', repo, '--layer-digest', sha256(bytes)], carol))
    assert.equal(got['layerDigest'], sha256(bytes))
    const url = got['downloadUrl'] as string
    assert.ok(url.startsWith(`${s.drydock.url}${DOWNLOAD_PATH}`), url)
    const file = join(tmp, 'downloaded')
    const curl = await runTool('curl', ['-sS', '-f', '-D', '-', '-o', file, url], { timeoutMs: 60_000 })
    assert.equal(curl.code, 0, curl.stderr)
    assert.equal(sha256(await readFile(file)), sha256(bytes))
    assert.match(curl.stdout, new RegExp(`docker-content-digest: ${sha256(bytes)}`, 'i'))
    assert.match(curl.stdout, /content-length: 200000/i)
    const range = await runTool('curl', ['-sS', '-f', '-r', '100-199', '-o', file, url], { timeoutMs: 60_000 })
    assert.equal(range.code, 0, range.stderr)
    assert.deepEqual(await readFile(file), bytes.subarray(100, 200))

    const refused = async (u: string, message: RegExp) => {
      const r = await fetch(u)
      assert.equal(r.status, 403)
      const body = (await r.json()) as { errors: Array<{ code: string; message: string }> }
      assert.equal(body.errors[0]?.code, 'DENIED')
      assert.match(body.errors[0]?.message ?? '', message)
    }
    // Tampered: another repository in the payload, the MAC kept; and a changed MAC.
    const [v, payload, mac] = url.slice(url.indexOf(DOWNLOAD_PATH) + DOWNLOAD_PATH.length).split('.') as [string, string, string]
    const fields = JSON.parse(Buffer.from(payload, 'base64url').toString()) as unknown[]
    const forged = Buffer.from(JSON.stringify(['shop/other', ...fields.slice(1)])).toString('base64url')
    await refused(`${s.drydock.url}${DOWNLOAD_PATH}${v}.${forged}.${mac}`, /not valid/)
    await refused(`${s.drydock.url}${DOWNLOAD_PATH}${v}.${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`, /not valid/)
    // Expired: a token signed with the server's own key, as it would have been an hour ago.
    const hourAgo = new DownloadUrlSigner(dataDirKey(join(s.drydock.dataDir, DOWNLOAD_URL_KEY_FILE)), { now: () => new Date(Date.now() - 3_600_000) }, 600_000)
    const old = await hourAgo.sign(repo, sha256(bytes), CAROL.user)
    await refused(`${s.drydock.url}${DOWNLOAD_PATH}${old.token}`, /expired/)
    // The same key signing a live token: accepted (so the refusal above is the expiry's).
    const live = await new DownloadUrlSigner(dataDirKey(join(s.drydock.dataDir, DOWNLOAD_URL_KEY_FILE)), { now: () => new Date() }, 600_000).sign(repo, sha256(bytes), CAROL.user)
    assert.equal((await fetch(`${s.drydock.url}${DOWNLOAD_PATH}${live.token}`)).status, 200)

    // carol leaves the team: the URL minted for her stops working.
    assert.equal((await s.api(ADMIN, 'DELETE', `/api/v1/orgs/shop/teams/readers/members/${CAROL.user}`)).status, 204)
    await refused(url, /may no longer pull/)
    assert.equal(cliError(await s.aws(['ecr', 'get-download-url-for-layer', '--repository-name', repo, '--layer-digest', sha256(bytes)], carol)), 'AccessDeniedException')

    // Unknown layers; and no token ever reaches the log, even at debug level.
    assert.equal(cliError(await s.aws(['ecr', 'get-download-url-for-layer', '--repository-name', repo, '--layer-digest', sha256(randomBytes(4))], root)), 'LayersNotFoundException')
    assert.ok(!s.drydock.output().includes(mac), 'the URL token is not logged')
    assert.match(s.drydock.output(), /ecr-download\/\[redacted\]/)
  })
})
