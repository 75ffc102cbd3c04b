/**
 * The secret-scan config file (YAML or JSON), for `--secret-config FILE`:
 *
 *   allowlist:
 *     paths: ["**\/testdata/**", "/\\.example$/"]   # globs, or /regex/
 *     rules: [jwt-token]
 *     fingerprints: ["sha256:3f1c0a9b2d4e5f60"]
 *   disable-rules: [generic-secret-assignment]
 *   max-file-bytes: 10485760
 *
 * Unknown keys, unknown rule ids and malformed values are errors (a typo must not silently
 * switch a check off). User-written regexes are not accepted: they could backtrack forever.
 */
import { parse } from 'yaml'
import type { SecretScanOptions } from './secret-analyzer.ts'
import { BUILTIN_SECRET_RULES } from './secret-rules.ts'

export class SecretConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SecretConfigError'
  }
}

const KEYS = new Set(['allowlist', 'disable-rules', 'max-file-bytes'])
const ALLOW_KEYS = new Set(['paths', 'rules', 'fingerprints'])
const MAX_CONFIG_CHARS = 1024 * 1024

function stringList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new SecretConfigError(`${where} must be a list of strings`)
  return v as string[]
}

function knownRules(ids: readonly string[], where: string): string[] {
  const known = new Set(BUILTIN_SECRET_RULES.map((r) => r.id))
  const bad = ids.filter((id) => !known.has(id))
  if (bad.length > 0) throw new SecretConfigError(`${where}: unknown rule ${bad.join(', ')} (known: ${[...known].join(', ')})`)
  return [...ids]
}

export function parseSecretConfig(text: string, source = 'secret config'): SecretScanOptions {
  if (text.length > MAX_CONFIG_CHARS) throw new SecretConfigError(`${source} is larger than ${MAX_CONFIG_CHARS} characters`)
  let doc: unknown
  try {
    doc = parse(text, { maxAliasCount: 100 })
  } catch (err) {
    throw new SecretConfigError(`${source}: not valid YAML/JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (doc === null || doc === undefined) return {}
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new SecretConfigError(`${source} must be a mapping`)
  const o = doc as Record<string, unknown>
  const unknown = Object.keys(o).filter((k) => !KEYS.has(k))
  if (unknown.length > 0) throw new SecretConfigError(`${source}: unknown key ${unknown.join(', ')}`)
  const allow = (o['allowlist'] ?? {}) as Record<string, unknown>
  if (typeof allow !== 'object' || Array.isArray(allow)) throw new SecretConfigError(`${source}: allowlist must be a mapping`)
  const badAllow = Object.keys(allow).filter((k) => !ALLOW_KEYS.has(k))
  if (badAllow.length > 0) throw new SecretConfigError(`${source}: unknown allowlist key ${badAllow.join(', ')}`)
  const fingerprints = stringList(allow['fingerprints'], 'allowlist.fingerprints')
  const badFp = fingerprints.filter((f) => !/^(?:sha256:)?[0-9a-f]{16}$/i.test(f))
  if (badFp.length > 0) throw new SecretConfigError(`${source}: fingerprints look like sha256:0123456789abcdef, got ${badFp.join(', ')}`)
  for (const p of stringList(allow['paths'], 'allowlist.paths')) {
    const m = /^\/(.+)\/([a-z]*)$/.exec(p)
    if (m) {
      try {
        new RegExp(m[1] as string, m[2])
      } catch (err) {
        throw new SecretConfigError(`${source}: bad path regex ${p}: ${(err as Error).message}`)
      }
    }
  }
  const disabled = new Set(knownRules(stringList(o['disable-rules'], 'disable-rules'), source))
  const maxBytes = o['max-file-bytes']
  if (maxBytes !== undefined && (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes <= 0)) {
    throw new SecretConfigError(`${source}: max-file-bytes must be a positive integer`)
  }
  return {
    allowlist: { paths: stringList(allow['paths'], 'allowlist.paths'), rules: knownRules(stringList(allow['rules'], 'allowlist.rules'), source), fingerprints },
    ...(disabled.size > 0 ? { rules: BUILTIN_SECRET_RULES.filter((r) => !disabled.has(r.id)) } : {}),
    ...(typeof maxBytes === 'number' ? { maxFileBytes: maxBytes } : {}),
  }
}
