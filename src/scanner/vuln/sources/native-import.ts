/**
 * Importers for the native (non-OSV) feeds laid out as vuln-list does: Alpine secdb per-package
 * JSON (`<dir>/<branch>/<repo>/<pkg>.json`), Debian tracker JSON (`<dir>/DSA/*.json`,
 * `<dir>/CVE/**\/*.json`) and CVE-level severity documents (NVD API 2.0 / CVE JSON 5).
 * The feeds are converted to OSV in memory (a package or tracker entry is small) and stored
 * through importRecords like any OSV feed.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { AdvisoryDbWriter } from '../db/db-writer.ts'
import { convertAlpineSecdb } from './alpine-secdb.ts'
import { importCveSeverities } from './cve-severity-source.ts'
import { convertDebianTracker, DEBIAN_SUPPORTED } from './debian-tracker.ts'
import { MAX_RECORD_BYTES } from './directory-source.ts'
import { importRecords, type ImportStats } from './import-records.ts'

async function readJsonTree(dir: string): Promise<unknown[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => join(e.parentPath, e.name)).sort()
  const out: unknown[] = []
  for (const f of files) {
    if ((await stat(f)).size > MAX_RECORD_BYTES) throw new Error(`${f} is larger than ${MAX_RECORD_BYTES} bytes`)
    try {
      out.push(JSON.parse(await readFile(f, 'utf8')))
    } catch (err) {
      throw new Error(`failed to parse ${f}`, { cause: err })
    }
  }
  return out
}

export async function importAlpineSecdb(writer: AdvisoryDbWriter, dir: string): Promise<ImportStats> {
  const records = convertAlpineSecdb(await readJsonTree(dir), writer.now().toISOString().replace(/\.\d+Z$/, 'Z'))
  return importRecords(writer, { name: 'alpine-secdb', kind: 'alpine-secdb', location: dir }, records.map((r) => ({ name: r.id, content: r })))
}

export async function importDebianTracker(writer: AdvisoryDbWriter, dir: string, releases: readonly string[] = DEBIAN_SUPPORTED): Promise<ImportStats> {
  const input = { dsa: await readJsonTree(join(dir, 'DSA')), cve: await readJsonTree(join(dir, 'CVE')) }
  const records = convertDebianTracker(input, writer.now().toISOString().replace(/\.\d+Z$/, 'Z'), releases)
  return importRecords(writer, { name: 'debian-tracker', kind: 'debian-tracker', location: dir }, records.map((r) => ({ name: r.id, content: r })))
}

export async function importCveSeverityDir(writer: AdvisoryDbWriter, dir: string, name: string): Promise<number> {
  const docs = await readJsonTree(dir)
  const n = importCveSeverities(writer, docs)
  writer.recordSource({ name, kind: 'cve-severity', location: dir, importedAt: writer.now().toISOString(), records: docs.length, rejected: 0 })
  return n
}
