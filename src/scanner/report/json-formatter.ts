/**
 * `--format json`: the ScanReport model itself (documented in docs/scan.md), plus `dataAge`, a
 * human-readable rendering of dataSource.updatedAt. The inventory is left out (use `drydock sbom`
 * or `--format cyclonedx` for it); its size is given as `packageCount`.
 */
import { describeAge } from './data-age.ts'
import type { FormatOptions, ReportFormatter } from './formatter.ts'
import type { ScanReport } from './scan-report.ts'

export const jsonFormatter: ReportFormatter = {
  name: 'json',
  mediaType: 'application/json',
  format(report: ScanReport, options: FormatOptions = {}): string {
    const now = options.now ?? new Date(report.generatedAt)
    const { packages, ...rest } = report
    const out = {
      ...rest,
      dataSource: { ...report.dataSource, dataAge: describeAge(report.dataSource.updatedAt, now) },
      packageCount: packages.length,
    }
    return `${JSON.stringify(out, null, 2)}\n`
  },
}
