/**
 * Test support: a small, hand-written ScanReport with two packages, three findings and one
 * ignored; and the same with a secret and a misconfiguration added (all three scanners).
 */
import { digestOf } from '../../../oci/digest.ts'
import type { PackageRecord } from '../../model/package.ts'
import type { ReportFinding, ScanReport, VulnerabilityFinding } from '../scan-report.ts'
import { countByKind, countBySeverity } from '../scan-report.ts'

const diffId = digestOf('layer')

export const SAMPLE_PACKAGES: PackageRecord[] = [
  { name: 'lodash', version: '4.17.15', type: 'npm', purl: 'pkg:npm/lodash@4.17.15', licenses: ['MIT'], locations: [{ path: 'app/node_modules/lodash/package.json', diffId }] },
  { name: 'minimist', version: '1.2.0', type: 'npm', purl: 'pkg:npm/minimist@1.2.0', licenses: ['MIT'], locations: [{ path: 'app/node_modules/minimist/package.json', diffId }] },
]

export function sampleFinding(over: Partial<VulnerabilityFinding> & Pick<VulnerabilityFinding, 'id' | 'severity'>, pkgIndex = 0): VulnerabilityFinding {
  const p = SAMPLE_PACKAGES[pkgIndex] as PackageRecord
  return {
    kind: 'vulnerability',
    aliases: [],
    severitySource: 'ghsa',
    package: { name: p.name, version: p.version, type: p.type, purl: p.purl, path: p.locations[0]?.path ?? '', layerDiffId: diffId },
    installedVersion: p.version,
    fixedVersions: ['9.9.9'],
    status: 'fixed',
    dataSource: 'GitHub Advisory Database',
    ...over,
  }
}

export function sampleReport(): ScanReport {
  const findings = [
    sampleFinding({ id: 'GHSA-xvch-5gv4-984h', severity: 'CRITICAL', aliases: ['CVE-2021-44906'], title: 'Prototype Pollution in minimist', url: 'https://github.com/advisories/GHSA-xvch-5gv4-984h', cvssScore: 9.8, cvssVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, 1),
    sampleFinding({ id: 'GHSA-35jh-r3h4-6jhm', severity: 'HIGH', aliases: ['CVE-2021-23337'], title: 'Command Injection in lodash' }),
    sampleFinding({ id: 'GHSA-29mw-wpgm-hmr9', severity: 'MEDIUM', title: 'ReDoS in lodash', fixedVersions: [], status: 'unfixed', severitySource: 'none' }),
  ]
  return {
    schemaVersion: 1,
    tool: { name: 'drydock', version: '0.1.0' },
    generatedAt: '2026-11-25T00:00:00.000Z',
    image: { reference: 'oci:images/node-app-vuln:1.0.0', name: 'node-app-vuln', tag: '1.0.0', manifestDigest: digestOf('manifest'), configDigest: digestOf('config'), platform: 'linux/amd64' },
    dataSource: { dbSchemaVersion: 1, updatedAt: '2026-11-22T00:00:00.000Z', sources: [{ name: 'osv:npm', kind: 'osv-dir', location: '/data/npm', importedAt: '2026-11-22T00:00:00.000Z', records: 10 }] },
    packages: SAMPLE_PACKAGES,
    findings,
    counts: countBySeverity(findings),
    countsByKind: countByKind(findings),
    scanners: ['vuln'],
    ignored: [{ finding: sampleFinding({ id: 'GHSA-vh95-rmgr-6w4m', severity: 'MEDIUM' }, 1), origin: 'vex', reason: 'not_affected: vulnerable_code_not_in_execute_path', justification: 'vulnerable_code_not_in_execute_path' }],
    warnings: ['ignore entry for CVE-1 expired on 2026-01-01: its findings are reported again'],
  }
}

/** A secret finding as the pipeline makes it; `match` and `fingerprint` are the only traces of the secret. */
export const SAMPLE_SECRET: ReportFinding = {
  kind: 'secret', id: 'aws-access-key-id', category: 'AWS', severity: 'CRITICAL', title: 'AWS access key ID',
  remediation: 'Remove the key from the image and rotate it.', match: 'AKIA****', fingerprint: 'sha256:0123456789abcdef', line: 2,
  location: { kind: 'file', path: 'root/.aws/credentials', diffId, layerIndex: 0, line: 2, deletedLater: true },
}

export const SAMPLE_MISCONFIG: ReportFinding = {
  kind: 'misconfig', id: 'CIS-DI-0001', severity: 'HIGH', title: 'Create a user for the container',
  remediation: 'Add USER with a non-root user.', evidence: 'config.User is not set', location: { kind: 'config', field: 'config.User' },
}

export function sampleMixedReport(): ScanReport {
  const base = sampleReport()
  const findings = [base.findings[0] as ReportFinding, SAMPLE_SECRET, base.findings[1] as ReportFinding, SAMPLE_MISCONFIG, base.findings[2] as ReportFinding]
  return { ...base, findings, counts: countBySeverity(findings), countsByKind: countByKind(findings), scanners: ['vuln', 'secret', 'misconfig'] }
}
