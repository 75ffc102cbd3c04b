/**
 * Parser for the os-release(5) format (also used by lsb-release): one `KEY=value` per line,
 * values optionally quoted with shell rules ("..." with \" \\ \$ \` escapes, '...' literal).
 * Comments and blank lines are ignored; malformed lines are skipped, never fatal.
 */
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/

export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const key = line.slice(0, eq).trim()
    if (!KEY.test(key)) continue
    const value = unquote(line.slice(eq + 1).trim())
    if (value !== undefined) out.set(key, value)
  }
  return out
}

function unquote(v: string): string | undefined {
  const q = v[0]
  if (q !== '"' && q !== "'") return v
  if (v.length < 2 || v[v.length - 1] !== q) return undefined
  const body = v.slice(1, -1)
  if (q === "'") return body
  // Inside double quotes only these characters may be backslash-escaped (os-release(5)).
  return body.replace(/\\(["\\$`])/g, '$1')
}
