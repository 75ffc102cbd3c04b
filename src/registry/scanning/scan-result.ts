/**
 * The stored result of one scan (image_scans.result, JSON): one Drydock report per image (every
 * scanner: vulnerabilities, secrets, misconfigurations), so an image index carries one entry per
 * platform. Results stored before schema 2 also had a separate `secrets` list and reports with
 * vulnerabilities only; readers treat a report by its own `scanners` field. Reports are ungated (every severity, nothing
 * ignored): policy is applied by whoever reads them (`drydock scan --from-registry` applies the
 * caller's severity filter, ignore file and exit code).
 */
import type { ScanReport } from '../../scanner/report/scan-report.ts'

export const SCAN_RESULT_KIND = 'drydock.scan-result'
export const SCAN_RESULT_SCHEMA = 2

export interface ScannedImage {
  /** `os/arch[/variant]` of the index entry (absent for a single image). */
  readonly platform?: string
  readonly manifestDigest: string
  /** Vulnerabilities, secrets (redacted) and misconfigurations: `report.scanners` says which ran. */
  readonly report: ScanReport
}

export interface ScanResultDocument {
  readonly kind: typeof SCAN_RESULT_KIND
  readonly schemaVersion: number
  /** The digest that was scanned (an image manifest or an index). */
  readonly digest: string
  readonly scannerVersion: string
  /** ISO time of the advisory data's last import. */
  readonly advisoryVersion: string
  readonly images: readonly ScannedImage[]
}

export function parseScanResult(text: string): ScanResultDocument {
  const v = JSON.parse(text) as Partial<ScanResultDocument>
  if (v.kind !== SCAN_RESULT_KIND || !Array.isArray(v.images)) throw new Error('not a Drydock scan result')
  return v as ScanResultDocument
}
