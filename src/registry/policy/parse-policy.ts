/**
 * Deploy policy JSON → DeployPolicy, or a DeployPolicyError naming the field (docs/policies.md).
 * One grammar for the config file (`policies: [...]`) and the API (one policy per request).
 * Text is bounded, then read with the strict JSON reader (a duplicate key such as two
 * `atOrAbove` must not mean one thing to a reviewer and another to the gate). Unknown fields are
 * refused, never ignored: a misspelt condition silently dropped would open the gate.
 */
import { parseStrictJson, StrictJsonError } from '../../oci/strict-json.ts'
import { isRepositoryName } from '../../oci/reference.ts'
import { isReportSeverity, REPORT_SEVERITIES, type ReportSeverity } from '../../scanner/report/severity-scale.ts'
import { PREDICATE_TYPES, isPredicateKind } from '../../trust/payload/in-toto-statement.ts'
import { DeployPolicyError } from './policy-error.ts'
import {
  COMPLIANCE_ITEM_IDS, DAY_MS, MAX_POLICY_DEPTH, MAX_POLICY_TEXT_BYTES,
  type AllowlistEntry, type ComplianceItemId, type DeployPolicy, type PolicyConditions, type PolicyMode, type PrincipalScope,
} from './policy.ts'
import { selectorProblem } from './principal-scope.ts'

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/
const ADVISORY_ID = /^[\x21-\x7e]{1,128}$/
const PREDICATE_URI = /^[a-z][a-z0-9+.-]*:[\x21-\x7e]{1,512}$/
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const RFC3339 = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/
const MAX_REASON_CHARS = 1024
const MAX_DESCRIPTION_CHARS = 256
const MAX_SELECTORS = 100
const MAX_ADVISORY_AGE_DAYS = 3650

type Fail = (field: string, reason: string) => never

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function quoted(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], field: string, fail: Fail): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(field === '' ? key : `${field}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`)
  }
}

function text(v: unknown, field: string, max: number, fail: Fail): string {
  if (typeof v !== 'string' || v.trim() === '') fail(field, 'must be a non-empty string')
  if (v.length > max) fail(field, `must be at most ${max} characters`)
  return v
}

function flag(v: unknown, field: string, fail: Fail): boolean {
  if (typeof v !== 'boolean') fail(field, `must be true or false (got ${quoted(v)})`)
  return v
}

function severity(v: unknown, field: string, fail: Fail): ReportSeverity {
  if (typeof v !== 'string' || !isReportSeverity(v)) fail(field, `must be one of ${REPORT_SEVERITIES.join(', ')} (got ${quoted(v)})`)
  return v
}

function list(v: unknown, field: string, fail: Fail): readonly unknown[] {
  if (!Array.isArray(v) || v.length === 0) fail(field, 'must be a non-empty list')
  return v
}

/** `*`, or a repository path prefix; `team/` and `team/*` are accepted and mean `team`. */
function scopeOf(v: unknown, fail: Fail): string {
  if (typeof v !== 'string') fail('scope', 'must be "*" or a namespace or repository name')
  if (v === '*') return v
  const bare = v.endsWith('/*') ? v.slice(0, -2) : v.endsWith('/') ? v.slice(0, -1) : v
  if (!isRepositoryName(bare)) fail('scope', `must be "*" or a namespace or repository name (got ${quoted(v)})`)
  return bare
}

/** An expiry instant: a date counts through the end of that day (UTC), as in the scan ignore file. */
function expiryOf(v: unknown, field: string, fail: Fail): number {
  const raw = typeof v === 'string' ? v : ''
  const date = DATE_ONLY.test(raw) ? raw : RFC3339.exec(raw)?.[1]
  const dayStart = date === undefined ? NaN : Date.parse(`${date}T00:00:00Z`)
  // Date.parse accepts 2026-02-30 as 2026-03-02: only a date that round-trips is a real one.
  if (date === undefined || !Number.isFinite(dayStart) || new Date(dayStart).toISOString().slice(0, 10) !== date) {
    fail(field, `must be a date (2026-12-31, through the end of that day UTC) or an RFC 3339 time (got ${quoted(v)})`)
  }
  return raw === date ? dayStart + DAY_MS : Date.parse(raw)
}

function allowlistOf(v: unknown, field: string, fail: Fail): AllowlistEntry[] {
  if (!Array.isArray(v)) fail(field, 'must be a list of {id, reason, expiresAt}')
  const seen = new Set<string>()
  return v.map((raw, i) => {
    const at = `${field}[${i}]`
    if (!isObject(raw)) fail(at, 'must be an object {id, reason, expiresAt}')
    onlyKeys(raw, ['id', 'reason', 'expiresAt'], at, fail)
    if (typeof raw['id'] !== 'string' || !ADVISORY_ID.test(raw['id'])) fail(`${at}.id`, 'must be an advisory id (CVE-2024-1234, GHSA-…): 1 to 128 printable characters, no spaces')
    const id = raw['id']
    if (seen.has(id.toUpperCase())) fail(`${at}.id`, `${id} is listed twice; keep one entry per advisory`)
    seen.add(id.toUpperCase())
    if (raw['reason'] === undefined) fail(`${at}.reason`, 'is required: say why this advisory is acceptable')
    const reason = text(raw['reason'], `${at}.reason`, MAX_REASON_CHARS, fail)
    if (raw['expiresAt'] === undefined) fail(`${at}.expiresAt`, 'is required: every exception needs a date to be reviewed by')
    const expiresAtMs = expiryOf(raw['expiresAt'], `${at}.expiresAt`, fail)
    return { id, reason, expiresAt: raw['expiresAt'] as string, expiresAtMs }
  })
}

function appliesToOf(v: unknown, fail: Fail): PrincipalScope {
  if (v === undefined || v === 'everyone') return { kind: 'everyone' }
  if (!isObject(v) || Object.keys(v).length !== 1 || !('only' in v || 'except' in v)) {
    fail('appliesTo', 'must be "everyone", {"only": [selectors]} or {"except": [selectors]}')
  }
  const kind = 'only' in v ? 'only' : 'except'
  const field = `appliesTo.${kind}`
  const selectors = list(v[kind], field, fail)
  if (selectors.length > MAX_SELECTORS) fail(field, `must have at most ${MAX_SELECTORS} selectors`)
  return {
    kind,
    selectors: selectors.map((s, i) => {
      const problem = typeof s === 'string' ? selectorProblem(s) : 'must be a string'
      if (problem !== undefined) fail(`${field}[${i}]`, `${problem} (got ${quoted(s)})`)
      return s as string
    }),
  }
}

const CONDITION_KEYS = ['scan', 'vulnerabilities', 'noSecrets', 'misconfigurations', 'compliance', 'signed', 'attestations']

function conditionsOf(v: unknown, fail: Fail): PolicyConditions {
  if (!isObject(v)) fail('require', `must be an object of conditions (${CONDITION_KEYS.join(', ')}); {} requires nothing`)
  onlyKeys(v, CONDITION_KEYS, 'require', fail)
  const out: { -readonly [K in keyof PolicyConditions]: PolicyConditions[K] } = {}
  if (v['scan'] !== undefined) {
    const s = v['scan']
    if (!isObject(s)) fail('require.scan', 'must be an object ({} or {"maxAdvisoryAgeDays": N})')
    onlyKeys(s, ['maxAdvisoryAgeDays'], 'require.scan', fail)
    const age = s['maxAdvisoryAgeDays']
    if (age !== undefined && (!Number.isInteger(age) || (age as number) < 0 || (age as number) > MAX_ADVISORY_AGE_DAYS)) {
      fail('require.scan.maxAdvisoryAgeDays', `must be a whole number of days from 0 to ${MAX_ADVISORY_AGE_DAYS} (got ${quoted(age)})`)
    }
    out.scan = age === undefined ? {} : { maxAdvisoryAgeDays: age as number }
  }
  if (v['vulnerabilities'] !== undefined) {
    const c = v['vulnerabilities']
    if (!isObject(c)) fail('require.vulnerabilities', 'must be an object {"atOrAbove": SEVERITY, ...}')
    onlyKeys(c, ['atOrAbove', 'ignoreUnfixed', 'allowlist'], 'require.vulnerabilities', fail)
    if (c['atOrAbove'] === undefined) fail('require.vulnerabilities.atOrAbove', 'is required')
    out.vulnerabilities = {
      atOrAbove: severity(c['atOrAbove'], 'require.vulnerabilities.atOrAbove', fail),
      ignoreUnfixed: c['ignoreUnfixed'] === undefined ? false : flag(c['ignoreUnfixed'], 'require.vulnerabilities.ignoreUnfixed', fail),
      allowlist: c['allowlist'] === undefined ? [] : allowlistOf(c['allowlist'], 'require.vulnerabilities.allowlist', fail),
    }
  }
  if (v['noSecrets'] !== undefined && flag(v['noSecrets'], 'require.noSecrets', fail)) out.noSecrets = true
  if (v['misconfigurations'] !== undefined) {
    const c = v['misconfigurations']
    if (!isObject(c)) fail('require.misconfigurations', 'must be an object {"atOrAbove": SEVERITY}')
    onlyKeys(c, ['atOrAbove'], 'require.misconfigurations', fail)
    if (c['atOrAbove'] === undefined) fail('require.misconfigurations.atOrAbove', 'is required')
    out.misconfigurations = { atOrAbove: severity(c['atOrAbove'], 'require.misconfigurations.atOrAbove', fail) }
  }
  if (v['compliance'] !== undefined) {
    out.compliance = [...new Set(list(v['compliance'], 'require.compliance', fail).map((id, i) => {
      if (typeof id !== 'string' || !(COMPLIANCE_ITEM_IDS as readonly string[]).includes(id)) {
        fail(`require.compliance[${i}]`, `must be a checklist item (${COMPLIANCE_ITEM_IDS.join(', ')}); got ${quoted(id)}`)
      }
      return id as ComplianceItemId
    }))]
  }
  if (v['signed'] !== undefined && flag(v['signed'], 'require.signed', fail)) out.signed = true
  if (v['attestations'] !== undefined) {
    out.attestations = [...new Set(list(v['attestations'], 'require.attestations', fail).map((t, i) => {
      if (typeof t === 'string' && isPredicateKind(t)) return PREDICATE_TYPES[t]
      if (typeof t !== 'string' || !PREDICATE_URI.test(t)) {
        fail(`require.attestations[${i}]`, `must be ${Object.keys(PREDICATE_TYPES).join(' or ')} or a predicate type URI (got ${quoted(t)})`)
      }
      return t
    }))]
  }
  return out
}

/** Validates an already decoded policy (a config file entry, a test fixture). `where` names it in messages. */
export function validateDeployPolicy(doc: unknown, where?: string): DeployPolicy {
  const named = isObject(doc) && typeof doc['name'] === 'string' && NAME.test(doc['name']) ? `'${doc['name']}'` : undefined
  const label = [where, named].filter((s) => s !== undefined).join(' ') || undefined
  const fail: Fail = (field, reason) => {
    throw new DeployPolicyError(field, reason, label)
  }
  if (!isObject(doc)) fail('(policy)', 'must be a JSON object {name, scope, mode, appliesTo, require}')
  onlyKeys(doc, ['name', 'description', 'scope', 'mode', 'appliesTo', 'require'], '', fail)
  if (typeof doc['name'] !== 'string' || !NAME.test(doc['name'])) fail('name', `must be 1 to 64 characters of a-z, 0-9, '.', '_', '-' starting with a letter or digit (got ${quoted(doc['name'])})`)
  if (doc['description'] !== undefined) text(doc['description'], 'description', MAX_DESCRIPTION_CHARS, fail)
  if (doc['scope'] === undefined) fail('scope', 'is required ("*" or a namespace or repository name)')
  const scope = scopeOf(doc['scope'], fail)
  const mode = doc['mode'] ?? 'enforce'
  if (mode !== 'enforce' && mode !== 'audit') fail('mode', `must be "enforce" or "audit" (got ${quoted(mode)})`)
  if (doc['require'] === undefined) fail('require', 'is required ({} requires nothing: an explicit exemption)')
  return {
    name: doc['name'],
    scope,
    mode: mode as PolicyMode,
    appliesTo: appliesToOf(doc['appliesTo'], fail),
    require: conditionsOf(doc['require'], fail),
  }
}

/** One policy from request text or bytes (the API). */
export function parseDeployPolicy(input: string | Uint8Array): DeployPolicy {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength
  if (bytes > MAX_POLICY_TEXT_BYTES) throw new DeployPolicyError('(policy)', `must be at most ${MAX_POLICY_TEXT_BYTES} bytes (got ${bytes})`)
  let doc: unknown
  try {
    doc = parseStrictJson(input, { maxDepth: MAX_POLICY_DEPTH })
  } catch (err) {
    if (err instanceof StrictJsonError) throw new DeployPolicyError('(policy)', `not valid JSON: ${err.message}`)
    throw err
  }
  return validateDeployPolicy(doc)
}

/** The config file's `policies` list: each validated, names unique, at most one policy per scope. */
export function validateDeployPolicies(doc: unknown, field = 'policies'): DeployPolicy[] {
  if (!Array.isArray(doc)) throw new DeployPolicyError(field, 'must be a list of policies')
  const policies = doc.map((p, i) => validateDeployPolicy(p, `${field}[${i}]`))
  const names = new Map<string, number>()
  const scopes = new Map<string, number>()
  policies.forEach((p, i) => {
    const where = `${field}[${i}] '${p.name}'`
    const sameName = names.get(p.name)
    if (sameName !== undefined) throw new DeployPolicyError('name', `'${p.name}' is also the name of ${field}[${sameName}]; names must be unique`, where)
    const sameScope = scopes.get(p.scope)
    if (sameScope !== undefined) throw new DeployPolicyError('scope', `${field}[${sameScope}] already covers '${p.scope}'; one policy per scope (the longest scope wins, policies do not merge)`, where)
    names.set(p.name, i)
    scopes.set(p.scope, i)
  })
  return policies
}
