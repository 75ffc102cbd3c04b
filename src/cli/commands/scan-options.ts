// Option parsing for `drydock scan` that goes beyond parseArgs: the scanner list, the secret
// config and the ignore/VEX files. Every bad value is a UsageError (exit 2), never a silent default.
import { readFile, stat } from 'node:fs/promises'
import { splitList } from '../args.ts'
import { UsageError } from '../exit-codes.ts'
import type { SecretScanOptions } from '../../scanner/analyzers/secret/secret-analyzer.ts'
import { SCANNER_NAMES, type ScannerName } from '../../scanner/report/scan-report.ts'

const MAX_SECRET_CONFIG_BYTES = 1024 * 1024

/** `--scanners vuln,secret`: known names only, at least one, duplicates folded, in SCANNER_NAMES order. */
export function parseScanners(raw: string | undefined): ScannerName[] {
  if (raw === undefined) return [...SCANNER_NAMES]
  const items = splitList(raw)
  const bad = items.filter((s) => !(SCANNER_NAMES as readonly string[]).includes(s.toLowerCase()))
  if (bad.length > 0) throw new UsageError(`unknown scanner '${bad.join("', '")}' in --scanners (use ${SCANNER_NAMES.join(', ')})`)
  if (items.length === 0) throw new UsageError(`--scanners needs at least one of ${SCANNER_NAMES.join(', ')}`)
  const wanted = new Set(items.map((s) => s.toLowerCase()))
  return SCANNER_NAMES.filter((s) => wanted.has(s))
}

/** `--secret-config FILE` (docs/secrets.md): allowlists, disabled rules, max file size. */
export async function readSecretConfig(file: string | undefined): Promise<SecretScanOptions> {
  if (file === undefined) return {}
  const { parseSecretConfig } = await import('../../scanner/analyzers/secret/secret-config.ts')
  try {
    if ((await stat(file)).size > MAX_SECRET_CONFIG_BYTES) throw new Error(`${file} is larger than ${MAX_SECRET_CONFIG_BYTES} bytes`)
    return parseSecretConfig(await readFile(file, 'utf8'), file)
  } catch (err) {
    throw new UsageError(`--secret-config: ${(err as Error).message}`)
  }
}

/** `--ignorefile FILE` and every `--vex FILE`. */
export async function readGateFiles(ignorefile: string | undefined, vexFiles: readonly string[]) {
  const { readIgnoreFile } = await import('../../scanner/scan/ignore-file.ts')
  const { readOpenVex } = await import('../../scanner/scan/openvex.ts')
  try {
    const ignoreRules = ignorefile === undefined ? [] : await readIgnoreFile(ignorefile)
    const vex = (await Promise.all(vexFiles.map((f) => readOpenVex(f)))).flat()
    return { ignoreRules, vex }
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}
