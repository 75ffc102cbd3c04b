// GET /api/v1/repositories/{name}/lifecycle-policy/preview over real HTTP: images pushed at
// controlled times (the fixture's clock), an ECR "keep the last N images" policy set through PUT
// …/settings, and the preview lists exactly the oldest images with the rule that takes them;
// then the same through `drydock repo preview` (access control is off: any credentials do).
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { imageManifest, putManifest, startFixture, type RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'
import { drydockCli, mustCli } from '../auth/run-drydock-cli.ts'

const DAY = 86_400_000
const KEEP_TWO = JSON.stringify({
  rules: [{ rulePriority: 1, description: 'Keep the last 2 images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }, action: { type: 'expire' } }],
})

describe('lifecycle policy preview over HTTP', () => {
  let fx: RegistryFixture
  let url: string
  const pushed: string[] = []

  before(async () => {
    fx = await startFixture()
    await fx.app.listen({ host: '127.0.0.1', port: 0 })
    url = `http://127.0.0.1:${(fx.app.server.address() as AddressInfo).port}`
    // Five images, one a day, oldest first: v0 … v4.
    for (let i = 0; i < 5; i++) {
      const image = await imageManifest(fx.app, 'team/app', `seed-${i}`)
      const res = await putManifest(fx.app, 'team/app', `v${i}`, image.manifest)
      assert.equal(res.statusCode, 201, res.body)
      pushed.push(image.digest)
      fx.clock.advance(DAY)
    }
  })
  after(async () => {
    await fx?.close()
  })

  const preview = (repo: string) => fetch(`${url}/api/v1/repositories/${repo}/lifecycle-policy/preview`)

  test('no policy: 404 with a clear error; unknown repository: NAME_UNKNOWN', async () => {
    const none = await preview('team/app')
    assert.equal(none.status, 404)
    assert.match(await none.text(), /no lifecycle policy applies to repository team\/app/)
    const unknown = await preview('team/missing')
    assert.equal(unknown.status, 404)
    assert.equal((await unknown.json() as any).errors[0].code, 'NAME_UNKNOWN')
  })

  test('keep the last 2: the three oldest are expired by rule 1, nothing is deleted', async () => {
    const put = await fetch(`${url}/api/v1/repositories/team/app/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lifecyclePolicy: KEEP_TWO }) })
    assert.equal(put.status, 200, await put.clone().text())
    const res = await preview('team/app')
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('cache-control'), 'no-store')
    const body = await res.json() as any
    assert.equal(body.policyText, KEEP_TWO)
    assert.equal(body.evaluatedAt, fx.clock.now().toISOString())
    assert.equal(body.kept, 2)
    assert.deepEqual(body.expired.map((e: any) => [e.digest, e.tags, e.rulePriority, e.description]), [
      [pushed[0], ['v0'], 1, 'Keep the last 2 images'],
      [pushed[1], ['v1'], 1, 'Keep the last 2 images'],
      [pushed[2], ['v2'], 1, 'Keep the last 2 images'],
    ])
    assert.equal(body.expired[0].pushedAt, '2026-01-01T00:00:00.000Z')
    // A preview only: every image is still there.
    for (const digest of pushed) {
      assert.equal((await fetch(`${url}/v2/team/app/manifests/${digest}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).status, 200)
    }
  })

  test('drydock repo preview: a table of the expired images with their rule, or JSON', async () => {
    const env = { DRYDOCK_REGISTRY: url, DRYDOCK_USERNAME: 'anyone', DRYDOCK_PASSWORD: 'anything-goes-here' }
    const table = await mustCli(['repo', 'preview', 'team/app'], env)
    for (const [i, digest] of pushed.entries()) {
      if (i < 3) assert.match(table, new RegExp(`${digest}\\s+v${i}\\s+\\S+\\s+1: Keep the last 2 images`), table)
      else assert.ok(!table.includes(digest), `v${i} is kept:\n${table}`)
    }
    const json = JSON.parse(await mustCli(['repo', 'preview', 'team/app', '--format', 'json'], env))
    assert.deepEqual(json.expired.map((e: any) => e.digest), pushed.slice(0, 3))
    assert.equal(json.kept, 2)
    const none = await drydockCli(['repo', 'preview', 'team/other-missing'], env)
    assert.notEqual(none.code, 0)
    assert.match(none.stderr, /NAME_UNKNOWN/)
    const extra = await drydockCli(['repo', 'preview', 'team/app', '--scan-on-push', 'true'], env)
    assert.match(extra.stderr, /only shows/)
  })
})
