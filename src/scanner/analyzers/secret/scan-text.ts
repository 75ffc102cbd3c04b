/**
 * Applies secret rules to one text (a file's content or a config value). Linear in the text:
 * each rule runs only if one of its keywords occurs, its regex is built to be safe on hostile
 * input (see secret-rule.ts), matches are capped per text, and PEM bodies are found with indexOf.
 *
 * The raw secret exists only inside this function: what comes out is already redacted (no
 * surrounding text either: a line may hold other secrets no rule knows).
 */
import { shannonEntropy } from './entropy.ts'
import { isPlaceholder } from './placeholder.ts'
import { fingerprintSecret, redactSecret } from './redact.ts'
import type { SecretRule, SecretRuleSet } from './secret-rule.ts'

export interface SecretMatch {
  readonly rule: SecretRule
  /** 1-based line of the start of the match. */
  readonly line: number
  /** At most 4 characters of the secret + `****`. */
  readonly redacted: string
  readonly fingerprint: string
}

export interface ScanTextOptions {
  /** File path (no leading slash) for rules restricted to some files; undefined for config values. */
  readonly path?: string
  /** Stop after this many matches (a file of a million fake keys is one problem, not a million). */
  readonly maxMatches?: number
}

const MAX_PEM_BODY = 64 * 1024

function lineStarts(text: string): number[] {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return starts
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((starts[mid] as number) <= offset) lo = mid
    else hi = mid - 1
  }
  return lo + 1
}

const compiled = new WeakMap<SecretRule, RegExp>()

/** The rule's regex with the `g` flag, compiled once per rule (callers reset lastIndex). */
function globalRegex(rule: SecretRule): RegExp {
  let re = compiled.get(rule)
  if (!re) {
    re = new RegExp(rule.regex.source, rule.regex.flags.includes('g') ? rule.regex.flags : `${rule.regex.flags}g`)
    compiled.set(rule, re)
  }
  re.lastIndex = 0
  return re
}

/**
 * Finds the next `-----END` at or after a position. Memoised: a text of a million BEGIN lines
 * and no END must not be searched to its end a million times.
 */
function endFinder(text: string): (from: number) => number {
  let lastFrom = -1
  let lastEnd = -1
  return (from) => {
    if (lastFrom !== -1 && from >= lastFrom && (lastEnd === -1 || from <= lastEnd)) return lastEnd
    lastFrom = from
    lastEnd = text.indexOf('-----END', from)
    return lastEnd
  }
}

function pemBody(text: string, headerEnd: number, nextEnd: (from: number) => number): string | undefined {
  const end = nextEnd(headerEnd)
  if (end === -1 || end - headerEnd > MAX_PEM_BODY) return undefined
  // The body may use real newlines or JSON-escaped ones (GCP service-account files).
  const body = text.slice(headerEnd, end).replace(/\\n|\s/g, '')
  return body.length >= 16 ? body : undefined
}

const ATTRIBUTE_CHAIN = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** `self._authkey`, `token.ERRORTOKEN`, or a bare identifier after a spaced `=` (code style). */
function isCodeReference(value: string, op: string): boolean {
  return ATTRIBUTE_CHAIN.test(value) || (IDENTIFIER.test(value) && /\s/.test(op) && op.includes('='))
}

const KEBAB_WORDS = /^[a-z]+(?:-[a-z]+)+$/

/**
 * `name: no-debconf-config`, or the first word of a phrase that goes on. Not after a bare `=`:
 * `NAME=value command` is a shell assignment, and `.env` values may well be hyphenated words.
 */
function isWordValue(value: string, op: string, more: string | undefined): boolean {
  return op !== '=' && (KEBAB_WORDS.test(value) || more !== undefined)
}

function accept(rule: SecretRule, secret: string, groups: Record<string, string | undefined> | undefined): boolean {
  if (groups?.['reject']) return false
  const name = groups?.['name']
  if (rule.nameRegex && (name === undefined || !rule.nameRegex.test(name))) return false
  if (rule.rejectPlaceholders && isPlaceholder(secret)) return false
  if (rule.rejectCodeValues && groups?.['q'] === '' && isCodeReference(secret, groups['op'] ?? '')) return false
  if (rule.rejectWordValues && groups?.['q'] === '' && isWordValue(secret, groups['op'] ?? '', groups['more'])) return false
  if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return false
  return !rule.allow?.some((re) => re.test(secret))
}

/** Every secret found, in text order; a secret matched by two rules on one line is reported once. */
export function scanText(text: string, rules: SecretRuleSet, opts: ScanTextOptions = {}): SecretMatch[] {
  const max = opts.maxMatches ?? 100
  const lower = text.toLowerCase()
  const found: { rule: SecretRule; offset: number; secret: string; rank: number }[] = []
  const nextEnd = endFinder(text)
  rules.forEach((rule, rank) => {
    if (rule.path && (opts.path === undefined || !rule.path.test(opts.path))) return
    if (!rule.keywords.some((k) => lower.includes(k))) return
    const re = globalRegex(rule)
    let hits = 0
    for (let m = re.exec(text); m !== null && hits < max; m = re.exec(text)) {
      if (m[0].length === 0) re.lastIndex++
      const secret = rule.pemBlock ? pemBody(text, m.index + m[0].length, nextEnd) : (m.groups?.['secret'] ?? m[0])
      if (secret === undefined || !accept(rule, secret, m.groups)) continue
      found.push({ rule, offset: m.index + (m[0].indexOf(secret) >= 0 ? m[0].indexOf(secret) : 0), secret, rank })
      hits++
    }
  })
  if (found.length === 0) return []
  const starts = lineStarts(text)
  const best = new Map<string, (typeof found)[number] & { line: number; fingerprint: string }>()
  for (const f of found) {
    const line = lineOf(starts, f.offset)
    const fingerprint = fingerprintSecret(f.secret)
    const key = `${line}\0${fingerprint}`
    const prev = best.get(key)
    if (!prev || f.rank < prev.rank) best.set(key, { ...f, line, fingerprint })
  }
  const out = [...best.values()].sort((a, b) => a.offset - b.offset).slice(0, max)
  return out.map((f) => ({ rule: f.rule, line: f.line, redacted: redactSecret(f.secret), fingerprint: f.fingerprint }))
}

/**
 * Returns `text` with every secret any rule finds replaced by its redacted form: for evidence
 * strings (history lines, env values) that other checks print.
 */
export function redactSecretsIn(text: string, rules: SecretRuleSet): string {
  const re = new Set<string>()
  const nextEnd = endFinder(text)
  const lower = text.toLowerCase()
  for (const rule of rules) {
    if (rule.path || !rule.keywords.some((k) => lower.includes(k))) continue
    for (const m of text.matchAll(globalRegex(rule))) {
      const secret = rule.pemBlock ? pemBody(text, (m.index ?? 0) + m[0].length, nextEnd) : (m.groups?.['secret'] ?? m[0])
      if (secret !== undefined && accept(rule, secret, m.groups)) re.add(secret)
    }
  }
  let out = text
  for (const secret of [...re].sort((a, b) => b.length - a.length)) out = out.split(secret).join(redactSecret(secret))
  // A PEM body spans lines (or is cut short), so it cannot be replaced as one string: hide
  // everything after a private-key header instead.
  return out.replace(/(-----BEGIN[ A-Z]{0,40}PRIVATE KEY(?: BLOCK)?-----)[\s\S]*/, '$1****')
}
