/**
 * The ignore file (`--ignorefile FILE`), YAML or JSON (JSON is YAML, so one parser reads both):
 *
 *   vulnerabilities:
 *     - id: CVE-2021-44906          # advisory id or alias (required)
 *       package: minimist           # optional: only this package name
 *       purl: pkg:npm/minimist      # optional: only packages matching this purl
 *       reason: not reachable ...   # required: why it is acceptable
 *       expires: 2026-12-31         # optional: ignored through that day (UTC), then reported again
 *
 * A top-level list of entries is accepted too. Any malformed entry fails the whole file with its
 * position, because a gate that silently ignores a broken rule is worse than one that stops.
 */
import { readFile, stat } from 'node:fs/promises'
import { parse } from 'yaml'
import type { IgnoreRule } from './gate.ts'

const MAX_IGNORE_FILE_BYTES = 1024 * 1024

export class IgnoreFileError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'IgnoreFileError'
  }
}

function str(entry: Record<string, unknown>, key: string, where: string, required: boolean): string | undefined {
  const v = entry[key]
  if (v === undefined || v === null) {
    if (required) throw new IgnoreFileError(`${where}: '${key}' is required`)
    return undefined
  }
  if (typeof v !== 'string' || v.trim() === '') throw new IgnoreFileError(`${where}: '${key}' must be a non-empty string`)
  return v.trim()
}

function expiry(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null) return undefined
  const text = v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'string' ? v.trim() : ''
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    throw new IgnoreFileError(`${where}: 'expires' must be a date YYYY-MM-DD`)
  }
  return text
}

export function parseIgnoreFile(text: string, name = 'ignore file'): IgnoreRule[] {
  let doc: unknown
  try {
    doc = parse(text, { maxAliasCount: 100 })
  } catch (err) {
    throw new IgnoreFileError(`${name}: not valid YAML or JSON: ${(err as Error).message}`)
  }
  if (doc === null || doc === undefined) return []
  const list = Array.isArray(doc) ? doc : typeof doc === 'object' ? (doc as Record<string, unknown>)['vulnerabilities'] ?? [] : undefined
  if (!Array.isArray(list)) throw new IgnoreFileError(`${name}: expected a list of entries or a 'vulnerabilities' list`)
  return list.map((raw, i): IgnoreRule => {
    const where = `${name}: entry ${i + 1}`
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new IgnoreFileError(`${where}: expected a mapping`)
    const e = raw as Record<string, unknown>
    const id = str(e, 'id', where, true) as string
    const reason = str(e, 'reason', where, true) as string
    const pkg = str(e, 'package', where, false)
    const purl = str(e, 'purl', where, false)
    const expires = expiry(e['expires'], where)
    return { id, reason, ...(pkg ? { package: pkg } : {}), ...(purl ? { purl } : {}), ...(expires ? { expires } : {}) }
  })
}

export async function readIgnoreFile(path: string): Promise<IgnoreRule[]> {
  const size = (await stat(path)).size
  if (size > MAX_IGNORE_FILE_BYTES) throw new IgnoreFileError(`${path}: larger than ${MAX_IGNORE_FILE_BYTES} bytes`)
  return parseIgnoreFile(await readFile(path, 'utf8'), path)
}
