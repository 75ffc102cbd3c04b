import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { updateAdvisoryDb } from './db-writer.ts'
import { normalizePackageName } from './package-name.ts'
import { AdvisoryDbError, SqliteAdvisoryProvider } from './sqlite-provider.ts'

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-advdb-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const rec = (id: string, name: string, ecosystem = 'PyPI') => ({
  id, modified: '2024-01-01T00:00:00Z', aliases: [`CVE-2024-${id.length}`],
  affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM' as const, events: [{ introduced: '0' }] }] }],
})

test('a failing update leaves the previous database and no temp files behind', async (t) => {
  const dir = tempDir(t)
  const db = join(dir, 'a.db')
  await updateAdvisoryDb(db, async (w) => { w.put(rec('PYSEC-1', 'Jinja2'), 'test') })
  await assert.rejects(updateAdvisoryDb(db, async (w) => {
    w.put(rec('PYSEC-2', 'other'), 'test')
    throw new Error('boom')
  }), /boom/)
  assert.deepEqual(readdirSync(dir), ['a.db'])
  const p = new SqliteAdvisoryProvider(db)
  t.after(() => p.close())
  assert.equal(p.count(), 1)
  // Stored under the PEP 503 name, found under any spelling.
  assert.deepEqual((await p.byPackage({ ecosystem: 'PyPI', name: 'jinja2' })).map((r) => r.id), ['PYSEC-1'])
  assert.deepEqual((await p.byPackage({ ecosystem: 'PyPI', name: 'JINJA2' })).map((r) => r.id), ['PYSEC-1'])
})

test('opening a missing database or one with another schema version is a clear error', async (t) => {
  const dir = tempDir(t)
  assert.throws(() => new SqliteAdvisoryProvider(join(dir, 'missing.db')), AdvisoryDbError)
  assert.equal(existsSync(join(dir, 'missing.db')), false)
  const old = join(dir, 'old.db')
  const raw = new DatabaseSync(old)
  raw.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '0')")
  raw.close()
  assert.throws(() => new SqliteAdvisoryProvider(old), /schema version 0, expected 1/)
  // An update rebuilds it from scratch with the current schema.
  await updateAdvisoryDb(old, async (w) => { w.put(rec('GHSA-aaaa-bbbb-cccc', 'x', 'npm'), 'test') })
  const p = new SqliteAdvisoryProvider(old)
  t.after(() => p.close())
  assert.equal(p.dbVersion, 1)
})

test('package names: PEP 503 for PyPI, NuGet case-insensitive, others verbatim', () => {
  assert.equal(normalizePackageName('PyPI', 'Zope.Interface__x'), 'zope-interface-x')
  assert.equal(normalizePackageName('NuGet', 'Newtonsoft.Json'), 'newtonsoft.json')
  assert.equal(normalizePackageName('Go', 'github.com/BurntSushi/toml'), 'github.com/BurntSushi/toml')
  assert.equal(normalizePackageName('Debian:12', 'glibc'), 'glibc')
})
