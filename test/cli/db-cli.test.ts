// `drydock db update | import | status` end to end. The mirror is a local HTTP server (started by
// the test on 127.0.0.1) serving an osv.dev-style `<ecosystem>/all.zip` built with the `zip` tool.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, readdir, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { VULNDB_DIR } from '../../src/testkit/repo-paths.ts'
import { cliSandbox, show, type CliSandbox } from './cli-harness.ts'

let box: CliSandbox
let server: Server
let mirror: string

async function zipDir(src: string, zipFile: string): Promise<void> {
  const files = (await readdir(src)).filter((f) => f.endsWith('.json')).map((f) => join(src, f))
  try {
    await promisify(execFile)('zip', ['-q', '-j', zipFile, ...files])
  } catch (err) {
    throw new Error(`the 'zip' tool is needed for this test (apt-get install zip): ${(err as Error).message}`)
  }
}

before(async () => {
  box = await cliSandbox()
  const root = join(box.dir, 'mirror')
  await mkdir(join(root, 'npm'), { recursive: true })
  await mkdir(join(root, 'PyPI'), { recursive: true })
  await zipDir(join(VULNDB_DIR, 'npm'), join(root, 'npm', 'all.zip'))
  await zipDir(join(VULNDB_DIR, 'PyPI'), join(root, 'PyPI', 'all.zip'))
  server = createServer((req, res) => {
    const m = /^\/(npm|PyPI)\/all\.zip$/.exec(req.url ?? '')
    if (!m) return void res.writeHead(404).end()
    const file = join(root, m[1] as string, 'all.zip')
    void stat(file).then((s) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': s.size })
      createReadStream(file).pipe(res)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  mirror = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
after(async () => {
  await new Promise<void>((r) => server.close(() => r()))
  await box.close()
})

test('db update downloads the ecosystems from the mirror; db status shows sources, counts and age', async () => {
  const db = join(box.dir, 'db-update')
  const r = await box.run(['db', 'update', '--db', db, '--mirror', mirror, '--ecosystems', 'npm,PyPI'])
  assert.equal(r.code, 0, show(r))
  assert.match(r.stderr, /npm: 10 new, 0 updated, 0 unchanged, 0 rejected/)
  assert.match(r.stderr, /PyPI: 14 new/)
  const s = await box.run(['db', 'status', '--db', db])
  assert.equal(s.code, 0, show(s))
  assert.match(s.stdout, /Schema version: 1/)
  assert.match(s.stdout, /Advisories: +24/)
  assert.match(s.stdout, /Updated: +\S+ \(\d+ minutes? ago\)/)
  assert.match(s.stdout, new RegExp(`osv:npm +10 records +0 rejected .*osv-mirror ${mirror}/npm/all.zip`))
  assert.match(s.stdout, /osv:PyPI +14 records/)
})

test('a failed update exits 3 and keeps the previous database', async () => {
  const db = join(box.dir, 'db-keep')
  const ok = await box.run(['db', 'import', '--db', db, join(VULNDB_DIR, 'npm')])
  assert.equal(ok.code, 0, show(ok))
  const r = await box.run(['db', 'update', '--db', db, '--mirror', mirror, '--ecosystems', 'npm,Hex'])
  assert.equal(r.code, 3, show(r))
  assert.match(r.stderr, /HTTP 404.*previous database.*kept/)
  const s = await box.run(['db', 'status', '--db', db])
  assert.match(s.stdout, /Advisories: +10/)
  assert.match(s.stdout, /osv-dir/)
})

test('db import reads OSV directories, OSV zips and native feeds', async () => {
  const db = join(box.dir, 'db-import')
  const zip = join(box.dir, 'mirror', 'PyPI', 'all.zip')
  for (const args of [[join(VULNDB_DIR, 'npm')], [zip], ['--kind', 'alpine-secdb', join(VULNDB_DIR, 'Alpine', 'secdb')]]) {
    const r = await box.run(['db', 'import', '--db', db, ...args])
    assert.equal(r.code, 0, show(r))
  }
  const s = await box.run(['db', 'status', '--db', db])
  assert.match(s.stdout, /osv:npm +10 records/)
  assert.match(s.stdout, /osv:PyPI +14 records/)
  assert.match(s.stdout, /alpine-secdb/)
})

test('db usage errors and a missing database', async () => {
  for (const args of [['db'], ['db', 'frobnicate'], ['db', 'import'], ['db', 'import', join(box.dir, 'nothing-here')], ['db', 'update', '--mirror', 'ftp://x']]) {
    const r = await box.run(args)
    assert.equal(r.code, 2, `${args.join(' ')}: ${show(r)}`)
  }
  const missing = join(box.dir, 'never-created')
  const s = await box.run(['db', 'status', '--db', missing])
  assert.equal(s.code, 2, show(s))
  assert.match(s.stderr, /drydock db update/)
  assert.equal(existsSync(missing), false)
})
