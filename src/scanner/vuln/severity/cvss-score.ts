/**
 * CVSS vector scoring for v2.0, v3.0, v3.1 and v4.0, delegated to ae-cvss-calculator (pinned;
 * FIRST's reference formulas including the v4 macro-vector lookup tables). Bad vectors give
 * undefined, never an exception.
 */
import { createRequire } from 'node:module'
import { levelFromScore, type CvssVersion, type SeverityLevel } from './severity-level.ts'

interface Scorer {
  calculateScores(): { base?: number; overall?: number }
}
type ScorerClass = new (vector: string) => Scorer

// The package is CommonJS; createRequire keeps the import explicit and synchronous.
const lib = createRequire(import.meta.url)('ae-cvss-calculator') as {
  Cvss2: ScorerClass; Cvss3P0: ScorerClass; Cvss3P1: ScorerClass; Cvss4P0: ScorerClass
}

export interface CvssScore {
  readonly version: CvssVersion
  readonly vector: string
  readonly score: number
  readonly level: SeverityLevel
}

const MAX_VECTOR_LENGTH = 512

function versionOf(vector: string): CvssVersion | undefined {
  if (vector.startsWith('CVSS:4.0/')) return '4.0'
  if (vector.startsWith('CVSS:3.1/')) return '3.1'
  if (vector.startsWith('CVSS:3.0/')) return '3.0'
  if (/^(\(?)AV:[LAN]\/AC:[HML]\/Au:[MSN]\//.test(vector)) return '2.0'
  return undefined
}

// Base metrics each version requires, with their allowed values. The calculator itself is lenient
// (it scores `CVSS:3.1/AV:N` as 0), so completeness is checked here.
const H_L_N = /^[HLN]$/
const REQUIRED: Record<CvssVersion, Record<string, RegExp>> = {
  '2.0': { AV: /^[LAN]$/, AC: /^[HML]$/, Au: /^[MSN]$/, C: /^[NPC]$/, I: /^[NPC]$/, A: /^[NPC]$/ },
  '3.0': { AV: /^[NALP]$/, AC: /^[LH]$/, PR: /^[NLH]$/, UI: /^[NR]$/, S: /^[UC]$/, C: H_L_N, I: H_L_N, A: H_L_N },
  '3.1': { AV: /^[NALP]$/, AC: /^[LH]$/, PR: /^[NLH]$/, UI: /^[NR]$/, S: /^[UC]$/, C: H_L_N, I: H_L_N, A: H_L_N },
  '4.0': {
    AV: /^[NALP]$/, AC: /^[LH]$/, AT: /^[NP]$/, PR: /^[NLH]$/, UI: /^[NPA]$/,
    VC: H_L_N, VI: H_L_N, VA: H_L_N, SC: H_L_N, SI: H_L_N, SA: H_L_N,
  },
}

function hasBaseMetrics(vector: string, version: CvssVersion): boolean {
  const parts = vector.split('/').filter((p) => !p.startsWith('CVSS:'))
  const seen = new Map<string, string>()
  for (const p of parts) {
    const [k, val, extra] = p.split(':')
    if (k === undefined || val === undefined || extra !== undefined || seen.has(k)) return false
    seen.set(k, val)
  }
  return Object.entries(REQUIRED[version]).every(([k, re]) => re.test(seen.get(k) ?? ''))
}

export function scoreCvss(vector: string): CvssScore | undefined {
  const v = vector.trim().replace(/^\((.*)\)$/, '$1')
  if (v.length > MAX_VECTOR_LENGTH) return undefined
  const version = versionOf(v)
  if (version === undefined || !hasBaseMetrics(v, version)) return undefined
  const cls = { '2.0': lib.Cvss2, '3.0': lib.Cvss3P0, '3.1': lib.Cvss3P1, '4.0': lib.Cvss4P0 }[version]
  try {
    const s = new cls(v).calculateScores()
    const score = s.base ?? s.overall
    if (typeof score !== 'number' || !Number.isFinite(score)) return undefined
    return { version, vector: v, score, level: levelFromScore(score, version) }
  } catch {
    return undefined
  }
}
