/**
 * The ReportFormatter contract and the explicit list of built-in formats (no registration by side
 * effect). A formatter is a pure function of the report: same report and options, same text.
 */
import { cyclonedxFormatter } from './cyclonedx-formatter.ts'
import { jsonFormatter } from './json-formatter.ts'
import { sarifFormatter } from './sarif-formatter.ts'
import type { ScanReport } from './scan-report.ts'
import { tableFormatter } from './table-formatter.ts'

export interface FormatOptions {
  /** Reference time for "data age" wording (the report's own generatedAt by default). */
  readonly now?: Date
  /** ANSI colours in the table format; the CLI sets it only for a TTY. */
  readonly color?: boolean
  /** A fresh UUID for document serial numbers (CycloneDX). */
  readonly uuid?: string
}

export interface ReportFormatter {
  /** The `--format` value. */
  readonly name: string
  /** Media type of the output, for files and HTTP responses. */
  readonly mediaType: string
  format(report: ScanReport, options?: FormatOptions): string
}

export const REPORT_FORMATTERS: readonly ReportFormatter[] = [tableFormatter, jsonFormatter, sarifFormatter, cyclonedxFormatter]

export function formatterByName(name: string): ReportFormatter | undefined {
  return REPORT_FORMATTERS.find((f) => f.name === name)
}

export function formatterNames(): string[] {
  return REPORT_FORMATTERS.map((f) => f.name)
}
