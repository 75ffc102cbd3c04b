/**
 * Reads the shared version-ordering vectors (`A < B`, `A = B`, `A > B` per line; `#` and `//`
 * lines are comments) from ../shared/testdata/vulndb/version-compare.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { VULNDB_DIR } from '../../../../testkit/repo-paths.ts'

export interface VersionVector {
  readonly a: string
  readonly op: '<' | '=' | '>'
  readonly b: string
  readonly line: number
}

export const VECTORS_DIR = join(VULNDB_DIR, 'version-compare')

export function readVectors(file: string): VersionVector[] {
  const path = join(VECTORS_DIR, file)
  if (!existsSync(path)) throw new Error(`version vectors not found at ${path}: is ../shared/testdata in place?`)
  const out: VersionVector[] = []
  readFileSync(path, 'utf8').split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('//')) return
    const m = /^(.*) ([<=>]) (.*)$/.exec(line)
    if (!m) throw new Error(`${file}:${i + 1}: cannot parse vector '${line}'`)
    out.push({ a: m[1]!, op: m[2] as VersionVector['op'], b: m[3]!, line: i + 1 })
  })
  return out
}

/** The comparison result as an operator. */
export const opOf = (c: number): '<' | '=' | '>' => (c < 0 ? '<' : c > 0 ? '>' : '=')
