/**
 * HAProxy configuration: sections (`global`, `defaults [name]`, `frontend`, `backend`,
 * `listen`, ...) start with their keyword; the lines up to the next section keyword belong to
 * them. Words are separated by blanks, `#` starts a comment outside quotes, and `\` escapes a
 * character (`rspadd X-Frame-Options:\ DENY`). The main file is read, then `conf.d/*.cfg` next
 * to it in name order (haproxy loads a directory given to `-f` that way).
 *
 * A response gets the headers set by `http-response` / `http-after-response` `set-header` or
 * `add-header` (and the legacy `rspadd`) in the frontend, in the backend that served it, and in
 * the defaults section each of them takes its rules from (the last one above, or `from NAME`).
 * For a frontend the check counts its own headers plus those every backend it routes to sets.
 * A rule with an `if`/`unless` condition counts as set: the condition is the author's choice.
 */
import type { ConfigFiles } from './config-files.ts'
import type { HeaderScope } from './nginx-config.ts'

export const HAPROXY_MAIN_FILES = ['etc/haproxy/haproxy.cfg', 'usr/local/etc/haproxy/haproxy.cfg']

const SECTIONS = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'peers', 'resolvers', 'userlist', 'mailers', 'program', 'http-errors', 'ring', 'cache', 'crt-store', 'traces'])

interface Section {
  readonly kind: string
  readonly name: string
  readonly file: string
  readonly line: number
  readonly from?: string
  readonly lines: (readonly string[])[]
}

/** Splits one line into words: blanks separate, quotes group, `\` escapes, `#` ends the line. */
export function haproxyWords(line: string): string[] {
  const words: string[] = []
  let word: string | undefined
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string
    if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i]
    } else if (quote !== undefined) {
      if (c === quote) quote = undefined
      else word = (word ?? '') + c
    } else if (c === '"' || c === "'") {
      quote = c
      word = word ?? ''
    } else if (c === '#') {
      break
    } else if (c === ' ' || c === '\t' || c === '\r') {
      if (word !== undefined) words.push(word)
      word = undefined
    } else {
      word = (word ?? '') + c
    }
  }
  if (word !== undefined) words.push(word)
  return words
}

function sectionsOf(name: string, text: string): Section[] {
  const out: Section[] = []
  let current: Section | undefined
  text.split('\n').forEach((raw, i) => {
    const words = haproxyWords(raw)
    const [head, ...rest] = words
    if (head === undefined) return
    if (SECTIONS.has(head)) {
      const fromAt = rest.indexOf('from')
      const from = fromAt >= 0 ? rest[fromAt + 1] : undefined
      current = { kind: head, name: fromAt === 0 ? '' : (rest[0] ?? ''), file: name, line: i + 1, ...(from ? { from } : {}), lines: [] }
      out.push(current)
    } else if (current !== undefined) {
      current.lines.push(words)
    }
  })
  return out
}

/** Header names (lower case) a section sets on responses. */
function headersSet(section: Section | undefined): Set<string> {
  const out = new Set<string>()
  for (const [head, action, header] of section?.lines ?? []) {
    if ((head === 'http-response' || head === 'http-after-response') && (action === 'set-header' || action === 'add-header') && header) out.add(header.toLowerCase())
    if (head === 'rspadd' && action?.includes(':')) out.add((action.split(':')[0] as string).trim().toLowerCase())
  }
  return out
}

/** Parses the HAProxy configuration files of an image; undefined when it has none. */
export function parseHaproxy(files: ConfigFiles): Section[] | undefined {
  const main = HAPROXY_MAIN_FILES.find((f) => files.has(f))
  if (main === undefined) return undefined
  const dir = `${main.slice(0, main.lastIndexOf('/') + 1)}conf.d/`
  const extra = [...files.keys()].filter((p) => p.startsWith(dir) && p.endsWith('.cfg') && !p.slice(dir.length).includes('/')).sort()
  return [main, ...extra].flatMap((f) => sectionsOf(f, files.get(f)?.text ?? ''))
}

/** One scope per frontend and listen section, with the headers its responses get. */
export function haproxyHeaderScopes(sections: readonly Section[]): HeaderScope[] {
  const defaultsFor = new Map<Section, Section | undefined>()
  const named = new Map<string, Section>()
  let lastDefaults: Section | undefined
  for (const s of sections) {
    if (s.kind === 'defaults') {
      if (s.name) named.set(s.name, s)
      lastDefaults = s
    } else {
      defaultsFor.set(s, s.from !== undefined ? named.get(s.from) : lastDefaults)
    }
  }
  const backends = new Map(sections.filter((s) => s.kind === 'backend').map((s) => [s.name, s]))
  // Memoised: many frontends may route to the same large backend.
  const cache = new Map<Section | undefined, Set<string>>()
  const withDefaults = (s: Section | undefined): Set<string> => {
    let set = cache.get(s)
    if (set === undefined) {
      set = new Set([...headersSet(s && defaultsFor.get(s)), ...headersSet(s)])
      cache.set(s, set)
    }
    return set
  }
  const out: HeaderScope[] = []
  for (const s of sections) {
    if (s.kind !== 'frontend' && s.kind !== 'listen') continue
    const own = withDefaults(s)
    const routed = s.lines.filter(([head]) => head === 'default_backend' || head === 'use_backend').map((w) => w[1]).filter((n): n is string => n !== undefined)
    const viaBackends = routed.map((n) => withDefaults(backends.get(n)))
    // Headers every backend sets (a response may come from any of them).
    const common = viaBackends.length === 0 ? new Set<string>() : new Set([...(viaBackends[0] as Set<string>)].filter((h) => viaBackends.every((b) => b.has(h))))
    out.push({ label: `${s.kind} ${s.name}`, file: s.file, line: s.line, headers: new Set([...own, ...common]), overrides: false })
  }
  return out
}
