/**
 * Core metadata (PEP 241/314/345/566/639): the RFC 822-style header block of `METADATA`
 * (wheels, `*.dist-info`) and `PKG-INFO` (`*.egg-info`). Only the headers are read: the body
 * after the first blank line is the long description and may hold anything.
 */
export interface PythonMetadata {
  readonly name: string
  readonly version: string
  readonly licenses: string[]
}

const CLASSIFIER_PREFIX = 'License :: '
/** Header lines longer than this are hostile or a pasted licence text: cut, never a problem. */
const MAX_VALUE = 4096

/** Parses the headers; undefined when Name or Version is missing. */
export function parsePythonMetadata(text: string): PythonMetadata | undefined {
  const headers = readHeaders(text)
  const name = headers.get('name')?.[0]?.trim()
  const version = headers.get('version')?.[0]?.trim()
  if (!name || !version) return undefined
  return { name, version, licenses: licensesOf(headers) }
}

function readHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>()
  let last: string[] | undefined
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') break
    if (/^[ \t]/.test(line)) {
      // Continuation line (old setuptools wrote multi-line License fields this way).
      if (last !== undefined && last.length > 0) last[last.length - 1] = `${last[last.length - 1]}\n${line.trim()}`.slice(0, MAX_VALUE)
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const key = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim().slice(0, MAX_VALUE)
    last = headers.get(key) ?? []
    last.push(value)
    headers.set(key, last)
  }
  return headers
}

/**
 * License-Expression (PEP 639) wins; else the License field when it is a short name rather than
 * a full licence text; else the `License ::` classifiers (their last segment, e.g. "MIT License").
 */
function licensesOf(headers: Map<string, string[]>): string[] {
  const expression = headers.get('license-expression')?.[0]
  if (expression) return [expression]
  const out: string[] = []
  const license = headers.get('license')?.[0]
  if (license && license !== 'UNKNOWN' && !license.includes('\n') && license.length <= 100) out.push(license)
  for (const classifier of headers.get('classifier') ?? []) {
    if (!classifier.startsWith(CLASSIFIER_PREFIX)) continue
    const last = classifier.split('::').pop()?.trim()
    if (last && last !== 'OSI Approved' && !out.includes(last)) out.push(last)
  }
  return out
}

/** PEP 503 normalisation, which the purl spec's pypi type follows: lower-case, runs of -_. → '-'. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}
