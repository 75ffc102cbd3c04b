// Deploy policy validation: the full grammar parses to the model; every refusal names the field
// (and the policy); strict JSON (duplicate keys) and the size bound apply to text input.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DeployPolicyError } from './policy-error.ts'
import { parseDeployPolicy, validateDeployPolicies, validateDeployPolicy } from './parse-policy.ts'
import { MAX_POLICY_TEXT_BYTES } from './policy.ts'

const FULL = {
  name: 'prod',
  description: 'what reaches production',
  scope: 'acme',
  mode: 'audit',
  appliesTo: { except: ['robot$acme+ci', 'admins'] },
  require: {
    scan: { maxAdvisoryAgeDays: 7 },
    vulnerabilities: { atOrAbove: 'HIGH', ignoreUnfixed: true, allowlist: [{ id: 'CVE-2024-1234', reason: 'not reachable', expiresAt: '2026-12-31' }] },
    noSecrets: true,
    misconfigurations: { atOrAbove: 'CRITICAL' },
    compliance: ['non-root', 'healthcheck'],
    signed: true,
    attestations: ['cyclonedx', 'https://slsa.dev/provenance/v1'],
  },
}

function refusal(doc: unknown): DeployPolicyError {
  try {
    validateDeployPolicy(doc)
  } catch (err) {
    assert.ok(err instanceof DeployPolicyError, `expected a DeployPolicyError, got ${String(err)}`)
    return err
  }
  assert.fail(`accepted: ${JSON.stringify(doc)}`)
}

const withRequire = (require: unknown): unknown => ({ name: 'p', scope: '*', require })

describe('accepted policies', () => {
  it('parses every condition into the model', () => {
    assert.deepEqual(parseDeployPolicy(JSON.stringify(FULL)), {
      name: 'prod', scope: 'acme', mode: 'audit',
      appliesTo: { kind: 'except', selectors: ['robot$acme+ci', 'admins'] },
      require: {
        scan: { maxAdvisoryAgeDays: 7 },
        vulnerabilities: { atOrAbove: 'HIGH', ignoreUnfixed: true, allowlist: [{ id: 'CVE-2024-1234', reason: 'not reachable', expiresAt: '2026-12-31', expiresAtMs: Date.parse('2027-01-01T00:00:00Z') }] },
        noSecrets: true,
        misconfigurations: { atOrAbove: 'CRITICAL' },
        compliance: ['non-root', 'healthcheck'],
        signed: true,
        attestations: ['https://cyclonedx.org/bom', 'https://slsa.dev/provenance/v1'],
      },
    })
  })

  it('defaults: enforce, everyone, no unfixed skipping, empty allowlist; {} requires nothing', () => {
    const p = validateDeployPolicy({ name: 'base', scope: '*', require: { vulnerabilities: { atOrAbove: 'CRITICAL' } } })
    assert.equal(p.mode, 'enforce')
    assert.deepEqual(p.appliesTo, { kind: 'everyone' })
    assert.deepEqual(p.require, { vulnerabilities: { atOrAbove: 'CRITICAL', ignoreUnfixed: false, allowlist: [] } })
    assert.deepEqual(validateDeployPolicy({ name: 'open', scope: 'acme/sandbox', require: {}, appliesTo: 'everyone' }).require, {})
  })

  it('false switches are no condition; a scan with no age limit is {}', () => {
    assert.deepEqual(validateDeployPolicy(withRequire({ noSecrets: false, signed: false, scan: {} })).require, { scan: {} })
  })

  it('normalises scope spellings of a namespace: acme/, acme/* and acme are the same', () => {
    for (const scope of ['acme', 'acme/', 'acme/*']) assert.equal(validateDeployPolicy({ name: 'p', scope, require: {} }).scope, 'acme')
    assert.equal(validateDeployPolicy({ name: 'p', scope: 'acme/team/app', require: {} }).scope, 'acme/team/app')
  })

  it('an RFC 3339 expiry is an instant', () => {
    const p = validateDeployPolicy(withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'GHSA-aaaa-bbbb-cccc', reason: 'r', expiresAt: '2026-12-31T10:00:00+02:00' }] } }))
    assert.equal(p.require.vulnerabilities?.allowlist[0]?.expiresAtMs, Date.parse('2026-12-31T08:00:00Z'))
  })
})

describe('refused policies name the field', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [], /\(policy\): must be a JSON object/],
    ['unknown top-level field', { ...FULL, enforce: true }, /deploy policy 'prod': enforce: unknown field/],
    ['misspelt condition', withRequire({ signd: true }), /require\.signd: unknown field \(allowed: scan, vulnerabilities/],
    ['missing name', { scope: '*', require: {} }, /name: must be 1 to 64 characters/],
    ['bad name', { name: 'Prod Policy', scope: '*', require: {} }, /name: must be/],
    ['missing scope', { name: 'p', require: {} }, /scope: is required/],
    ['bad scope', { name: 'p', scope: 'Acme/App', require: {} }, /scope: must be "\*" or a namespace/],
    ['a scope that is only a wildcard suffix', { name: 'p', scope: '/*', require: {} }, /scope: must be/],
    ['bad mode', { name: 'p', scope: '*', mode: 'warn', require: {} }, /mode: must be "enforce" or "audit" \(got "warn"\)/],
    ['missing require', { name: 'p', scope: '*' }, /require: is required/],
    ['require not an object', withRequire([]), /require: must be an object/],
    ['unknown severity', withRequire({ vulnerabilities: { atOrAbove: 'SEVERE' } }), /require\.vulnerabilities\.atOrAbove: must be one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL \(got "SEVERE"\)/],
    ['lower-case severity', withRequire({ misconfigurations: { atOrAbove: 'high' } }), /require\.misconfigurations\.atOrAbove: must be one of/],
    ['missing severity', withRequire({ vulnerabilities: {} }), /require\.vulnerabilities\.atOrAbove: is required/],
    ['unknown vulnerability option', withRequire({ vulnerabilities: { atOrAbove: 'LOW', ignoreUnfixd: true } }), /require\.vulnerabilities\.ignoreUnfixd: unknown field/],
    ['string boolean', withRequire({ vulnerabilities: { atOrAbove: 'LOW', ignoreUnfixed: 'true' } }), /ignoreUnfixed: must be true or false/],
    ['noSecrets not a boolean', withRequire({ noSecrets: 'yes' }), /require\.noSecrets: must be true or false/],
    ['negative age', withRequire({ scan: { maxAdvisoryAgeDays: -1 } }), /require\.scan\.maxAdvisoryAgeDays: must be a whole number of days/],
    ['fractional age', withRequire({ scan: { maxAdvisoryAgeDays: 1.5 } }), /maxAdvisoryAgeDays: must be a whole number/],
    ['scan as a boolean', withRequire({ scan: true }), /require\.scan: must be an object/],
    ['unknown compliance item', withRequire({ compliance: ['non-root', 'rootless'] }), /require\.compliance\[1\]: must be a checklist item \(base-image, no-secrets, non-root, healthcheck, scan-reviewed, versioned-tag\)/],
    ['empty compliance list', withRequire({ compliance: [] }), /require\.compliance: must be a non-empty list/],
    ['bad predicate type', withRequire({ attestations: ['sbom'] }), /require\.attestations\[0\]: must be cyclonedx or vuln or a predicate type URI/],
    ['allowlist not a list', withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: {} } }), /allowlist: must be a list/],
    ['allowlist entry without reason', withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'CVE-1', expiresAt: '2026-12-31' }] } }), /allowlist\[0\]\.reason: is required/],
    ['allowlist entry with a blank reason', withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'CVE-1', reason: ' ', expiresAt: '2026-12-31' }] } }), /allowlist\[0\]\.reason: must be a non-empty string/],
    ['allowlist entry without expiry', withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'CVE-1', reason: 'r' }] } }), /allowlist\[0\]\.expiresAt: is required/],
    ['impossible date', withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'CVE-1', reason: 'r', expiresAt: '2026-02-30' }] } }), /allowlist\[0\]\.expiresAt: must be a date/],
    ['date in another format', withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'CVE-1', reason: 'r', expiresAt: '31/12/2026' }] } }), /expiresAt: must be a date/],
    ['time without a zone', withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'CVE-1', reason: 'r', expiresAt: '2026-12-31T10:00:00' }] } }), /expiresAt: must be a date/],
    ['advisory id with a space', withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'CVE 1', reason: 'r', expiresAt: '2026-12-31' }] } }), /allowlist\[0\]\.id: must be an advisory id/],
    ['advisory listed twice', withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'CVE-1', reason: 'r', expiresAt: '2026-12-31' }, { id: 'cve-1', reason: 'r', expiresAt: '2030-12-31' }] } }), /allowlist\[1\]\.id: cve-1 is listed twice/],
    ['unknown allowlist field', withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'CVE-1', reason: 'r', expiresAt: '2026-12-31', package: 'x' }] } }), /allowlist\[0\]\.package: unknown field/],
    ['appliesTo with both lists', { name: 'p', scope: '*', require: {}, appliesTo: { only: ['admins'], except: ['anonymous'] } }, /appliesTo: must be "everyone"/],
    ['appliesTo empty list', { name: 'p', scope: '*', require: {}, appliesTo: { only: [] } }, /appliesTo\.only: must be a non-empty list/],
    ['unknown selector', { name: 'p', scope: '*', require: {}, appliesTo: { except: ['ci'] } }, /appliesTo\.except\[0\]: must be admins, anonymous, robots, user:NAME or robot\$ORG\+NAME/],
    ['robot selector without a name', { name: 'p', scope: '*', require: {}, appliesTo: { except: ['robot$acme'] } }, /appliesTo\.except\[0\]/],
  ]
  for (const [what, doc, message] of cases) {
    it(what, () => assert.match(refusal(doc).message, message))
  }

  it('the error carries the field for the API to report', () => {
    const err = refusal(withRequire({ vulnerabilities: { atOrAbove: 'LOW', allowlist: [{ id: 'CVE-1', reason: 'r' }] } }))
    assert.equal(err.field, 'require.vulnerabilities.allowlist[0].expiresAt')
  })
})

describe('text input', () => {
  it('refuses duplicate keys instead of taking the last one', () => {
    assert.throws(() => parseDeployPolicy('{"name":"p","scope":"*","require":{"vulnerabilities":{"atOrAbove":"CRITICAL","atOrAbove":"UNKNOWN"}}}'), /\(policy\): not valid JSON: duplicate key/)
  })

  it('refuses invalid JSON, bytes that are not UTF-8 and documents over the size bound', () => {
    assert.throws(() => parseDeployPolicy('{"name":'), /\(policy\): not valid JSON/)
    assert.throws(() => parseDeployPolicy(new Uint8Array([0x7b, 0xff, 0x7d])), /not valid UTF-8/)
    const big = JSON.stringify({ ...FULL, description: 'x'.repeat(MAX_POLICY_TEXT_BYTES) })
    assert.throws(() => parseDeployPolicy(big), /\(policy\): must be at most 262144 bytes/)
  })

  it('accepts bytes', () => {
    assert.equal(parseDeployPolicy(new TextEncoder().encode(JSON.stringify(FULL))).name, 'prod')
  })
})

describe('the config file list', () => {
  it('validates each entry, naming its index', () => {
    assert.throws(() => validateDeployPolicies([FULL, { name: 'b', scope: '*', require: { noSecrets: 1 } }]), /invalid deploy policy policies\[1\] 'b': require\.noSecrets: must be true or false/)
    assert.throws(() => validateDeployPolicies({}), /policies: must be a list/)
  })

  it('refuses two policies for one scope (however spelt) and duplicate names', () => {
    assert.throws(() => validateDeployPolicies([FULL, { name: 'other', scope: 'acme/*', require: {} }]), /policies\[1\] 'other': scope: policies\[0\] already covers 'acme'/)
    assert.throws(() => validateDeployPolicies([FULL, { ...FULL, scope: '*' }]), /policies\[1\] 'prod': name: 'prod' is also the name of policies\[0\]/)
    assert.equal(validateDeployPolicies([FULL, { name: 'base', scope: '*', require: {} }]).length, 2)
  })
})
