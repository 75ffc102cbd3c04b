// `drydock scan IMAGE`: analyse the image in one pass over its layers (packages and secrets),
// match the packages against the local advisory DB, run the misconfiguration checks, apply one
// gate to every kind of finding (severity filter, ignore file, VEX, --ignore-unfixed) and print
// one report. Works offline once the DB is present; without the vuln scanner it needs no DB at
// all. Exit codes: docs/scan.md.
import { parseCommandArgs, splitList } from '../args.ts'
import { dbFile, defaultCacheDir } from '../cache-paths.ts'
import { ExitError, UsageError } from '../exit-codes.ts'
import { CREDENTIAL_OPTIONS, CREDENTIALS_HELP } from '../credentials/resolve-credentials.ts'
import { imageCredentials, imageErrorToExit, isRemoteReference } from '../image-error-exit.ts'
import { DEFAULT_MAX_DB_AGE_DAYS, openAdvisoryDb } from '../open-advisory-db.ts'
import { progressBar } from '../output/progress-bar.ts'
import { writeReport } from '../write-report.ts'
import { TOOL_NAME, TOOL_VERSION } from '../tool-info.ts'
import { parseScanners, readGateFiles, readSecretConfig } from './scan-options.ts'
import type { ComplianceReport } from '../../scanner/compliance/compliance-checklist.ts'

const HELP = `Usage: drydock scan IMAGE [options]

IMAGE: oci:DIR[:TAG] | oci-archive:FILE[:TAG] | docker-archive:FILE[:REPO:TAG] | [docker://]HOST/REPO[:TAG|@DIGEST]

Options:
  --scanners LIST        vuln,secret,misconfig (default all three); the advisory DB is needed
                         only for vuln
  --format FORMAT        table | json | sarif | cyclonedx (default table; cyclonedx lists
                         vulnerabilities only)
  --output FILE          write the report to FILE instead of stdout
  --severity LIST        severities to report and count, e.g. HIGH,CRITICAL (default all:
                         UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL)
  --exit-code N          exit with N when any reported finding remains, or with --compliance
                         when a checklist item fails (default 0)
  --ignore-unfixed       ignore vulnerabilities that have no fixed version
  --ignorefile FILE      YAML/JSON ignore rules: vulnerabilities (id, package/purl), secrets
                         (rule id and/or fingerprint), misconfigurations (check id); each with
                         reason and optional expires
  --secret-config FILE   secret scan allowlist (paths, rules, fingerprints) and disabled rules
  --compliance           print the compliance checklist (table or json) instead of the report
  --allowed-bases LIST   base images accepted by the checklist besides official ones (globs)
  --vex FILE             OpenVEX document; repeatable
  --platform OS/ARCH     image of a multi-platform index (default: this host's)
  --db DIR               advisory DB directory (default $DRYDOCK_CACHE_DIR/db or ~/.cache/drydock/db)
  --cache-dir DIR        layer cache directory (default $DRYDOCK_CACHE_DIR or ~/.cache/drydock)
  --max-db-age DAYS      warn when the advisory data is older (default ${DEFAULT_MAX_DB_AGE_DAYS})
  --offline              never use the network (registry images are refused)
  --insecure             allow plain http to a non-loopback registry (loopback hosts fall
                         back to http without it)
  --from-registry URL    read the result the Drydock registry at URL stored on push instead of
                         scanning here (IMAGE is REPO[:TAG|@DIGEST])
  --wait SECONDS         with --from-registry: how long to wait for a pending scan (default 300)
  --username NAME        registry user name (with --password-stdin)
  --password-stdin       read the registry password or token from standard input

${CREDENTIALS_HELP}
Exit codes: 0 ok, N (--exit-code) findings remain, 2 usage error or missing DB,
3 registry unreachable or failed (also a failed server-side scan, or one that could not
check a wanted scanner: vulnerabilities without an advisory DB), 4 credentials refused
or missing, 70 internal error.
`

const OPTIONS = {
  format: { type: 'string', default: 'table' },
  scanners: { type: 'string' },
  'secret-config': { type: 'string' },
  compliance: { type: 'boolean' },
  'allowed-bases': { type: 'string' },
  output: { type: 'string' },
  severity: { type: 'string' },
  'exit-code': { type: 'string' },
  'ignore-unfixed': { type: 'boolean' },
  ignorefile: { type: 'string' },
  vex: { type: 'string', multiple: true },
  platform: { type: 'string' },
  db: { type: 'string' },
  'cache-dir': { type: 'string' },
  'max-db-age': { type: 'string' },
  offline: { type: 'boolean' },
  'from-registry': { type: 'string' },
  wait: { type: 'string' },
  insecure: { type: 'boolean' },
  ...CREDENTIAL_OPTIONS,
} as const

function intOption(raw: string | undefined, name: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw) || Number(raw) > max) throw new UsageError(`--${name} must be an integer between 0 and ${max}, got '${raw}'\n\n${HELP}`)
  return Number(raw)
}

export async function run(argv: readonly string[]): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(argv, OPTIONS, HELP)
  if (positionals.length !== 1) throw new UsageError(`expected exactly one IMAGE, got ${positionals.length}\n\n${HELP}`)
  const ref = positionals[0] as string
  const { formatterByName, formatterNames } = await import('../../scanner/report/formatter.ts')
  const formatter = formatterByName(v.format)
  if (formatter === undefined) throw new UsageError(`unknown --format '${v.format}' (use ${formatterNames().join(', ')})`)
  const scanners = parseScanners(v.scanners)
  const compliance = v.compliance === true
  if (compliance && formatter.name !== 'table' && formatter.name !== 'json') throw new UsageError(`--compliance prints table or json, not ${formatter.name}`)
  const { parseSeverityList } = await import('../../scanner/report/severity-scale.ts')
  let severities
  try {
    severities = parseSeverityList(splitList(v.severity))
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const exitCode = intOption(v['exit-code'], 'exit-code', 0, 255)
  const maxAge = intOption(v['max-db-age'], 'max-db-age', DEFAULT_MAX_DB_AGE_DAYS, 36500)
  if (v.offline === true && isRemoteReference(ref)) throw new UsageError(`--offline: '${ref}' is a registry image; use an oci:, oci-archive: or docker-archive: source`)

  const { ignoreRules, vex } = await readGateFiles(v.ignorefile, v.vex ?? [])
  const secretConfig = scanners.includes('secret') ? await readSecretConfig(v['secret-config']) : undefined

  const now = new Date()
  if (v['from-registry'] !== undefined) {
    const { fetchStoredScan } = await import('../stored-scan.ts')
    const stored = await fetchStoredScan(v['from-registry'], ref, {
      ...(v.platform !== undefined ? { platform: v.platform } : {}),
      credentialFlags: v,
      waitMs: intOption(v.wait, 'wait', 300, 86_400) * 1000,
      policy: { severities, ignoreUnfixed: v['ignore-unfixed'] === true, exitCode, ignoreRules, vex, now },
      scanners,
      ...(secretConfig ? { secretConfig } : {}),
    })
    await writeReport(formatter.format(stored.report, { now, color: v.output === undefined && process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined }), v.output)
    for (const m of stored.notChecked) process.stderr.write(`drydock: ${m}\n`)
    return stored.exitCode
  }
  const { provider, staleWarning } = scanners.includes('vuln') ? openAdvisoryDb(dbFile(v.db), maxAge, now) : { provider: undefined, staleWarning: undefined }
  if (staleWarning !== undefined) process.stderr.write(`drydock: warning: ${staleWarning}\n`)
  const { parseImageSource } = await import('../../scanner/image/parse-image-source.ts')
  const { analyzeImage } = await import('../../scanner/pipeline/analyze-image.ts')
  const { FsLayerCache } = await import('../../scanner/cache/fs-layer-cache.ts')
  const { builtinAnalyzers } = await import('../../scanner/analyzers/builtin.ts')
  const { scanImage } = await import('../../scanner/scan/scan-image.ts')
  const { credentials, source: credentialSource, registry } = await imageCredentials(ref, v)
  const progress = progressBar()
  try {
    const source = await parseImageSource(ref, { ...(credentials ? { credentials } : {}), ...(v.insecure === true ? { insecure: true } : {}) })
    try {
      const cache = new FsLayerCache(v['cache-dir'] ?? defaultCacheDir())
      const result = await scanImage({
        inventory: () => analyzeImage(source, {
          analyzers: builtinAnalyzers,
          cache,
          ...(secretConfig ? { secrets: secretConfig } : {}),
          ...(v.platform !== undefined ? { platform: v.platform } : {}),
          onProgress: (p) => progress.update(p.bytesRead, p.totalBytes, `${p.layersDone}/${p.layersTotal} layers`),
        }),
        ...(provider ? { provider } : {}),
        scanners,
        source,
        ...(compliance ? { compliance: { allowedBases: splitList(v['allowed-bases']) } } : {}),
        policy: { severities, ignoreUnfixed: v['ignore-unfixed'] === true, exitCode, ignoreRules, vex },
        meta: { toolName: TOOL_NAME, toolVersion: TOOL_VERSION, now },
        ...(staleWarning !== undefined ? { warnings: [staleWarning] } : {}),
      })
      progress.finish()
      const text = compliance && result.report.compliance
        ? await complianceText(result.report.compliance, formatter.name)
        : formatter.format(result.report, { now, color: v.output === undefined && process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined })
      await writeReport(text, v.output)
      for (const w of result.report.warnings) if (w !== staleWarning && (formatter.name !== 'table' || v.output !== undefined || compliance)) process.stderr.write(`drydock: warning: ${w}\n`)
      return result.exitCode
    } finally {
      await source.close()
    }
  } catch (err) {
    progress.finish()
    throw imageErrorToExit(err, credentialSource, registry)
  } finally {
    provider?.close()
  }
}

async function complianceText(report: ComplianceReport, format: string): Promise<string> {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`
  const { formatCompliance } = await import('../../scanner/compliance/compliance-checklist.ts')
  // Evidence quotes the image config: keep control characters out of the terminal.
  return formatCompliance(report).replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, ' ')
}
