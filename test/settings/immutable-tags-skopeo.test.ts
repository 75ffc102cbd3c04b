// Tag immutability through a real client (issue #14): the `drydock repo` CLI creates acme/app
// before its first push as IMMUTABLE_WITH_EXCLUSION (dev-*), then skopeo pushes two different
// images to the same tags of a real `drydock serve` with access control on. Overwriting v1 is
// refused and skopeo shows why; the same image again is fine; dev-* and cosign's
// sha256-<hex>.sig tags move. A team member with write (not a namespace admin) may push but not
// change the settings. acme/locked is immutable by the config file's namespace defaults alone;
// acme/prod/api gets the acme/prod creation template as its own settings at its first push.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, afterEach, before, describe, test } from 'node:test'
import { IMAGES_DIR, requireTestdata } from '../../src/testkit/repo-paths.ts'
import { createSkopeo, type Skopeo } from '../../src/testkit/skopeo-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { drydockCli, mustCli } from '../auth/run-drydock-cli.ts'
import { logsOnFailure } from '../e2e/registry-under-test.ts'

requireTestdata()
const ROOT = { user: 'root', password: 'settings-admin-password-1' }
const DEV = { user: 'dev', password: 'settings-dev-password-22' }
const BUSYBOX = `oci:${join(IMAGES_DIR, 'busybox')}:1`
const ALPINE = `oci:${join(IMAGES_DIR, 'alpine-3.19')}:3.19.4`
const SIG_TAG = `sha256-${'0123456789abcdef'.repeat(4)}.sig`

describe('immutable tags with skopeo and the repo CLI (auth on)', { timeout: 600_000 }, () => {
  let server: RunningDrydock
  let skopeo: Skopeo
  let work: string
  const as = (who: { user: string; password: string }) => ({ DRYDOCK_REGISTRY: server.url, DRYDOCK_USERNAME: who.user, DRYDOCK_PASSWORD: who.password })
  const push = (src: string, tag: string, who = ROOT, repo = 'acme/app') =>
    skopeo.tryCopy(src, `docker://${server.host}/${repo}:${tag}`, { creds: `${who.user}:${who.password}` })
  /** A /v2 request as root, with a registry token for `scope` (the /v2 gate takes Bearer tokens). */
  const v2 = async (path: string, scope: string, init: RequestInit = {}): Promise<Response> => {
    const basic = `Basic ${Buffer.from(`${ROOT.user}:${ROOT.password}`).toString('base64')}`
    const res = await fetch(`${server.url}/token?service=drydock&scope=${scope}`, { headers: { authorization: basic } })
    const { token } = await res.json() as { token: string }
    return fetch(`${server.url}${path}`, { ...init, headers: { ...init.headers as Record<string, string>, authorization: `Bearer ${token}` } })
  }
  const digestOf = async (tag: string): Promise<string> => {
    const res = await v2(`/v2/acme/app/manifests/${tag}`, 'repository:acme/app:pull', {
      method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    })
    assert.equal(res.status, 200, `HEAD ${tag}`)
    return res.headers.get('docker-content-digest') ?? ''
  }

  before(async () => {
    skopeo = await createSkopeo()
    work = await mkdtemp(join(tmpdir(), 'drydock-immutable-skopeo-'))
    const config = join(work, 'config.json')
    await writeFile(config, JSON.stringify({ repositories: { defaults: { 'acme/locked': { imageTagMutability: 'IMMUTABLE' } }, templates: { 'acme/prod': { imageTagMutability: 'IMMUTABLE' } } } }))
    server = await startDrydock({ args: ['--config', config], env: { DRYDOCK_ADMIN_USER: ROOT.user, DRYDOCK_ADMIN_PASSWORD: ROOT.password } })
    const root = as(ROOT)
    await mustCli(['user', 'create', DEV.user, '--new-password-stdin'], root, DEV.password)
    await mustCli(['org', 'create', 'acme'], root)
    await mustCli(['team', 'create', 'acme', 'devs'], root)
    await mustCli(['team', 'add-member', 'acme', 'devs', DEV.user], root)
    await mustCli(['team', 'grant', 'acme', 'devs', 'acme/*', 'write'], root)
  })
  afterEach((t) => logsOnFailure(t, { registry: server?.output }))
  after(async () => {
    await server?.stop()
    await skopeo?.dispose()
    if (work) await rm(work, { recursive: true, force: true })
  })

  test('repo create: an empty repository with its settings, listed before the first push', async () => {
    const out = await mustCli(['repo', 'create', 'acme/app', '--mutability', 'IMMUTABLE_WITH_EXCLUSION', '--exclude', 'dev-*', '--format', 'json'], as(ROOT))
    const view = JSON.parse(out) as { repositoryName: string; stored: Record<string, unknown>; effective: Record<string, unknown> }
    assert.equal(view.repositoryName, 'acme/app')
    assert.deepEqual(view.stored, { imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }] })
    assert.equal(view.effective['scanOnPush'], false, 'the server default (no scanning section)')
    const again = await drydockCli(['repo', 'create', 'acme/app'], as(ROOT))
    assert.equal(again.code, 2, again.stderr)
    assert.match(again.stderr, /already exists/)
    const table = await mustCli(['repo', 'settings', 'acme/app'], as(DEV))
    assert.match(table, /imageTagMutability\s+IMMUTABLE_WITH_EXCLUSION\s+IMMUTABLE_WITH_EXCLUSION/)
    const catalog = await (await v2('/v2/_catalog', 'registry:catalog:*')).json() as { repositories: string[] }
    assert.ok(catalog.repositories.includes('acme/app'), JSON.stringify(catalog))
    const tags = await v2('/v2/acme/app/tags/list', 'repository:acme/app:pull')
    assert.equal(tags.status, 200)
    assert.deepEqual((await tags.json() as { tags: string[] }).tags, [])
  })

  test('skopeo: overwriting an immutable tag is refused with a readable message; the same image again is fine', async () => {
    const first = await push(BUSYBOX, 'v1', DEV)
    assert.equal(first.code, 0, first.stderr)
    const v1 = await digestOf('v1')
    const overwrite = await push(ALPINE, 'v1', DEV)
    assert.notEqual(overwrite.code, 0, 'the second image must not replace v1')
    assert.match(overwrite.stderr, /tag v1 is immutable in acme\/app: it already points at sha256:[0-9a-f]{64}/, overwrite.stderr)
    assert.equal(await digestOf('v1'), v1, 'v1 still points at the first image')
    const same = await push(BUSYBOX, 'v1', DEV)
    assert.equal(same.code, 0, same.stderr)
  })

  test('skopeo: excluded tags (dev-*) and cosign .sig tags move', async () => {
    for (const tag of ['dev-1', SIG_TAG]) {
      assert.equal((await push(BUSYBOX, tag, DEV)).code, 0)
      const before = await digestOf(tag)
      const moved = await push(ALPINE, tag, DEV)
      assert.equal(moved.code, 0, moved.stderr)
      assert.notEqual(await digestOf(tag), before, `${tag} moved to the second image`)
    }
  })

  test('namespace defaults from the config file: acme/locked is immutable without settings of its own', async () => {
    assert.equal((await push(BUSYBOX, 'v1', DEV, 'acme/locked')).code, 0)
    const overwrite = await push(ALPINE, 'v1', DEV, 'acme/locked')
    assert.notEqual(overwrite.code, 0)
    assert.match(overwrite.stderr, /tag v1 is immutable in acme\/locked/)
    const view = JSON.parse(await mustCli(['repo', 'settings', 'acme/locked', '--format', 'json'], as(DEV))) as { stored: object; effective: { imageTagMutability: string } }
    assert.deepEqual(view.stored, {})
    assert.equal(view.effective.imageTagMutability, 'IMMUTABLE')
  })

  test('creation template: the first push into acme/prod/api makes it immutable by its own settings', async () => {
    assert.equal((await push(BUSYBOX, 'v1', DEV, 'acme/prod/api')).code, 0)
    const overwrite = await push(ALPINE, 'v1', DEV, 'acme/prod/api')
    assert.match(overwrite.stderr, /tag v1 is immutable in acme\/prod\/api/)
    const view = JSON.parse(await mustCli(['repo', 'settings', 'acme/prod/api', '--format', 'json'], as(DEV))) as { stored: object }
    assert.deepEqual(view.stored, { imageTagMutability: 'IMMUTABLE' })
  })

  test('only a namespace admin changes the settings: a writer is refused, the admin makes v1 mutable', async () => {
    const refused = await drydockCli(['repo', 'set', 'acme/app', '--mutability', 'MUTABLE'], as(DEV))
    assert.equal(refused.code, 4, refused.stderr)
    assert.match(refused.stderr, /DENIED/)
    assert.equal((await push(ALPINE, 'v1', DEV)).code !== 0, true, 'still immutable')
    await mustCli(['repo', 'set', 'acme/app', '--mutability', 'MUTABLE'], as(ROOT))
    const moved = await push(ALPINE, 'v1', DEV)
    assert.equal(moved.code, 0, moved.stderr)
  })
})
