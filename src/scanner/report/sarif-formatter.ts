/**
 * `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it. One rule per vulnerability id,
 * secret rule and misconfiguration check (sarif-findings.ts does the latter two)
 * (with help text and the `security-severity` property GitHub ranks alerts by), one result per
 * (vulnerability, package) with the package's file as its location, because GitHub rejects a
 * result without one. The advisory data's age goes into the run's property bag.
 */
import { describeAge } from './data-age.ts'
import type { FormatOptions, ReportFormatter } from './formatter.ts'
import { resultForRuleFinding, ruleForRuleFinding } from './sarif-findings.ts'
import type { ReportFinding, ScanReport, TruncatedFindings, VulnerabilityFinding } from './scan-report.ts'
import { severityRank, type ReportSeverity } from './severity-scale.ts'

type Json = Record<string, unknown>

/** When there is no CVSS score: the middle of each band (GitHub maps >= 9 critical, >= 7 high, >= 4 medium, > 0 low). */
const BAND_SCORE: Record<ReportSeverity, number> = { CRITICAL: 9.5, HIGH: 8.0, MEDIUM: 5.5, LOW: 2.0, UNKNOWN: 0.0 }

export function sarifLevel(s: ReportSeverity): 'error' | 'warning' | 'note' {
  return s === 'CRITICAL' || s === 'HIGH' ? 'error' : s === 'MEDIUM' ? 'warning' : 'note'
}

function securitySeverity(f: VulnerabilityFinding): string {
  return (f.cvssScore ?? BAND_SCORE[f.severity]).toFixed(1)
}

/** Markdown table cells: advisory text must not break the table or inject markup. */
function md(s: string): string {
  return s.replace(/[\\|*_`[\]<>]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ')
}

function vulnRuleFor(f: VulnerabilityFinding): Json {
  const title = f.title ?? f.id
  // The advisory's URL is third-party data: use it only if it is a plain http(s) URL.
  const url = f.url !== undefined && /^https?:\/\/[^\s<>"]+$/.test(f.url) ? f.url : `https://osv.dev/vulnerability/${encodeURIComponent(f.id)}`
  const aliases = f.aliases.length > 0 ? ` Also known as ${f.aliases.join(', ')}.` : ''
  const helpText = `${f.id}: ${title}.${aliases} Severity ${f.severity} (rated by ${f.severitySource}). More: ${url}`
  return {
    id: f.id,
    name: f.id.replace(/[^A-Za-z0-9]/g, ''),
    shortDescription: { text: title },
    fullDescription: { text: title },
    helpUri: url,
    help: {
      text: helpText,
      markdown: `**${md(f.id)}**: ${md(title)}\n\n| Severity | Rated by | Aliases |\n|---|---|---|\n| ${f.severity} | ${md(f.severitySource)} | ${md(f.aliases.join(', ')) || '-'} |\n\n<${url}>`,
    },
    defaultConfiguration: { level: sarifLevel(f.severity) },
    properties: { tags: ['security', 'vulnerability', f.severity], precision: 'very-high', 'security-severity': securitySeverity(f) },
  }
}

function vulnResultFor(f: VulnerabilityFinding, ruleIndex: number): Json {
  const fix = f.status === 'fixed' ? `fixed in ${f.fixedVersions.join(', ')}` : 'no fix available'
  return {
    ruleId: f.id,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: `Package ${f.package.name} ${f.installedVersion} (${f.package.purl}) is affected by ${f.id} [${f.severity}]: ${fix}.` },
    locations: [{
      physicalLocation: { artifactLocation: { uri: f.package.path || 'image' }, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } },
      message: { text: `${f.package.name}@${f.installedVersion}` },
    }],
    partialFingerprints: { 'drydock/v1': `${f.id}/${f.package.purl}/${f.package.path}` },
    properties: { purl: f.package.purl, installedVersion: f.installedVersion, fixedVersions: f.fixedVersions, status: f.status },
  }
}

export function toSarif(report: ScanReport, now: Date): Json {
  const rules: Json[] = []
  const index = new Map<string, { i: number; worst: ReportFinding }>()
  for (const f of report.findings) {
    const seen = index.get(f.id)
    if (seen === undefined) {
      index.set(f.id, { i: rules.length, worst: f })
      rules.push(ruleFor(f))
    } else if (severityRank(f.severity) > severityRank(seen.worst.severity)) {
      // Same advisory on several packages: the rule carries the highest severity seen.
      rules[seen.i] = ruleFor(f)
      seen.worst = f
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: report.tool.name, version: report.tool.version, rules } },
      results: report.findings.map((f) => resultFor(f, index.get(f.id)?.i ?? 0)),
      properties: {
        image: report.image.reference,
        manifestDigest: report.image.manifestDigest,
        advisoryDbUpdatedAt: report.dataSource.updatedAt ?? null,
        advisoryDbAge: describeAge(report.dataSource.updatedAt, now),
        ignoredCount: report.ignored.length,
        scanners: report.scanners,
        ...(report.truncated ? { truncated: report.truncated } : {}),
      },
      // A bound was hit: the results are not all the findings, and code scanning should say so.
      ...(report.truncated ? { invocations: [truncatedInvocation(report.truncated)] } : {}),
    }],
  }
}

function truncatedInvocation(t: TruncatedFindings): Json {
  return {
    executionSuccessful: true,
    toolExecutionNotifications: [{
      level: 'warning',
      descriptor: { id: 'drydock/findings-truncated' },
      message: { text: `${t.omittedFindings} more finding(s) not listed: ${t.reasons.join('; ')}` },
    }],
  }
}

export const sarifFormatter: ReportFormatter = {
  name: 'sarif',
  mediaType: 'application/sarif+json',
  format(report: ScanReport, options: FormatOptions = {}): string {
    return `${JSON.stringify(toSarif(report, options.now ?? new Date(report.generatedAt)), null, 2)}\n`
  },
}

function ruleFor(f: ReportFinding): Json {
  return f.kind === 'vulnerability' ? vulnRuleFor(f) : ruleForRuleFinding(f)
}

function resultFor(f: ReportFinding, ruleIndex: number): Json {
  return f.kind === 'vulnerability' ? vulnResultFor(f, ruleIndex) : resultForRuleFinding(f, ruleIndex)
}
