/** What a finding is about, in one line: the package of a vulnerability, the location of the rest. */
import { formatLocation } from '../misconfig/finding.ts'
import type { ReportFinding } from './scan-report.ts'

export function findingSubject(f: ReportFinding): string {
  return f.kind === 'vulnerability' ? f.package.name : formatLocation(f.location)
}
