/**
 * Reading Prometheus' text exposition in the metrics tests: samples keyed by name and sorted
 * labels (so label order does not matter), and `promtool check metrics` (Debian's prometheus
 * package) over the raw text.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export type Samples = ReadonlyMap<string, number>

/** `name{a="1",b="2"}` with labels sorted by name: the key of a sample. */
export function key(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const parts = Object.keys(labels).sort().map((k) => `${k}="${labels[k]}"`)
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`
}

export function parseExposition(text: string): Samples {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m) throw new Error(`not an exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string
    out.set(key(m[1] as string, labels), Number(m[3]))
  }
  return out
}

/** The value of a sample (0 when absent: a counter not incremented yet). */
export function value(s: Samples, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return s.get(key(name, labels)) ?? 0
}

/** How much each sample moved between two scrapes (`after - before`), for the keys that moved. */
export function moved(before: Samples, after: Samples, prefix: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const [k, v] of after) {
    if (!k.startsWith(prefix)) continue
    const d = v - (before.get(k) ?? 0)
    if (d !== 0) out.set(k, d)
  }
  return out
}

export const PROMTOOL = '/usr/bin/promtool'

/** `promtool check metrics` with the text on stdin: its combined output (empty when clean) and status. */
export function promtoolCheck(text: string): { readonly status: number | null; readonly output: string } {
  if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} missing: install the Debian prometheus package (scripts/test.sh does)`)
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 })
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() }
}
