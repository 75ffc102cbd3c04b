/**
 * Scan-on-push configuration (docs/scan-on-push.md). Whether a push is scanned is decided per
 * repository: an exact `rules` entry for the repository wins, then the longest namespace prefix
 * (`team` or `team/` matches `team/app` and `team/sub/app`), then the server default.
 *
 * JSON config file:
 *   "scanning": { "scanOnPush": true, "advisoryDb": "/var/lib/drydock/advisories.db",
 *                 "repositories": { "team": true, "team/legacy": false },
 *                 "concurrency": 2, "lease": "60s", "teeMaxStall": "2s",
 *                 "maxFindingsPerLayer": 1000, "maxFindingsPerImage": 10000, "maxCacheEntrySize": "16MiB",
 *                 "maxBaseCandidates": 50 }
 * Flags/env: --scan-on-push / DRYDOCK_SCAN_ON_PUSH, --advisory-db / DRYDOCK_ADVISORY_DB.
 */
import { parseCount, parseDuration, parseSize } from '../config/parse-units.ts'
import { DEFAULT_MAX_CACHE_ENTRY_BYTES } from '../../scanner/cache/layer-cache.ts'
import { DEFAULT_SCAN_LIMITS } from '../../scanner/image/scan-limits.ts'

export interface ScanningConfig {
  /** Server default for repositories without a rule. */
  readonly scanOnPush: boolean
  /** Namespace or repository → scan on push (see resolveScanOnPush). */
  readonly rules: Readonly<Record<string, boolean>>
  /** The advisory DB file (`drydock db` builds one); without it scans store secrets and misconfigurations and mark vulnerabilities unavailable. */
  readonly advisoryDb?: string
  /** Scans run at once (each is CPU and I/O heavy; the machine serves pushes too). */
  readonly concurrency: number
  /** A job's lease; renewed every third of it while scanning, re-claimed after a crash. */
  readonly leaseMs: number
  /** Attempts before a transiently failing scan is FAILED; backoff doubles from retryBaseMs. */
  readonly maxAttempts: number
  readonly retryBaseMs: number
  /**
   * Scan while pushing: the most an upload may be held back, in total, waiting for its layer
   * analysis to keep up; past it the tee is dropped and the layer is analysed after the push.
   */
  readonly teeMaxStallMs: number
  /** Secret findings kept per layer; the rest are counted and the report is marked truncated. */
  readonly maxFindingsPerLayer: number
  /** Findings a stored report lists per image, most severe first; the rest are counted (truncated). */
  readonly maxFindingsPerImage: number
  /**
   * Largest layer-cache entry written (bytes of JSON); a larger analysis is used but not cached.
   * Cache writes also respect the data dir's free-space floor (limits.minFreeSpace).
   */
  readonly maxCacheEntryBytes: number
  /**
   * Stored images considered as the base of a scanned image that does not record it (found by
   * layers, registry-base-images.ts); 0 turns the lookup off.
   */
  readonly maxBaseCandidates: number
}

export const DEFAULT_SCANNING: ScanningConfig = {
  scanOnPush: false, rules: {}, concurrency: 1, leaseMs: 60_000, maxAttempts: 4, retryBaseMs: 2_000, teeMaxStallMs: 2_000,
  maxFindingsPerLayer: DEFAULT_SCAN_LIMITS.maxFindingsPerLayer, maxFindingsPerImage: DEFAULT_SCAN_LIMITS.maxFindingsPerImage,
  maxCacheEntryBytes: DEFAULT_MAX_CACHE_ENTRY_BYTES, maxBaseCandidates: 50,
}

export function resolveScanOnPush(cfg: ScanningConfig, repo: string): boolean {
  const exact = cfg.rules[repo]
  if (exact !== undefined) return exact
  let best: { len: number; value: boolean } | undefined
  for (const [key, value] of Object.entries(cfg.rules)) {
    const ns = key.endsWith('/') ? key : `${key}/`
    if (repo.startsWith(ns) && (best === undefined || ns.length > best.len)) best = { len: ns.length, value }
  }
  return best?.value ?? cfg.scanOnPush
}

function bool(v: unknown, what: string): boolean {
  if (v === true || v === 'true') return true
  if (v === false || v === 'false') return false
  throw new Error(`${what} must be true or false`)
}

/** Raw settings (flags > env > file already merged) → ScanningConfig. Throws Error on bad input. */
/** A findings bound: a positive count (0 would hide every finding). */
function findingsBound(raw: unknown, fallback: number, what: string): number {
  if (raw === undefined) return fallback
  const n = parseCount(raw, what)
  if (n < 1) throw new Error(`${what} must be at least 1`)
  return n
}

export function scanningConfig(s: {
  scanOnPush?: unknown; advisoryDb?: unknown; scanRules?: unknown; scanConcurrency?: unknown; scanLease?: unknown; scanTeeMaxStall?: unknown
  scanMaxFindingsPerLayer?: unknown; scanMaxFindingsPerImage?: unknown; scanMaxCacheEntrySize?: unknown; scanMaxBaseCandidates?: unknown
}): ScanningConfig {
  const d = DEFAULT_SCANNING
  const rules: Record<string, boolean> = {}
  if (s.scanRules !== undefined) {
    if (typeof s.scanRules !== 'object' || s.scanRules === null || Array.isArray(s.scanRules)) throw new Error('scanning.repositories must be an object')
    for (const [k, v] of Object.entries(s.scanRules)) rules[k] = bool(v, `scanning.repositories["${k}"]`)
  }
  const concurrency = s.scanConcurrency === undefined ? d.concurrency : Number(s.scanConcurrency)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new Error('scanning.concurrency must be an integer from 1 to 64')
  if (s.advisoryDb !== undefined && (typeof s.advisoryDb !== 'string' || s.advisoryDb === '')) throw new Error('advisory DB must be a non-empty path')
  const maxBaseCandidates = s.scanMaxBaseCandidates === undefined ? d.maxBaseCandidates : parseCount(s.scanMaxBaseCandidates, 'scanning.maxBaseCandidates')
  if (maxBaseCandidates > 1000) throw new Error('scanning.maxBaseCandidates must be at most 1000')
  return {
    ...d,
    scanOnPush: s.scanOnPush === undefined ? d.scanOnPush : bool(s.scanOnPush, 'scan-on-push'),
    rules,
    concurrency,
    leaseMs: s.scanLease === undefined ? d.leaseMs : parseDuration(s.scanLease, 'scanning.lease'),
    teeMaxStallMs: s.scanTeeMaxStall === undefined ? d.teeMaxStallMs : parseDuration(s.scanTeeMaxStall, 'scanning.teeMaxStall'),
    maxFindingsPerLayer: findingsBound(s.scanMaxFindingsPerLayer, d.maxFindingsPerLayer, 'scanning.maxFindingsPerLayer'),
    maxFindingsPerImage: findingsBound(s.scanMaxFindingsPerImage, d.maxFindingsPerImage, 'scanning.maxFindingsPerImage'),
    maxCacheEntryBytes: s.scanMaxCacheEntrySize === undefined ? d.maxCacheEntryBytes : parseSize(s.scanMaxCacheEntrySize, 'scanning.maxCacheEntrySize'),
    maxBaseCandidates,
    ...(typeof s.advisoryDb === 'string' ? { advisoryDb: s.advisoryDb } : {}),
  }
}
