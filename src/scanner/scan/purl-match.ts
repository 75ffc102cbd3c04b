/**
 * Package URL comparison for ignore rules and VEX products. A pattern matches a purl when type,
 * namespace and name are equal, the version is equal when the pattern has one, and every qualifier
 * the pattern names has the same value (so `pkg:npm/lodash` covers every lodash, and
 * `pkg:apk/alpine/musl@1.2.4-r4` covers it whatever its `arch`).
 */
export interface ParsedPurl {
  readonly type: string
  readonly namespace: string
  readonly name: string
  readonly version?: string
  readonly qualifiers: ReadonlyMap<string, string>
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

export function parsePurl(purl: string): ParsedPurl | undefined {
  const m = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/([^?#]+?)(?:@([^?#@]*))?(?:\?([^#]*))?(?:#.*)?$/.exec(purl.trim())
  if (!m) return undefined
  const [, type = '', path = '', version, query] = m
  const segments = path.split('/').filter((s) => s !== '').map(decode)
  const name = segments.pop()
  if (name === undefined) return undefined
  const qualifiers = new Map<string, string>()
  for (const pair of (query ?? '').split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    if (eq > 0) qualifiers.set(pair.slice(0, eq).toLowerCase(), decode(pair.slice(eq + 1)))
  }
  return { type: type.toLowerCase(), namespace: segments.join('/'), name, ...(version ? { version: decode(version) } : {}), qualifiers }
}

export function purlMatches(pattern: string, purl: string): boolean {
  const p = parsePurl(pattern)
  const t = parsePurl(purl)
  if (p === undefined || t === undefined) return pattern === purl
  // npm and PyPI names are case-insensitive in practice; purl spec lowercases them.
  const fold = (s: string): string => (['npm', 'pypi', 'golang'].includes(p.type) ? s.toLowerCase() : s)
  if (p.type !== t.type || fold(p.namespace) !== fold(t.namespace) || fold(p.name) !== fold(t.name)) return false
  if (p.version !== undefined && p.version !== t.version) return false
  for (const [k, v] of p.qualifiers) if (t.qualifiers.get(k) !== v) return false
  return true
}
