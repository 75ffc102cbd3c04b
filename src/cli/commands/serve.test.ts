/**
 * `drydock serve` as a real process (testkit startDrydock): the command line the black-box and
 * client tests rely on, JSON logs without secrets, restart keeping uploads, and usage errors.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
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

  it('--help lists every flag serve accepts', async () => {
    const { FLAGS } = await import('../../registry/config/load-config.ts')
    const help = spawnSync(NODE_BIN, [join(REPO_ROOT, 'src/cli/main.ts'), 'serve', '--help'], { encoding: 'utf8' })
    assert.equal(help.status, 0)
    for (const flag of [...Object.keys(FLAGS), '--config']) assert.match(help.stdout, new RegExp(`${flag}[ ,=]`), `${flag} is missing from serve --help`)
  })

  it('a port in use or an unusable data dir is a one-line message with the usage code, not a crash', async () => {
    const busy = createServer()
    await new Promise<void>((ready) => busy.listen(0, '127.0.0.1', ready))
    const port = (busy.address() as AddressInfo).port
    const dir = mkdtempSync(join(tmpdir(), 'drydock-start-'))
    try {
      const serve = (...args: string[]) => spawnSync(NODE_BIN, [join(REPO_ROOT, 'src/cli/main.ts'), 'serve', '--log-level', 'silent', ...args], { encoding: 'utf8', timeout: 30_000 })
      const inUse = serve('--listen', `127.0.0.1:${port}`, '--data', dir)
      assert.equal(inUse.status, 2, inUse.stderr)
      assert.equal(inUse.stderr, `drydock: cannot listen on 127.0.0.1:${port}: the address is already in use (is another registry running?)\n`)
      writeFileSync(join(dir, 'a-file'), '')
      const notDir = serve('--listen', '127.0.0.1:0', '--data', join(dir, 'a-file', 'data'))
      assert.equal(notDir.status, 2, notDir.stderr)
      assert.match(notDir.stderr, /^drydock: cannot use the data directory .*a-file\/data: a path component is not a directory/)
      assert.doesNotMatch(notDir.stderr + inUse.stderr, /internal error|\n\s+at /)
    } finally {
      busy.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('`npm start` (the README start command) stops cleanly on SIGTERM: no server left behind', async () => {
    const data = mkdtempSync(join(tmpdir(), 'drydock-npm-start-'))
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: REPO_ROOT,
      env: { ...process.env, DRYDOCK_LISTEN: '127.0.0.1:0', DRYDOCK_DATA: data, DRYDOCK_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    try {
      let out = ''
      const url = await new Promise<string>((found, failed) => {
        const onData = (chunk: Buffer): void => {
          out += chunk.toString()
          const m = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
          if (m?.[1]) found(m[1])
        }
        npm.stdout.on('data', onData)
        npm.stderr.on('data', onData)
        npm.on('exit', () => failed(new Error(`npm start exited early: ${out}`)))
      })
      assert.equal((await fetch(`${url}/healthz`)).status, 200)
      const exited = new Promise<number | null>((done) => npm.on('exit', (code) => done(code)))
      npm.kill('SIGTERM')
      assert.equal(await exited, 0)
      await assert.rejects(fetch(`${url}/healthz`), 'the server must be gone once npm start has exited')
    } finally {
      npm.kill('SIGKILL')
      rmSync(data, { recursive: true, force: true })
    }
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
