/** npm names and licences as the package.json and the lockfiles write them. */
import { buildPurl, isRecord, str } from '../lang-package.ts'

/** `pkg:npm/%40scope/name@1.0.0`: the scope (with its '@') is the purl namespace. */
export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1
  return slash > 0
    ? buildPurl('npm', name.slice(0, slash), name.slice(slash + 1), version)
    : buildPurl('npm', undefined, name, version)
}

/**
 * Licences from the `license` field (SPDX expression, or the deprecated `{ type }` object) and
 * the deprecated `licenses: [{ type }]` array.
 */
export function npmLicenses(pkg: Record<string, unknown>): string[] {
  const out: string[] = []
  const add = (v: unknown): void => {
    const s = str(v) ?? (isRecord(v) ? str(v['type']) : undefined)
    if (s !== undefined && !out.includes(s)) out.push(s)
  }
  add(pkg['license'])
  const list = pkg['licenses']
  if (Array.isArray(list)) for (const l of list.slice(0, 20)) add(l)
  return out
}

/** npm's own rule for package names (lower-case since npm 2; old ones may have capitals). */
const NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9_.~-][\w.~-]*$/i

export function isNpmName(name: string): boolean {
  return name.length <= 214 && NAME.test(name)
}
