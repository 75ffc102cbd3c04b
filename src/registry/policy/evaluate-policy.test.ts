// The deploy policy engine: each condition alone and combined, audit mode, principal scoping,
// allowlist expiry with an injected `now`, scanners that did not look, unfinished scans, an
// index's children, and the one-line refusal a docker pull prints.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Principal } from '../auth/principal.ts'
import { ANONYMOUS } from '../auth/principal.ts'
import type { ScanReport, ReportFinding } from '../../scanner/report/scan-report.ts'
import { countByKind, countBySeverity } from '../../scanner/report/scan-report.ts'
import { SAMPLE_MISCONFIG, SAMPLE_SECRET, sampleFinding, sampleMixedReport, sampleReport } from '../../scanner/report/testing/sample-report.ts'
import type { AttestationEntry } from '../trust/list-attestations.ts'
import { evaluatePolicy, factsNeeded, type PolicyVerdict } from './evaluate-policy.ts'
import type { ImageFacts, ScanFacts } from './image-facts.ts'
import { validateDeployPolicy } from './parse-policy.ts'
import type { DeployPolicy } from './policy.ts'
import { refusalMessage } from './refusal-message.ts'

const NOW = new Date('2026-11-25T12:00:00.000Z')
const DIGEST = `sha256:${'a'.repeat(64)}`
const ALICE: Principal = { kind: 'user', name: 'alice', admin: false }
const ADMIN: Principal = { kind: 'user', name: 'root', admin: true }
const CI: Principal = { kind: 'robot', name: 'robot$acme+ci', org: 'acme', grants: [] }
const DEPLOY: Principal = { kind: 'robot', name: 'robot$acme+deploy-prod', org: 'acme', grants: [] }
const CYCLONEDX = 'https://cyclonedx.org/bom'

function policy(require: object, extra: object = {}): DeployPolicy {
  return validateDeployPolicy({ name: 'prod', scope: 'acme', require, ...extra })
}

/** The mixed sample (vuln, secret, misconfig) with the given findings and fields. */
function report(findings: readonly ReportFinding[] = sampleMixedReport().findings, over: Partial<ScanReport> = {}): ScanReport {
  return { ...sampleMixedReport(), findings, counts: countBySeverity(findings), countsByKind: countByKind(findings), ...over }
}

const clean = (over: Partial<ScanReport> = {}): ScanReport => report([], over)

function facts(scan: ScanFacts | ScanReport, over: Partial<ImageFacts> = {}): ImageFacts {
  const s: ScanFacts = 'status' in scan ? scan : { status: 'COMPLETE', images: [{ manifestDigest: DIGEST, report: scan }] }
  return { repository: 'acme/app', digest: DIGEST, scan: s, ...over }
}

function evaluate(p: DeployPolicy, f: ImageFacts, who: Principal = ALICE, now: Date = NOW): PolicyVerdict {
  return evaluatePolicy(p, f, who, now)
}

const conditions = (v: PolicyVerdict): string[] => v.failures.map((f) => f.condition)

describe('scan required', () => {
  const p = policy({ scan: { maxAdvisoryAgeDays: 7 } })

  it('passes a COMPLETE scan with fresh advisory data, findings or not', () => {
    assert.equal(evaluate(p, facts(report())).decision, 'allow')
  })

  it('fails every unfinished or unusable scan state, naming it', () => {
    const states: [ScanFacts, RegExp][] = [
      [{ status: 'NOT_SCANNED' }, /has not been scanned/],
      [{ status: 'PENDING' }, /not finished \(PENDING\)/],
      [{ status: 'IN_PROGRESS' }, /not finished \(IN_PROGRESS\)/],
      [{ status: 'FAILED', description: 'layer blob missing' }, /scan failed: layer blob missing/],
      [{ status: 'UNSUPPORTED_IMAGE', description: 'not an image' }, /cannot be scanned: not an image/],
      [{ status: 'COMPLETE', images: [] }, /lists no image/],
    ]
    for (const [scan, message] of states) {
      const v = evaluate(p, facts(scan))
      assert.equal(v.decision, 'deny', scan.status)
      assert.deepEqual(conditions(v), ['scan'])
      assert.match(v.failures[0]?.message ?? '', message)
    }
  })

  it('fails when the vulnerability scanner was unavailable, instead of counting zero vulnerabilities', () => {
    const noDb = clean({ scanners: ['secret', 'misconfig'], unavailable: [{ scanner: 'vuln', reason: 'no advisory DB configured' }] })
    const v = evaluate(p, facts(noDb))
    assert.equal(v.decision, 'deny')
    assert.match(v.failures[0]?.message ?? '', /vulnerabilities not checked: no advisory DB configured/)
    // The same report with the vulnerability scanner run and nothing found passes.
    assert.equal(evaluate(p, facts(clean())).decision, 'allow')
  })

  it('fails a report from a scan that did not run the vulnerability scanner', () => {
    const v = evaluate(p, facts(clean({ scanners: ['secret'] })))
    assert.match(v.failures[0]?.message ?? '', /did not run the vuln scanner/)
  })

  it('fails advisory data older than maxAdvisoryAgeDays at `now`, and data of unknown age', () => {
    // The sample's data is from 2026-11-22T00:00Z: three and a half days old at NOW.
    assert.equal(evaluate(policy({ scan: { maxAdvisoryAgeDays: 4 } }), facts(clean())).decision, 'allow')
    const stale = evaluate(policy({ scan: { maxAdvisoryAgeDays: 3 } }), facts(clean()))
    assert.equal(stale.decision, 'deny')
    assert.equal(stale.failures[0]?.message, "the scan's advisory data is older than 3 days (updated 2026-11-22T00:00:00.000Z, 3 days ago); rescan the image")
    // Exactly four days is still within four days; one millisecond later is not.
    const p4 = policy({ scan: { maxAdvisoryAgeDays: 4 } })
    assert.equal(evaluate(p4, facts(clean()), ALICE, new Date('2026-11-26T00:00:00.000Z')).decision, 'allow')
    assert.equal(evaluate(p4, facts(clean()), ALICE, new Date('2026-11-26T00:00:00.001Z')).decision, 'deny')
    // Without an age limit, any age passes.
    const old = clean({ dataSource: { dbSchemaVersion: 1, updatedAt: '2020-01-01T00:00:00.000Z', sources: [] } })
    assert.equal(evaluate(policy({ scan: {} }), facts(old)).decision, 'allow')
    assert.equal(evaluate(p, facts(old)).decision, 'deny')
  })

  it('a scan against an empty advisory DB did not check vulnerabilities', () => {
    const empty = clean({ dataSource: { dbSchemaVersion: 1, updatedAt: undefined, sources: [] } })
    for (const require of [{ scan: {} }, { vulnerabilities: { atOrAbove: 'CRITICAL' } }]) {
      const v = evaluate(policy(require), facts(empty))
      assert.equal(v.decision, 'deny')
      assert.match(v.failures[0]?.message ?? '', /vulnerabilities not checked: the advisory DB was empty/)
    }
  })
})

describe('vulnerabilities', () => {
  it('refuses findings at or above the severity and lists them with package and version', () => {
    const v = evaluate(policy({ vulnerabilities: { atOrAbove: 'HIGH' } }), facts(report()))
    assert.equal(v.decision, 'deny')
    assert.deepEqual(conditions(v), ['vulnerabilities'])
    assert.equal(v.failures[0]?.message, '1 CRITICAL, 1 HIGH vulnerabilities (GHSA-xvch-5gv4-984h in minimist 1.2.0, GHSA-35jh-r3h4-6jhm in lodash 4.17.15)')
    assert.equal(evaluate(policy({ vulnerabilities: { atOrAbove: 'CRITICAL' } }), facts(report())).failures[0]?.message, '1 CRITICAL vulnerability (GHSA-xvch-5gv4-984h in minimist 1.2.0)')
  })

  it('passes when everything is below the severity', () => {
    const low = [sampleFinding({ id: 'CVE-2024-1', severity: 'MEDIUM' })]
    assert.equal(evaluate(policy({ vulnerabilities: { atOrAbove: 'HIGH' } }), facts(report(low))).decision, 'allow')
    assert.equal(evaluate(policy({ vulnerabilities: { atOrAbove: 'MEDIUM' } }), facts(report(low))).decision, 'deny')
  })

  it('uses the report severity scale: UNKNOWN is the lowest, so atOrAbove UNKNOWN refuses every vulnerability', () => {
    const unknown = [sampleFinding({ id: 'CVE-2024-2', severity: 'UNKNOWN' })]
    assert.equal(evaluate(policy({ vulnerabilities: { atOrAbove: 'LOW' } }), facts(report(unknown))).decision, 'allow')
    assert.equal(evaluate(policy({ vulnerabilities: { atOrAbove: 'UNKNOWN' } }), facts(report(unknown))).decision, 'deny')
  })

  it('ignoreUnfixed skips findings without a fixed version only', () => {
    const findings = [sampleFinding({ id: 'CVE-U', severity: 'CRITICAL', status: 'unfixed', fixedVersions: [] }), sampleFinding({ id: 'CVE-F', severity: 'HIGH' })]
    const without = evaluate(policy({ vulnerabilities: { atOrAbove: 'HIGH' } }), facts(report(findings)))
    assert.match(without.failures[0]?.message ?? '', /1 CRITICAL, 1 HIGH/)
    const ignoring = evaluate(policy({ vulnerabilities: { atOrAbove: 'HIGH', ignoreUnfixed: true } }), facts(report(findings)))
    assert.equal(ignoring.failures[0]?.message, '1 HIGH vulnerability (CVE-F in lodash 4.17.15)')
    assert.equal(evaluate(policy({ vulnerabilities: { atOrAbove: 'HIGH', ignoreUnfixed: true } }), facts(report([findings[0] as ReportFinding]))).decision, 'allow')
  })

  it('shows at most three examples', () => {
    const many = ['CVE-1', 'CVE-2', 'CVE-3', 'CVE-4'].map((id) => sampleFinding({ id, severity: 'HIGH' }))
    assert.match(evaluate(policy({ vulnerabilities: { atOrAbove: 'HIGH' } }), facts(report(many))).failures[0]?.message ?? '', /^4 HIGH vulnerabilities \(CVE-1 in lodash 4\.17\.15, CVE-2 in lodash 4\.17\.15, CVE-3 in lodash 4\.17\.15, …\)$/)
  })

  it('fails when the vulnerability scanner was unavailable (zero counted findings are not a pass)', () => {
    const noDb = clean({ scanners: ['secret', 'misconfig'], unavailable: [{ scanner: 'vuln', reason: 'no advisory DB configured' }] })
    const v = evaluate(policy({ vulnerabilities: { atOrAbove: 'CRITICAL' } }), facts(noDb))
    assert.equal(v.decision, 'deny')
    assert.deepEqual(v.failures, [{ condition: 'vulnerabilities', message: 'vulnerabilities not checked: no advisory DB configured' }])
    // With `scan` also required the missing scanner is reported once.
    assert.deepEqual(conditions(evaluate(policy({ scan: {}, vulnerabilities: { atOrAbove: 'CRITICAL' } }), facts(noDb))), ['scan'])
  })

  it('a truncated report cannot prove the absence of findings; listed failures are still named', () => {
    const truncated = { omittedFindings: 12, reasons: ['maxFindingsPerImage 100'] }
    const v = evaluate(policy({ vulnerabilities: { atOrAbove: 'CRITICAL' } }), facts(clean({ truncated })))
    assert.equal(v.decision, 'deny')
    assert.match(v.failures[0]?.message ?? '', /omits 12 findings \(maxFindingsPerImage 100\)/)
    const listed = evaluate(policy({ vulnerabilities: { atOrAbove: 'CRITICAL' } }), facts(report(undefined, { truncated })))
    assert.match(listed.failures[0]?.message ?? '', /^1 CRITICAL vulnerability/)
  })
})

describe('allowlist', () => {
  const entry = (expiresAt: string, id = 'CVE-2021-44906'): object => ({ id, reason: 'not reachable: minimist only parses our own argv', expiresAt })
  const critical = (expiresAt: string, id?: string): DeployPolicy => policy({ vulnerabilities: { atOrAbove: 'CRITICAL', allowlist: [entry(expiresAt, id)] } })

  it('an entry waives the advisory by id or alias while it has not expired', () => {
    const v = evaluate(critical('2026-12-31'), facts(report()))
    assert.equal(v.decision, 'allow')
    assert.deepEqual(v.allowlist, [{ id: 'CVE-2021-44906', reason: 'not reachable: minimist only parses our own argv', expiresAt: '2026-12-31', expired: false, findings: 1 }])
    assert.equal(evaluate(critical('2026-12-31', 'GHSA-xvch-5gv4-984h'), facts(report())).decision, 'allow')
    assert.equal(evaluate(critical('2026-12-31', 'ghsa-XVCH-5gv4-984h'), facts(report())).decision, 'allow')
  })

  it('an expired entry stops counting at `now`: the same policy flips to deny', () => {
    const p = critical('2026-11-30')
    assert.equal(evaluate(p, facts(report()), ALICE, new Date('2026-11-30T23:59:59.999Z')).decision, 'allow')
    const after = evaluate(p, facts(report()), ALICE, new Date('2026-12-01T00:00:00.000Z'))
    assert.equal(after.decision, 'deny')
    assert.match(after.failures[0]?.message ?? '', /\(allowlist expired: CVE-2021-44906 on 2026-11-30\)$/)
    assert.equal(after.allowlist[0]?.expired, true)
  })

  it('an RFC 3339 expiry is an exact instant', () => {
    const p = critical('2026-11-25T12:00:00+01:00')
    assert.equal(evaluate(p, facts(report()), ALICE, new Date('2026-11-25T10:59:59Z')).decision, 'allow')
    assert.equal(evaluate(p, facts(report()), ALICE, new Date('2026-11-25T11:00:00Z')).decision, 'deny')
  })

  it('waives only the listed advisory', () => {
    const v = evaluate(policy({ vulnerabilities: { atOrAbove: 'HIGH', allowlist: [entry('2027-01-01')] } }), facts(report()))
    assert.equal(v.failures[0]?.message, '1 HIGH vulnerability (GHSA-35jh-r3h4-6jhm in lodash 4.17.15)')
  })
})

describe('secrets, misconfigurations, compliance', () => {
  it('noSecrets refuses any secret and names where it is', () => {
    const v = evaluate(policy({ noSecrets: true }), facts(report()))
    assert.deepEqual(v.failures, [{ condition: 'noSecrets', message: '1 secret (aws-access-key-id in /root/.aws/credentials)' }])
    assert.equal(evaluate(policy({ noSecrets: true }), facts(report([SAMPLE_MISCONFIG]))).decision, 'allow')
  })

  it('noSecrets fails when the secret scanner did not run or was truncated', () => {
    assert.match(evaluate(policy({ noSecrets: true }), facts(sampleReport())).failures[0]?.message ?? '', /secrets not checked/)
    assert.match(evaluate(policy({ noSecrets: true }), facts(clean({ truncated: { omittedFindings: 1, reasons: ['maxFindingsPerLayer 1000 in layer 0'] } }))).failures[0]?.message ?? '', /cannot show there are no secrets/)
  })

  it('misconfigurations refuses findings at or above the severity', () => {
    assert.deepEqual(evaluate(policy({ misconfigurations: { atOrAbove: 'HIGH' } }), facts(report())).failures, [
      { condition: 'misconfigurations', message: '1 HIGH misconfiguration (CIS-DI-0001 Create a user for the container)' },
    ])
    assert.equal(evaluate(policy({ misconfigurations: { atOrAbove: 'CRITICAL' } }), facts(report())).decision, 'allow')
    assert.match(evaluate(policy({ misconfigurations: { atOrAbove: 'LOW' } }), facts(sampleReport())).failures[0]?.message ?? '', /misconfigurations not checked/)
  })

  it('compliance requires the named checklist items to pass', () => {
    const compliance = {
      image: 'acme/app:1.0', passed: false,
      items: [
        { id: 'non-root' as const, title: 'Runs as a non-root user', status: 'fail' as const, evidence: ['config.User is not set'] },
        { id: 'healthcheck' as const, title: 'Has a healthcheck', status: 'pass' as const, evidence: ['HEALTHCHECK set'] },
      ],
    }
    assert.equal(evaluate(policy({ compliance: ['healthcheck'] }), facts(clean({ compliance }))).decision, 'allow')
    assert.deepEqual(evaluate(policy({ compliance: ['healthcheck', 'non-root', 'base-image'] }), facts(clean({ compliance }))).failures, [
      { condition: 'compliance', message: 'compliance items failed: non-root (config.User is not set), base-image (not checked)' },
    ])
    assert.match(evaluate(policy({ compliance: ['healthcheck'] }), facts(clean())).failures[0]?.message ?? '', /no compliance checklist/)
  })
})

describe('signature and attestations', () => {
  const signed = { signed: true, by: ['sha256:key'] }
  const sbom: AttestationEntry = { digest: 'sha256:att', predicateType: CYCLONEDX, predicateTypeVerified: true, verified: true, keyId: 'sha256:key' }

  it('signed needs a verified signature by a trusted key, and a looked-up one', () => {
    assert.equal(evaluate(policy({ signed: true }), facts({ status: 'NOT_SCANNED' }, { signature: signed })).decision, 'allow')
    assert.deepEqual(evaluate(policy({ signed: true }), facts({ status: 'NOT_SCANNED' }, { signature: { signed: false, by: [] } })).failures, [
      { condition: 'signed', message: 'not signed by a key trusted for acme/app' },
    ])
    assert.match(evaluate(policy({ signed: true }), facts({ status: 'NOT_SCANNED' })).failures[0]?.message ?? '', /not checked/)
  })

  it('attestations need a verified attestation of each type with a verified predicate type', () => {
    const p = policy({ attestations: ['cyclonedx', 'vuln'] })
    const v = evaluate(p, facts({ status: 'NOT_SCANNED' }, { attestations: [sbom] }))
    assert.deepEqual(v.failures, [{ condition: 'attestations', message: 'no attestation of type https://cosign.sigstore.dev/attestation/vuln/v1 signed by a trusted key' }])
    assert.equal(evaluate(policy({ attestations: ['cyclonedx'] }), facts({ status: 'NOT_SCANNED' }, { attestations: [sbom] })).decision, 'allow')
    // An unverified attestation, or one whose type is only an annotation label, does not count.
    for (const bad of [{ ...sbom, verified: false }, { ...sbom, predicateTypeVerified: false }]) {
      assert.equal(evaluate(policy({ attestations: ['cyclonedx'] }), facts({ status: 'NOT_SCANNED' }, { attestations: [bad] })).decision, 'deny')
    }
    assert.equal(evaluate(policy({ attestations: ['cyclonedx'] }), facts({ status: 'NOT_SCANNED' })).decision, 'deny')
  })

  it('factsNeeded asks only for what the policy judges', () => {
    assert.deepEqual(factsNeeded(policy({ signed: true })), { scan: false, signature: true, attestations: false })
    assert.deepEqual(factsNeeded(policy({ noSecrets: true, attestations: ['vuln'] })), { scan: true, signature: false, attestations: true })
  })
})

describe('combined conditions, modes, principals', () => {
  const all = policy({
    scan: { maxAdvisoryAgeDays: 7 }, vulnerabilities: { atOrAbove: 'HIGH' }, noSecrets: true, misconfigurations: { atOrAbove: 'HIGH' }, signed: true,
  })

  it('lists every failing condition, in order; all must hold to allow', () => {
    const v = evaluate(all, facts(report(), { signature: { signed: false, by: [] } }))
    assert.deepEqual(conditions(v), ['vulnerabilities', 'noSecrets', 'misconfigurations', 'signed'])
    assert.deepEqual(v.checked, ['scan', 'vulnerabilities', 'noSecrets', 'misconfigurations', 'signed'])
    assert.equal(evaluate(all, facts(clean(), { signature: { signed: true, by: ['k'] } })).decision, 'allow')
    assert.deepEqual(conditions(evaluate(all, facts(clean(), { signature: { signed: false, by: [] } }))), ['signed'])
  })

  it('an unfinished scan is one failure for all scan-based conditions; trust conditions are still judged', () => {
    assert.deepEqual(evaluate(all, facts({ status: 'PENDING' })).failures, [
      { condition: 'scan', message: 'the scan is not finished (PENDING)' },
      { condition: 'signed', message: 'signatures were not checked' },
    ])
    assert.deepEqual(conditions(evaluate(policy({ noSecrets: true }), facts({ status: 'FAILED' }))), ['noSecrets'])
  })

  it('a policy that requires nothing allows everything (an explicit exemption)', () => {
    assert.equal(evaluate(policy({}), facts({ status: 'NOT_SCANNED' })).decision, 'allow')
  })

  it('audit mode reports the same failures as audit-deny', () => {
    const v = evaluate(policy({ vulnerabilities: { atOrAbove: 'HIGH' } }, { mode: 'audit' }), facts(report()))
    assert.equal(v.decision, 'audit-deny')
    assert.equal(v.failures.length, 1)
    assert.equal(evaluate(policy({ vulnerabilities: { atOrAbove: 'HIGH' } }, { mode: 'audit' }), facts(clean())).decision, 'allow')
  })

  it('appliesTo everyone (default) includes anonymous callers, admins and robots', () => {
    for (const who of [ANONYMOUS, ALICE, ADMIN, CI]) assert.equal(evaluate(all, facts(report()), who).decision, 'deny')
  })

  it('appliesTo only: deploy robots are gated, everyone else is exempt', () => {
    const p = policy({ noSecrets: true }, { appliesTo: { only: ['robot$acme+deploy-*'] } })
    assert.equal(evaluate(p, facts(report()), DEPLOY).decision, 'deny')
    for (const who of [ANONYMOUS, ALICE, ADMIN, CI]) {
      const v = evaluate(p, facts(report()), who)
      assert.equal(v.decision, 'allow')
      assert.equal(v.exempt, true)
      assert.deepEqual(v.failures, [])
    }
  })

  it('appliesTo except: the pushing CI robot and admins are exempt, everyone else gated', () => {
    const p = policy({ noSecrets: true }, { appliesTo: { except: ['robot$acme+ci', 'admins'] } })
    assert.equal(evaluate(p, facts(report()), CI).exempt, true)
    assert.equal(evaluate(p, facts(report()), ADMIN).exempt, true)
    // An admin's personal access token is still the admin.
    assert.equal(evaluate(p, facts(report()), { ...ADMIN, token: { id: 't', actions: ['pull'], targets: ['*'] } } as Principal).exempt, true)
    for (const who of [ANONYMOUS, ALICE, DEPLOY, { ...CI, name: 'robot$acme+cix' } as Principal]) assert.equal(evaluate(p, facts(report()), who).decision, 'deny')
  })
})

describe('an index: every child must pass', () => {
  const index = (children: [string, ScanReport][]): ScanFacts => ({
    status: 'COMPLETE', images: children.map(([platform, r], i) => ({ platform, manifestDigest: `sha256:${String(i).repeat(64)}`, report: r })),
  })

  it('allows when every platform passes, refuses naming each failing platform', () => {
    const p = policy({ vulnerabilities: { atOrAbove: 'CRITICAL' }, noSecrets: true })
    assert.equal(evaluate(p, facts(index([['linux/amd64', clean()], ['linux/arm64', clean()]]))).decision, 'allow')
    const v = evaluate(p, facts(index([['linux/amd64', clean()], ['linux/arm64', report([SAMPLE_SECRET])]])))
    assert.equal(v.decision, 'deny')
    assert.deepEqual(v.failures, [{ condition: 'noSecrets', message: '1 secret (aws-access-key-id in /root/.aws/credentials)', platform: 'linux/arm64' }])
  })

  it('one child without vulnerability data fails the index', () => {
    const noDb = clean({ scanners: ['secret', 'misconfig'], unavailable: [{ scanner: 'vuln', reason: 'advisory DB unreadable' }] })
    const v = evaluate(policy({ scan: {} }), facts(index([['linux/amd64', clean()], ['linux/s390x', noDb]])))
    assert.deepEqual(v.failures.map((f) => f.platform), ['linux/s390x'])
  })
})

describe('the refusal line', () => {
  it('names the policy, scope, failure and details URL on one line', () => {
    const v = evaluate(policy({ vulnerabilities: { atOrAbove: 'CRITICAL' } }), facts(report()))
    assert.equal(refusalMessage(v), `policy 'prod' (acme): 1 CRITICAL vulnerability (GHSA-xvch-5gv4-984h in minimist 1.2.0); see GET /api/v1/repositories/acme/app/images/${DIGEST}/policy`)
  })

  it('shows two failures and counts the rest; platforms prefix index failures', () => {
    const p = validateDeployPolicy({ name: 'base', scope: '*', require: { vulnerabilities: { atOrAbove: 'HIGH' }, noSecrets: true, misconfigurations: { atOrAbove: 'HIGH' }, signed: true } })
    const r = report()
    const v = evaluate(p, facts({ status: 'COMPLETE', images: [{ platform: 'linux/arm64', manifestDigest: DIGEST, report: r }] }, { signature: { signed: false, by: [] } }))
    assert.match(refusalMessage(v), /^policy 'base' \(all repositories\): linux\/arm64: 1 CRITICAL, 1 HIGH vulnerabilities \(.*\); linux\/arm64: 1 secret \(.*\); and 2 more; see GET \/api\/v1\/repositories\/acme\/app\/images\/sha256:a+\/policy$/)
  })

  it('stays one bounded line whatever the report holds', () => {
    const hostile = [sampleFinding({ id: 'CVE-1\r\nX-Injected: yes', severity: 'CRITICAL', package: { ...sampleFinding({ id: 'x', severity: 'LOW' }).package, name: 'p'.repeat(5000) } })]
    const line = refusalMessage(evaluate(policy({ vulnerabilities: { atOrAbove: 'HIGH' } }), facts(report(hostile))))
    assert.doesNotMatch(line, /[\r\n]/)
    assert.ok(line.length < 600, `${line.length} characters`)
    assert.match(line, /…; see GET /)
  })
})
