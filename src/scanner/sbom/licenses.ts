/**
 * Package databases write licences free-form ("GPL-2.0-or-later", "GPLv2+", "MIT AND BSD",
 * "Apache 2.0"). SBOM formats want SPDX identifiers or expressions where they are valid and a
 * plain name otherwise; this module decides which, without guessing (no fuzzy correction: an
 * invented licence is worse than an unknown one).
 */
import { createRequire } from 'node:module'
import parseExpression from 'spdx-expression-parse'

const require = createRequire(import.meta.url)
const SPDX_IDS: ReadonlySet<string> = new Set(require('spdx-license-ids') as string[])
const DEPRECATED_IDS: ReadonlySet<string> = new Set(require('spdx-license-ids/deprecated.json') as string[])
const ID_BY_LOWER: ReadonlyMap<string, string> = new Map([...SPDX_IDS, ...DEPRECATED_IDS].map((id) => [id.toLowerCase(), id]))

export type NormalizedLicense =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'expression'; readonly expression: string }
  | { readonly kind: 'name'; readonly name: string }

export function normalizeLicense(raw: string): NormalizedLicense | undefined {
  const text = raw.trim()
  if (text === '' || text.length > 1000) return text === '' ? undefined : { kind: 'name', name: text.slice(0, 1000) }
  const exact = ID_BY_LOWER.get(text.toLowerCase())
  if (exact !== undefined) return { kind: 'id', id: exact }
  if (/\s(AND|OR|WITH)\s/i.test(text) || text.startsWith('(')) {
    try {
      const upper = text.replace(/\s(and|or|with)\s/gi, (m) => m.toUpperCase())
      parseExpression(upper)
      return { kind: 'expression', expression: upper }
    } catch {
      // not an SPDX expression: keep the text as a name
    }
  }
  return { kind: 'name', name: text }
}

/** `LicenseRef-` identifiers may only contain letters, digits, `.` and `-`. */
export function licenseRefFor(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '')
  return `LicenseRef-${cleaned === '' ? 'unknown' : cleaned.slice(0, 120)}`
}
