// The remote source against the real reference registry (docker-registry), started by the test
// on 127.0.0.1 and filled with skopeo; once anonymous, once with token auth.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../../testkit/repo-paths.ts'
import { builtinAnalyzers } from '../../analyzers/builtin.ts'
import { analyzeImage } from '../../pipeline/analyze-image.ts'
import { isImageError } from '../image-errors.ts'
import { parseImageSource } from '../parse-image-source.ts'
import { run } from '../testing/layer-fixtures.ts'
import { startRegistry, type RunningRegistry } from '../testing/start-registry.ts'
import { startTokenServer, type TokenServer } from '../testing/token-server.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'

requireTestdata()
const layout = (name: string, tag: string) => `oci:${join(IMAGES_DIR, name)}:${tag}`

describe('remote source, anonymous registry', () => {
  let dir: string
  let registry: RunningRegistry
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drydock-remote-'))
    registry = await startRegistry(dir)
    await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', layout('python-app', '1.0.0'), `docker://${registry.host}/test/python-app:1.0.0`])
    await run('skopeo', ['copy', '--quiet', '--all', '--dest-tls-verify=false', layout('multiarch-busybox', '1'), `docker://${registry.host}/test/multiarch:1`])
  })
  after(async () => {
    await registry?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('gives the same inventory as the layout, with and without docker://', async () => {
    const expected = await analyzeImage(await parseImageSource(layout('python-app', '1.0.0')), { analyzers: builtinAnalyzers })
    for (const ref of [`docker://${registry.host}/test/python-app:1.0.0`, `${registry.host}/test/python-app:1.0.0`]) {
      const got = await analyzeImage(await parseImageSource(ref), { analyzers: builtinAnalyzers })
      assert.deepEqual(got, { ...expected, image: { ...expected.image, reference: ref } })
    }
  })

  it('resolves by digest, selects platforms of a pushed index, and reports unknown tags', async () => {
    const byTag = await (await parseImageSource(`${registry.host}/test/multiarch:1`)).resolve({ platform: 'linux/arm64' })
    assert.equal(byTag[0]?.platform?.architecture, 'arm64')
    const all = await (await parseImageSource(`${registry.host}/test/multiarch:1`)).resolve({ platform: 'all' })
    assert.equal(all.length, 2)
    const digest = byTag[0]?.manifestDigest
    const byDigest = await (await parseImageSource(`${registry.host}/test/multiarch@${digest}`)).resolve()
    assert.equal(byDigest[0]?.manifestDigest, digest)
    await assert.rejects((await parseImageSource(`${registry.host}/test/multiarch:nope`)).resolve(), (err) => isImageError(err, 'IMAGE_NOT_FOUND'))
    await assert.rejects((await parseImageSource(`${registry.host}/test/multiarch:1`)).resolve({ platform: 'windows/amd64' }), (err) => isImageError(err, 'PLATFORM_NOT_FOUND'))
  })
})

describe('remote source, token auth', () => {
  let dir: string
  let registry: RunningRegistry
  let tokens: TokenServer
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drydock-remote-auth-'))
    tokens = await startTokenServer(dir, 'alice', 's3cret')
    registry = await startRegistry(dir, { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.certPath })
    await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', 'alice:s3cret', layout('busybox', '1'), `docker://${registry.host}/test/busybox:1`])
  })
  after(async () => {
    await registry?.stop()
    await tokens?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('without credentials: UNAUTHORIZED', async () => {
    const source = await parseImageSource(`${registry.host}/test/busybox:1`)
    await assert.rejects(source.resolve(), (err) => isImageError(err, 'UNAUTHORIZED'))
  })

  it('with credentials: follows the challenge to the realm (config files: test/cli-auth)', async () => {
    const viaOptions = await analyzeImage(await parseImageSource(`${registry.host}/test/busybox:1`, { credentials: { username: 'alice', password: 's3cret' } }), { analyzers: builtinAnalyzers })
    assert.equal(viaOptions.image.layers.length, 1)
    assert.ok(tokens.requests.some((r) => r.scope === 'repository:test/busybox:pull' && r.user === 'alice'))
    const wrong = await parseImageSource(`${registry.host}/test/busybox:1`, { credentials: { username: 'alice', password: 'wrong' } })
    await assert.rejects(wrong.resolve(), (err) => isImageError(err, 'UNAUTHORIZED'))
  })
})
