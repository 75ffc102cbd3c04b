import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { requireTestdata, VULNDB_DIR } from '../../../testkit/repo-paths.ts'
import { validateOsv } from '../osv.ts'
import { convertAlpineSecdb } from './alpine-secdb.ts'
import { convertDebianTracker } from './debian-tracker.ts'

const SNAPSHOT = '2026-11-22T00:00:00Z'

function readJsonDir(dir: string): unknown[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown)
}

/** The derived fixtures carry a note the converters do not produce. */
function withoutFixtureNote(r: Record<string, unknown>): Record<string, unknown> {
  const { database_specific: _note, ...rest } = r
  return rest
}

test('Alpine secdb conversion reproduces every derived-osv record', () => {
  requireTestdata()
  const secdb = join(VULNDB_DIR, 'Alpine', 'secdb')
  const packages = readdirSync(secdb).flatMap((branch) => readJsonDir(join(secdb, branch, 'main')))
  const records = convertAlpineSecdb(packages, SNAPSHOT)
  for (const r of records) assert.ok(validateOsv(r).ok, r.id)
  const byId = new Map(records.map((r) => [r.id, r]))
  const derived = readJsonDir(join(VULNDB_DIR, 'Alpine', 'derived-osv')) as Array<Record<string, unknown>>
  assert.equal(derived.length, 14)
  for (const expected of derived) {
    assert.deepEqual(byId.get(String(expected['id'])), withoutFixtureNote(expected), String(expected['id']))
  }
  // The secfixes "0" key means not affected: zlib's CVE-2023-45853 is listed there for v3.18.
  assert.equal(byId.has('ALPINE-CVE-2023-45853'), false)
})

test('Debian tracker conversion reproduces every derived-osv record (bookworm)', () => {
  requireTestdata()
  const tracker = join(VULNDB_DIR, 'Debian', 'tracker')
  const input = { dsa: readJsonDir(join(tracker, 'DSA')), cve: readJsonDir(join(tracker, 'CVE')) }
  const records = convertDebianTracker(input, SNAPSHOT, ['bookworm'])
  for (const r of records) assert.ok(validateOsv(r).ok, r.id)
  const byId = new Map(records.map((r) => [r.id, r]))
  const derived = readJsonDir(join(VULNDB_DIR, 'Debian', 'derived-osv')) as Array<Record<string, unknown>>
  assert.equal(derived.length, 11)
  for (const expected of derived) {
    assert.deepEqual(byId.get(String(expected['id'])), withoutFixtureNote(expected), String(expected['id']))
  }
  // The stale per-CVE file says <unfixed>; DSA-5532-1 fixed bookworm, and that wins.
  assert.deepEqual(byId.get('DEBIAN-CVE-2023-5363')?.affected?.[0]?.ranges?.[0]?.events, [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }])
  // No [bookworm] line for zlib: the unstable fix (with its epoch) applies.
  assert.deepEqual(byId.get('DEBIAN-CVE-2023-45853')?.affected?.map((a) => [a.package?.name, a.ranges?.[0]?.events]), [['zlib', [{ introduced: '0' }, { fixed: '1:1.3.dfsg-2' }]]])
})
