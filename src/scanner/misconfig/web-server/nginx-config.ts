/**
 * nginx configuration, as nginx reads it: directives end with `;`, blocks are `name args { … }`,
 * `#` starts a comment outside quotes, arguments may be quoted ('…' or "…", with `\` escapes).
 * `include` is expanded in place (globs relative to the directory of the main file, as nginx
 * resolves them against its prefix), so that `sites-enabled/*` and `conf.d/*.conf` count.
 *
 * The header check follows nginx's inheritance rule for `add_header`: a level inherits the
 * add_header directives of the level above only if it has none of its own. So a location with
 * one `add_header Cache-Control …` loses every security header set on its server.
 */
import type { ConfigFiles } from './config-files.ts'
import { globToRegExp } from '../../analyzers/secret/secret-allowlist.ts'

export interface NginxDirective {
  readonly name: string
  readonly args: readonly string[]
  /** The file (as named in the image) and 1-based line of the directive. */
  readonly file: string
  readonly line: number
  readonly block?: readonly NginxDirective[]
}

/** The main configuration files nginx builds use, most common first. */
export const NGINX_MAIN_FILES = ['etc/nginx/nginx.conf', 'usr/local/nginx/conf/nginx.conf', 'usr/local/openresty/nginx/conf/nginx.conf']

const MAX_INCLUDE_DEPTH = 16
/** Blocks inside blocks (includes counted): real configs nest http > server > location > if. */
const MAX_NESTING = 64
/**
 * Tokens read in all, includes counted each time they are expanded: a file that includes a
 * glob matching itself and its siblings many times would otherwise grow exponentially.
 */
const MAX_TOKENS = 2_000_000

interface Token {
  readonly kind: 'word' | '{' | '}' | ';'
  readonly value: string
  readonly line: number
}

function tokenize(text: string): Token[] {
  const out: Token[] = []
  let line = 1
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    if (c === '\n') {
      line++
      i++
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '{' || c === '}' || c === ';') {
      out.push({ kind: c, value: c, line })
      i++
    } else {
      const start = line
      let value = ''
      if (c === '"' || c === "'") {
        i++
        while (i < text.length && text[i] !== c) {
          if (text[i] === '\\' && i + 1 < text.length) i++
          if (text[i] === '\n') line++
          value += text[i]
          i++
        }
        i++
      } else {
        while (i < text.length && !/[\s;{}]/.test(text[i] as string)) {
          if (text[i] === '\\' && i + 1 < text.length) i++
          value += text[i]
          i++
        }
      }
      out.push({ kind: 'word', value, line: start })
    }
  }
  return out
}

interface ParseState {
  readonly files: ConfigFiles
  readonly prefix: string
  /** Tokens left to read (MAX_TOKENS at the start). */
  budget: number
  /** A bound was hit: part of the configuration was not read. */
  truncated: boolean
  readonly tokens: Map<string, Token[]>
}

function expandInclude(pattern: string, state: ParseState): string[] {
  const abs = pattern.startsWith('/') ? pattern.slice(1) : `${state.prefix}${pattern}`
  if (!/[*?[]/.test(abs)) return state.files.has(abs) ? [abs] : []
  // nginx globs: `*` does not cross `/`; matches are read in sorted order.
  const re = globToRegExp(abs)
  return [...state.files.keys()].filter((p) => re.test(p)).sort()
}

function parseTokens(tokens: readonly Token[], pos: { i: number }, file: string, state: ParseState, depth: number, nesting: number): NginxDirective[] {
  const out: NginxDirective[] = []
  if (nesting > MAX_NESTING) {
    state.budget = 0
    state.truncated = true
    return out
  }
  let words: Token[] = []
  while (pos.i < tokens.length) {
    if (state.budget-- <= 0) {
      state.truncated = true
      return out
    }
    const t = tokens[pos.i++] as Token
    if (t.kind === 'word') {
      words.push(t)
      continue
    }
    if (t.kind === '}') return out
    const [head, ...rest] = words
    words = []
    if (head === undefined) continue
    const args = rest.map((w) => w.value)
    if (t.kind === '{') {
      out.push({ name: head.value, args, file, line: head.line, block: parseTokens(tokens, pos, file, state, depth, nesting + 1) })
    } else if (head.value === 'include' && args[0] !== undefined) {
      if (depth >= MAX_INCLUDE_DEPTH) state.truncated = true
      // One by one: an include can hold many directives, too many for a spread's arguments.
      else for (const included of expandInclude(args[0], state)) for (const d of parseFile(included, state, depth + 1, nesting + 1)) out.push(d)
    } else {
      out.push({ name: head.value, args, file, line: head.line })
    }
  }
  return out
}

function parseFile(name: string, state: ParseState, depth: number, nesting: number): NginxDirective[] {
  const file = state.files.get(name)
  if (file === undefined || state.budget <= 0) return []
  let tokens = state.tokens.get(name)
  if (tokens === undefined) {
    tokens = tokenize(file.text)
    state.tokens.set(name, tokens)
  }
  return parseTokens(tokens, { i: 0 }, name, state, depth, nesting)
}

export interface NginxConfig {
  /** The main file, as named in the image. */
  readonly main: string
  readonly directives: readonly NginxDirective[]
  /** Includes nested over 16 deep, blocks over 64, or over 2M tokens read: the rest was not read. */
  readonly truncated: boolean
}

/** Parses the main file with its includes; undefined when the image has no nginx main file. */
export function parseNginx(files: ConfigFiles): NginxConfig | undefined {
  const main = NGINX_MAIN_FILES.find((f) => files.has(f))
  if (main === undefined) return undefined
  const prefix = main.slice(0, main.lastIndexOf('/') + 1)
  const state: ParseState = { files, prefix, budget: MAX_TOKENS, truncated: false, tokens: new Map() }
  const directives = parseFile(main, state, 0, 0)
  return { main, directives, truncated: state.truncated }
}

export interface HeaderScope {
  /** `server` or `location /api` (with the server's names/listen for context). */
  readonly label: string
  readonly file: string
  readonly line: number
  /** Lower-case names of the headers in effect at this level. */
  readonly headers: ReadonlySet<string>
  /** Set when this level has add_header of its own and so dropped the inherited ones. */
  readonly overrides: boolean
}

function ownHeaders(block: readonly NginxDirective[]): Set<string> | undefined {
  const adds = block.filter((d) => d.name === 'add_header' && d.args[0] !== undefined)
  return adds.length === 0 ? undefined : new Set(adds.map((d) => (d.args[0] as string).toLowerCase()))
}

function serverLabel(server: NginxDirective): string {
  const block = server.block ?? []
  const names = block.find((d) => d.name === 'server_name')?.args.join(' ')
  const listen = block.filter((d) => d.name === 'listen').map((d) => d.args[0]).join(', ')
  return `server${names ? ` ${names}` : ''}${listen ? ` (listen ${listen})` : ''}`
}

function locations(block: readonly NginxDirective[], inherited: ReadonlySet<string>, server: string, out: HeaderScope[]): void {
  for (const d of block) {
    if (d.name !== 'location' && d.name !== 'if') continue
    const own = ownHeaders(d.block ?? [])
    const headers = own ?? inherited
    // Only a level that sets headers of its own can lose inherited ones; others are the server's.
    if (own !== undefined) out.push({ label: `${server}, ${d.name} ${d.args.join(' ')}`, file: d.file, line: d.line, headers, overrides: inherited.size > 0 })
    locations(d.block ?? [], headers, server, out)
  }
}

/** Every server block, and every location that sets headers of its own, with the headers in effect. */
export function nginxHeaderScopes(config: readonly NginxDirective[]): HeaderScope[] {
  const out: HeaderScope[] = []
  for (const http of config.filter((d) => d.name === 'http')) {
    const httpHeaders = ownHeaders(http.block ?? []) ?? new Set<string>()
    for (const server of (http.block ?? []).filter((d) => d.name === 'server')) {
      const own = ownHeaders(server.block ?? [])
      const headers = own ?? httpHeaders
      const label = serverLabel(server)
      out.push({ label, file: server.file, line: server.line, headers, overrides: own !== undefined && httpHeaders.size > 0 })
      locations(server.block ?? [], headers, label, out)
    }
  }
  return out
}
