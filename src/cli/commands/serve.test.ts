/**
 * `drydock serve` as a real process (testkit startDrydock): the command line the black-box and
 * client tests rely on, JSON logs without secrets, restart keeping uploads, and usage errors.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { NODE_BIN, REPO_ROOT } from '../../testkit/repo-paths.ts'
import { startDrydock } from '../../testkit/start-drydock.ts'

describe('drydock serve (process)', () => {
  it('serves /healthz and /v2/, logs JSON with request ids and no secrets, and keeps uploads across a restart', async () => {
    const dd = await startDrydock()
    try {
      const v2 = await fetch(`${dd.url}/v2/`, { headers: { authorization: 'Bearer sup3r-s3cret-token' } })
      assert.equal(v2.status, 200)
      assert.equal(v2.headers.get('docker-distribution-api-version'), 'registry/2.0')
      const start = await fetch(`${dd.url}/v2/cli/test/blobs/uploads/`, { method: 'POST' })
      const loc = new URL(start.headers.get('location') ?? '', dd.url).toString()
      assert.equal((await fetch(loc, { method: 'PATCH', body: 'before restart' })).status, 202)
      await dd.restart()
      const status = await fetch(loc)
      assert.equal(status.status, 204)
      assert.equal(status.headers.get('range'), '0-13')
      assert.doesNotMatch(dd.output(), /sup3r-s3cret-token/)
      const lines = dd.output().split('\n').filter((l) => l.startsWith('{'))
      assert.ok(lines.some((l) => (JSON.parse(l) as { reqId?: string }).reqId !== undefined), 'request logs carry a request id')
      assert.match(dd.output(), /shutting down/)
    } finally {
      await dd.stop()
    }
  })

  it('exits with the usage code on bad options', () => {
    const res = spawnSync(NODE_BIN, [join(REPO_ROOT, 'src/cli/main.ts'), 'serve', '--listen', 'not-an-address'], { encoding: 'utf8' })
    assert.equal(res.status, 2)
    assert.match(res.stderr, /invalid listen address/)
    const help = spawnSync(NODE_BIN, [join(REPO_ROOT, 'src/cli/main.ts'), 'serve', '--help'], { encoding: 'utf8' })
    assert.equal(help.status, 0)
    assert.match(help.stdout, /--upload-expiry/)
  })

  it('refuses to serve an open registry beyond loopback until an admin exists (private by default)', () => {
    const data = mkdtempSync(join(tmpdir(), 'drydock-open-'))
    try {
      // 0.0.0.0 is refused before anything is served, so no port is actually opened for long.
      const res = spawnSync(NODE_BIN, [join(REPO_ROOT, 'src/cli/main.ts'), 'serve', '--listen', '0.0.0.0:0', '--data', data], { encoding: 'utf8', timeout: 30_000 })
      assert.equal(res.status, 2, res.stderr)
      assert.match(res.stderr, /refusing to serve an open registry on 0\.0\.0\.0:0/)
      assert.match(res.stderr, /DRYDOCK_ADMIN_USER/)
    } finally {
      rmSync(data, { recursive: true, force: true })
    }
  })
})
