/**
 * SARIF rules and results for secret and misconfiguration findings (sarif-formatter.ts does the
 * vulnerabilities and the document). Locations, always one per result because GitHub code
 * scanning rejects a result without one:
 *  - a file in a layer: the path in the image with the line (secrets) as the region, plus a
 *    logical location naming the layer and whether a later layer deleted or replaced the file;
 *  - a Dockerfile line: that file and line;
 *  - a config field (`config.Env[2]`, `history[3].created_by`): the artifact `image-config`
 *    with the field as a logical location; no location at all: the artifact `image`.
 * Messages carry only the redacted match and the fingerprint, never the secret.
 */
import type { SecretFinding } from '../analyzers/secret/secret-finding.ts'
import { formatLocation, type MisconfigFinding } from '../misconfig/finding.ts'
import type { ReportSeverity } from './severity-scale.ts'

type Json = Record<string, unknown>
type RuleFinding = SecretFinding | MisconfigFinding

const BAND_SCORE: Record<ReportSeverity, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', UNKNOWN: '0.0' }

function level(s: ReportSeverity): 'error' | 'warning' | 'note' {
  return s === 'CRITICAL' || s === 'HIGH' ? 'error' : s === 'MEDIUM' ? 'warning' : 'note'
}

/** `Run As Root` -> `RunAsRoot`: SARIF rule names are identifiers. */
function ruleName(title: string): string {
  return title.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')
}

export function ruleForRuleFinding(f: RuleFinding): Json {
  const kindTag = f.kind === 'secret' ? 'secret' : 'misconfiguration'
  return {
    id: f.id,
    name: ruleName(f.title) || f.id,
    shortDescription: { text: f.title },
    fullDescription: { text: f.title },
    help: { text: `${f.title}. ${f.remediation}`, markdown: `**${f.id}**: ${f.title}\n\n${f.remediation}` },
    defaultConfiguration: { level: level(f.severity) },
    properties: { tags: ['security', kindTag, f.severity], precision: 'high', 'security-severity': BAND_SCORE[f.severity] },
  }
}

function locationOf(f: RuleFinding): Json {
  const l = f.location
  if (l === undefined) return { physicalLocation: { artifactLocation: { uri: 'image' }, region: { startLine: 1 } } }
  if (l.kind === 'dockerfile') return { physicalLocation: { artifactLocation: { uri: l.path }, region: { startLine: l.line } } }
  if (l.kind === 'config') {
    return { physicalLocation: { artifactLocation: { uri: 'image-config' }, region: { startLine: 1 } }, logicalLocations: [{ fullyQualifiedName: l.field, kind: 'member' }] }
  }
  const line = f.kind === 'secret' ? f.line : (l.line ?? 1)
  return {
    physicalLocation: { artifactLocation: { uri: l.path }, region: { startLine: Math.max(1, line) } },
    logicalLocations: [{ fullyQualifiedName: formatLocation(l), kind: 'resource' }],
  }
}

function messageOf(f: RuleFinding): string {
  if (f.kind === 'misconfig') return `${f.title}: ${f.evidence}`
  const hidden = f.location.kind === 'file' && f.location.deletedLater ? ' The file is deleted by a later layer, but its bytes still ship in the image.' : ''
  return `${f.title}: ${f.match} (fingerprint ${f.fingerprint}) at ${formatLocation(f.location)}.${hidden} ${f.remediation}`
}

export function resultForRuleFinding(f: RuleFinding, ruleIndex: number): Json {
  const where = f.location ? formatLocation(f.location) : 'image'
  return {
    ruleId: f.id,
    ruleIndex,
    level: level(f.severity),
    message: { text: messageOf(f) },
    locations: [locationOf(f)],
    partialFingerprints: { 'drydock/v1': f.kind === 'secret' ? `${f.id}/${f.fingerprint}/${where}` : `${f.id}/${where}` },
    properties: f.kind === 'secret' ? { kind: 'secret', category: f.category, fingerprint: f.fingerprint, severity: f.severity } : { kind: 'misconfig', severity: f.severity },
  }
}
