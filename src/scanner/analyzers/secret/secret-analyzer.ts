/**
 * The secret analyzer: looks at every regular file of every layer (files a later layer deletes
 * too: the bytes are still in the image). Binary files (a NUL byte in the first 8 KiB) and files
 * over `maxFileBytes` are skipped. It implements the Analyzer contract so that the walker can run
 * it in the same pass as the package analyzers; its result carries `secrets`.
 */
import type { AnalysisInput, AnalysisResult, Analyzer, FileMeta } from '../analyzer.ts'
import { compileAllowlist, type SecretAllowlistConfig } from './secret-allowlist.ts'
import { toSecretFinding, type SecretFinding } from './secret-finding.ts'
import type { SecretRuleSet } from './secret-rule.ts'
import { BUILTIN_SECRET_RULES } from './secret-rules.ts'
import { scanText } from './scan-text.ts'

export interface SecretScanOptions {
  readonly rules?: SecretRuleSet
  readonly allowlist?: SecretAllowlistConfig
  /** Files larger than this are not read (default 10 MiB). */
  readonly maxFileBytes?: number
  /** Findings per file at most (default 100). */
  readonly maxFindingsPerFile?: number
}

export interface SecretAnalysisResult extends AnalysisResult {
  readonly secrets: readonly SecretFinding[]
}

export const DEFAULT_SECRET_MAX_FILE_BYTES = 10 * 1024 * 1024
const BINARY_SNIFF_BYTES = 8 * 1024
/** Directories of the OS and of package managers' own data: no user secrets, many large files. */
const SKIP_DIRS = /^(?:proc|sys|dev)\/|^usr\/share\/(?:doc|man|locale|i18n|zoneinfo|info)\/|^var\/lib\/dpkg\/info\/.*\.(?:md5sums|list)$/

export function isBinary(content: Uint8Array): boolean {
  const n = Math.min(content.length, BINARY_SNIFF_BYTES)
  for (let i = 0; i < n; i++) if (content[i] === 0) return true
  return false
}

export interface SecretFileScanner {
  wants(path: string, size: number): boolean
  /** Findings for one file, located at `diffId`/`path` (no leading slash). */
  scan(input: Pick<AnalysisInput, 'path' | 'content' | 'diffId' | 'layerDigest'>): SecretFinding[]
}

export function createSecretFileScanner(opts: SecretScanOptions = {}): SecretFileScanner {
  const rules = opts.rules ?? BUILTIN_SECRET_RULES
  const allow = compileAllowlist(opts.allowlist)
  const maxBytes = opts.maxFileBytes ?? DEFAULT_SECRET_MAX_FILE_BYTES
  return {
    wants: (path, size) => size > 0 && size <= maxBytes && !SKIP_DIRS.test(path) && !allow.allowsPath(path),
    scan({ path, content, diffId, layerDigest }) {
      if (content.length > maxBytes || isBinary(content)) return []
      const text = Buffer.from(content.buffer, content.byteOffset, content.length).toString('utf8')
      const matches = scanText(text, rules, { path, maxMatches: opts.maxFindingsPerFile ?? 100 })
      return matches
        .filter((m) => !allow.allows(m.rule.id, path, m.fingerprint))
        .map((m) => toSecretFinding(m, { kind: 'file', path, diffId, ...(layerDigest ? { layerDigest } : {}) }))
    },
  }
}

export function createSecretAnalyzer(opts: SecretScanOptions = {}): Analyzer {
  const scanner = createSecretFileScanner(opts)
  return {
    name: 'secret',
    // 2: the walker keeps secrets-only results (version 1 cache entries had them dropped).
    version: 2,
    maxFileSize: opts.maxFileBytes ?? DEFAULT_SECRET_MAX_FILE_BYTES,
    required: (path: string, meta: FileMeta) => scanner.wants(path, meta.size),
    async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
      const secrets = scanner.scan(input)
      if (secrets.length === 0) return undefined
      const result: SecretAnalysisResult = { secrets }
      return result
    },
  }
}
