/**
 * The ignore file (`--ignorefile FILE`), YAML or JSON (JSON is YAML, so one parser reads both):
 *
 *   vulnerabilities:
 *     - id: CVE-2021-44906          # advisory id or alias (required)
 *       package: minimist           # optional: only this package name
 *       purl: pkg:npm/minimist      # optional: only packages matching this purl
 *       reason: not reachable ...   # required: why it is acceptable
 *       expires: 2026-12-31         # optional: ignored through that day (UTC), then reported again
 *   secrets:
 *     - id: aws-access-key-id       # a secret rule id: every finding of that rule, and/or
 *       fingerprint: sha256:0123456789abcdef   # one secret (as reports print it)
 *       reason: rotated, revoked key kept in a fixture
 *       expires: 2026-12-31
 *   misconfigurations:
 *     - id: CIS-DI-0006             # a check id (docs/misconfig.md)
 *       reason: the orchestrator probes the service
 *
 * A top-level list of entries is accepted too (entries then match any kind). Any malformed entry
 * or unknown section fails the whole file with its position, because a gate that silently
 * ignores a broken rule is worse than one that stops.
 */
import { readFile, stat } from 'node:fs/promises'
import { parse } from 'yaml'
import type { FindingKind } from '../report/scan-report.ts'
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

const SECTIONS: Record<string, FindingKind> = { vulnerabilities: 'vulnerability', secrets: 'secret', misconfigurations: 'misconfig' }
const FINGERPRINT = /^(?:sha256:)?[0-9a-f]{16}$/i

function fingerprintOf(e: Record<string, unknown>, where: string, kind: FindingKind | undefined): string | undefined {
  const fp = str(e, 'fingerprint', where, false)
  if (fp === undefined) return undefined
  if (kind !== undefined && kind !== 'secret') throw new IgnoreFileError(`${where}: 'fingerprint' is for secrets only`)
  if (!FINGERPRINT.test(fp)) throw new IgnoreFileError(`${where}: 'fingerprint' looks like sha256:0123456789abcdef`)
  const lower = fp.toLowerCase()
  return lower.startsWith('sha256:') ? lower : `sha256:${lower}`
}

function parseEntry(raw: unknown, where: string, kind: FindingKind | undefined): IgnoreRule {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new IgnoreFileError(`${where}: expected a mapping`)
  const e = raw as Record<string, unknown>
  const fingerprint = fingerprintOf(e, where, kind)
  const id = str(e, 'id', where, fingerprint === undefined)
  const reason = str(e, 'reason', where, true) as string
  const pkg = str(e, 'package', where, false)
  const purl = str(e, 'purl', where, false)
  if ((pkg !== undefined || purl !== undefined) && kind !== undefined && kind !== 'vulnerability') {
    throw new IgnoreFileError(`${where}: 'package' and 'purl' are for vulnerabilities only`)
  }
  const expires = expiry(e['expires'], where)
  return {
    ...(id !== undefined ? { id } : {}), ...(kind ? { kind } : {}), ...(fingerprint ? { fingerprint } : {}), reason,
    ...(pkg ? { package: pkg } : {}), ...(purl ? { purl } : {}), ...(expires ? { expires } : {}),
  }
}

export function parseIgnoreFile(text: string, name = 'ignore file'): IgnoreRule[] {
  let doc: unknown
  try {
    doc = parse(text, { maxAliasCount: 100 })
  } catch (err) {
    throw new IgnoreFileError(`${name}: not valid YAML or JSON: ${(err as Error).message}`)
  }
  if (doc === null || doc === undefined) return []
  if (Array.isArray(doc)) return doc.map((raw, i) => parseEntry(raw, `${name}: entry ${i + 1}`, undefined))
  if (typeof doc !== 'object') throw new IgnoreFileError(`${name}: expected a list of entries or the sections ${Object.keys(SECTIONS).join(', ')}`)
  const rules: IgnoreRule[] = []
  for (const [section, list] of Object.entries(doc as Record<string, unknown>)) {
    const kind = SECTIONS[section]
    if (kind === undefined) throw new IgnoreFileError(`${name}: unknown section '${section}' (use ${Object.keys(SECTIONS).join(', ')})`)
    if (list === null) continue
    if (!Array.isArray(list)) throw new IgnoreFileError(`${name}: '${section}': expected a list of entries`)
    list.forEach((raw, i) => rules.push(parseEntry(raw, `${name}: ${section} entry ${i + 1}`, kind)))
  }
  return rules
}

export async function readIgnoreFile(path: string): Promise<IgnoreRule[]> {
  const size = (await stat(path)).size
  if (size > MAX_IGNORE_FILE_BYTES) throw new IgnoreFileError(`${path}: larger than ${MAX_IGNORE_FILE_BYTES} bytes`)
  return parseIgnoreFile(await readFile(path, 'utf8'), path)
}
