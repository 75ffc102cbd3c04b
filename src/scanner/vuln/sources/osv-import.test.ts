import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireTestdata, VULNDB_DIR } from '../../../testkit/repo-paths.ts'
import { updateAdvisoryDb } from '../db/db-writer.ts'
import { SqliteAdvisoryProvider } from '../db/sqlite-provider.ts'
import { readOsvDirectory } from './directory-source.ts'
import { importRecords } from './import-records.ts'
import { DownloadError, importOsvMirror } from './mirror-source.ts'
import { readOsvZip } from './zip-source.ts'

const fixedClock = () => new Date('2026-01-01T00:00:00Z')

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-vulndb-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function zipDir(src: string, out: string): void {
  try {
    execFileSync('zip', ['-q', '-r', '-j', out, '.'], { cwd: src })
  } catch (err) {
    throw new Error(`this test needs the 'zip' CLI (apt-get install zip): ${(err as Error).message}`)
  }
}

/** The npm records plus two malformed ones: bad JSON and a record without `modified`. */
function npmFeedWithGarbage(dir: string): string {
  requireTestdata()
  const feed = join(dir, 'feed')
  mkdirSync(feed)
  cpSync(join(VULNDB_DIR, 'npm'), feed, { recursive: true })
  writeFileSync(join(feed, 'broken.json'), '{"id": "GHSA-xxxx", ')
  writeFileSync(join(feed, 'no-modified.json'), JSON.stringify({ id: 'GHSA-aaaa-bbbb-cccc', affected: [] }))
  return feed
}

test('directory import: valid records stored, malformed ones skipped and counted, data age recorded', async (t) => {
  const dir = tempDir(t)
  const feed = npmFeedWithGarbage(dir)
  const db = join(dir, 'advisories.db')
  const stats = await updateAdvisoryDb(db, (w) => importRecords(w, { name: 'osv:npm', kind: 'osv-dir', location: feed }, readOsvDirectory(feed)), { now: fixedClock })
  assert.equal(stats.inserted, 10)
  assert.equal(stats.rejected, 2)
  assert.deepEqual(stats.rejections.map((r) => r.entry.split('/').pop()).sort(), ['broken.json', 'no-modified.json'])
  assert.match(stats.rejections.find((r) => r.entry.endsWith('no-modified.json'))?.reason ?? '', /modified is required/)

  const p = new SqliteAdvisoryProvider(db)
  t.after(() => p.close())
  assert.equal(p.count(), 10)
  assert.equal(p.updatedAt, '2026-01-01T00:00:00.000Z')
  const [src] = await p.dataSources()
  assert.deepEqual(src, { name: 'osv:npm', kind: 'osv-dir', location: feed, importedAt: '2026-01-01T00:00:00.000Z', records: 10, rejected: 2 })
  const lodash = (await p.byPackage({ ecosystem: 'npm', name: 'lodash' })).map((r) => r.id)
  assert.deepEqual(lodash, ['GHSA-29mw-wpgm-hmr9', 'GHSA-35jh-r3h4-6jhm', 'GHSA-jf85-cpcp-j695', 'GHSA-p6mc-m468-83gw'])
  assert.deepEqual(await p.byPackage({ ecosystem: 'PyPI', name: 'lodash' }), [])
})

test('incremental import: only records with a newer modified time are rewritten', async (t) => {
  const dir = tempDir(t)
  const feed = npmFeedWithGarbage(dir)
  const db = join(dir, 'advisories.db')
  const run = () => updateAdvisoryDb(db, (w) => importRecords(w, { name: 'osv:npm', kind: 'osv-dir', location: feed }, readOsvDirectory(feed)))
  await run()
  const file = join(feed, 'GHSA-vh95-rmgr-6w4m.json')
  const rec = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  writeFileSync(file, JSON.stringify({ ...rec, modified: '2030-01-01T00:00:00Z', summary: 'updated summary' }))
  const second = await run()
  assert.deepEqual([second.inserted, second.updated, second.unchanged, second.rejected], [0, 1, 9, 2])
  const p = new SqliteAdvisoryProvider(db)
  t.after(() => p.close())
  const minimist = await p.byPackage({ ecosystem: 'npm', name: 'minimist' })
  assert.equal(minimist.find((r) => r.id === 'GHSA-vh95-rmgr-6w4m')?.summary, 'updated summary')
})

test('zip import (osv.dev all.zip layout) gives the same records as the directory', async (t) => {
  const dir = tempDir(t)
  const feed = npmFeedWithGarbage(dir)
  const zip = join(dir, 'all.zip')
  zipDir(feed, zip)
  const db = join(dir, 'advisories.db')
  const stats = await updateAdvisoryDb(db, (w) => importRecords(w, { name: 'osv:npm', kind: 'osv-zip', location: zip }, readOsvZip(zip)))
  assert.equal(stats.inserted, 10)
  assert.equal(stats.rejected, 2)
  const p = new SqliteAdvisoryProvider(db)
  t.after(() => p.close())
  assert.deepEqual((await p.byPackage({ ecosystem: 'npm', name: 'axios' })).map((r) => r.id), ['GHSA-4w2v-q235-vp99', 'GHSA-wf5p-g6vw-rhxx'])
})

test('a corrupt zip fails the import and leaves the previous database intact', async (t) => {
  const dir = tempDir(t)
  const feed = npmFeedWithGarbage(dir)
  const db = join(dir, 'advisories.db')
  await updateAdvisoryDb(db, (w) => importRecords(w, { name: 'osv:npm', kind: 'osv-dir', location: feed }, readOsvDirectory(feed)))
  const zip = join(dir, 'bad.zip')
  zipDir(feed, zip)
  const bytes = readFileSync(zip)
  writeFileSync(zip, bytes.subarray(0, Math.floor(bytes.length / 2)))
  await assert.rejects(updateAdvisoryDb(db, (w) => importRecords(w, { name: 'osv:npm', kind: 'osv-zip', location: zip }, readOsvZip(zip))), /zip archive|central directory|truncated/)
  const p = new SqliteAdvisoryProvider(db)
  t.after(() => p.close())
  assert.equal(p.count(), 10)
})

async function serve(t: { after: (fn: () => Promise<void>) => void }, body: Buffer, cut: boolean): Promise<{ base: string; requests: string[] }> {
  const requests: string[] = []
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '')
    if (req.url !== '/npm/all.zip') { res.writeHead(404).end(); return }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(body.length) })
    if (!cut) { res.end(body); return }
    // Send half, then drop the connection: the client sees a premature close.
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests }
}

test('HTTP mirror: streamed download with progress, then a cut download keeps the previous DB usable', async (t) => {
  const dir = tempDir(t)
  const feed = npmFeedWithGarbage(dir)
  const zip = join(dir, 'all.zip')
  zipDir(feed, zip)
  const body = readFileSync(zip)
  const db = join(dir, 'advisories.db')

  const good = await serve(t, body, false)
  const progress: number[] = []
  const stats = await updateAdvisoryDb(db, (w) => importOsvMirror(w, { baseUrl: `${good.base}/`, ecosystem: 'npm', onProgress: (p) => progress.push(p.bytes) }))
  assert.equal(stats.inserted, 10)
  assert.deepEqual(good.requests, ['/npm/all.zip'])
  assert.equal(progress.at(-1), body.length)
  const sizeBefore = statSync(db).size

  // A newer record in the feed the broken server would deliver, so a partial import would show.
  const file = join(feed, 'GHSA-vh95-rmgr-6w4m.json')
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), modified: '2030-01-01T00:00:00Z' }))
  const zip2 = join(dir, 'all2.zip')
  zipDir(feed, zip2)
  const broken = await serve(t, readFileSync(zip2), true)
  await assert.rejects(
    updateAdvisoryDb(db, (w) => importOsvMirror(w, { baseUrl: broken.base, ecosystem: 'npm' })),
    (err: unknown) => err instanceof DownloadError && /npm\/all\.zip/.test(err.message),
  )
  assert.equal(statSync(db).size, sizeBefore)
  const p = new SqliteAdvisoryProvider(db)
  t.after(() => p.close())
  assert.equal(p.count(), 10)
  const rec = (await p.byPackage({ ecosystem: 'npm', name: 'minimist' })).find((r) => r.id === 'GHSA-vh95-rmgr-6w4m')
  assert.notEqual(rec?.modified, '2030-01-01T00:00:00Z')
  await assert.rejects(updateAdvisoryDb(db, (w) => importOsvMirror(w, { baseUrl: broken.base, ecosystem: 'PyPI' })), /HTTP 404/)
})
