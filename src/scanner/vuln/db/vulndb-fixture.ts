/**
 * Test support: builds a temporary advisory database from the shared real records in
 * ../shared/testdata/vulndb (trivy dbtest.InitDB style), through the same importers production
 * uses. OSV directories are imported as-is; the Alpine and Debian native feeds are converted;
 * NVD / CVE JSON 5 documents fill the CVE severity table.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireTestdata, VULNDB_DIR } from '../../../testkit/repo-paths.ts'
import { readOsvDirectory } from '../sources/directory-source.ts'
import { importRecords } from '../sources/import-records.ts'
import { importAlpineSecdb, importCveSeverityDir, importDebianTracker } from '../sources/native-import.ts'
import { updateAdvisoryDb } from './db-writer.ts'
import { SqliteAdvisoryProvider } from './sqlite-provider.ts'

export interface VulndbFixture {
  readonly dir: string
  readonly path: string
  readonly provider: SqliteAdvisoryProvider
  close(): void
}

export const FIXTURE_CLOCK = (): Date => new Date('2026-11-22T00:00:00Z')

/** Builds the DB in a fresh temp dir; `extraOsvDir` adds (or overrides) OSV records. Call close(). */
export async function buildVulndbFixture(options: { extraOsvDir?: string } = {}): Promise<VulndbFixture> {
  requireTestdata()
  const dir = mkdtempSync(join(tmpdir(), 'drydock-vulndb-fixture-'))
  const path = join(dir, 'advisories.db')
  await updateAdvisoryDb(path, async (w) => {
    for (const eco of ['npm', 'PyPI', 'Go', 'Maven']) {
      const d = join(VULNDB_DIR, eco)
      await importRecords(w, { name: `osv:${eco}`, kind: 'osv-dir', location: d }, readOsvDirectory(d))
    }
    await importAlpineSecdb(w, join(VULNDB_DIR, 'Alpine', 'secdb'))
    await importDebianTracker(w, join(VULNDB_DIR, 'Debian', 'tracker'), ['bullseye', 'bookworm'])
    await importCveSeverityDir(w, join(VULNDB_DIR, 'severity-sources'), 'cve-severity')
    if (options.extraOsvDir !== undefined) {
      await importRecords(w, { name: 'osv:extra', kind: 'osv-dir', location: options.extraOsvDir }, readOsvDirectory(options.extraOsvDir))
    }
  }, { now: FIXTURE_CLOCK })
  const provider = new SqliteAdvisoryProvider(path)
  return {
    dir,
    path,
    provider,
    close() {
      provider.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
