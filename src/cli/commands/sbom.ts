// `drydock sbom IMAGE`: the image's inventory as CycloneDX 1.6, SPDX 2.3, our JSON or a table.
// Needs no advisory data; uses the same pipeline and analyzers as `drydock scan`.
import { randomUUID } from 'node:crypto'
import { parseCommandArgs } from '../args.ts'
import { defaultCacheDir } from '../cache-paths.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { CREDENTIAL_OPTIONS, CREDENTIALS_HELP } from '../credentials/resolve-credentials.ts'
import { imageCredentials, imageErrorToExit } from '../image-error-exit.ts'
import { progressBar } from '../output/progress-bar.ts'
import { writeReport } from '../write-report.ts'
import { TOOL_NAME, TOOL_VERSION } from '../tool-info.ts'

const FORMATS = ['cyclonedx', 'spdx', 'json', 'table'] as const

const HELP = `Usage: drydock sbom IMAGE [options]

IMAGE: oci:DIR[:TAG] | oci-archive:FILE[:TAG] | docker-archive:FILE[:REPO:TAG] | [docker://]HOST/REPO[:TAG|@DIGEST]

Options:
  --format FORMAT     ${FORMATS.join(' | ')} (default cyclonedx)
  --output FILE       write to FILE instead of stdout
  --platform OS/ARCH  image of a multi-platform index (default: this host's)
  --cache-dir DIR     layer cache directory (default $DRYDOCK_CACHE_DIR or ~/.cache/drydock)
  --insecure          allow plain http to a non-loopback registry
  --username NAME     registry user name (with --password-stdin)
  --password-stdin    read the registry password or token from standard input

${CREDENTIALS_HELP}
Exit codes: 0 ok, 2 usage error, 3 registry unreachable or failed, 4 credentials refused or
missing, 70 internal error.
`

const OPTIONS = {
  format: { type: 'string', default: 'cyclonedx' },
  output: { type: 'string' },
  platform: { type: 'string' },
  'cache-dir': { type: 'string' },
  insecure: { type: 'boolean' },
  ...CREDENTIAL_OPTIONS,
} as const

export async function run(argv: readonly string[]): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(argv, OPTIONS, HELP)
  if (positionals.length !== 1) throw new UsageError(`expected exactly one IMAGE, got ${positionals.length}\n\n${HELP}`)
  if (!(FORMATS as readonly string[]).includes(v.format)) throw new UsageError(`unknown --format '${v.format}' (use ${FORMATS.join(', ')})`)
  const ref = positionals[0] as string
  const { parseImageSource } = await import('../../scanner/image/parse-image-source.ts')
  const { analyzeImage } = await import('../../scanner/pipeline/analyze-image.ts')
  const { FsLayerCache } = await import('../../scanner/cache/fs-layer-cache.ts')
  const { builtinAnalyzers } = await import('../../scanner/analyzers/builtin.ts')
  const { reportImageOf } = await import('../../scanner/scan/build-report.ts')
  const { sbomInputOf } = await import('../../scanner/report/cyclonedx-formatter.ts')
  const { credentials, source: credentialSource, registry } = await imageCredentials(ref, v)
  const progress = progressBar()
  let text: string
  try {
    const source = await parseImageSource(ref, { ...(credentials ? { credentials } : {}), ...(v.insecure === true ? { insecure: true } : {}) })
    try {
      const inv = await analyzeImage(source, {
        analyzers: builtinAnalyzers,
        cache: new FsLayerCache(v['cache-dir'] ?? defaultCacheDir()),
        ...(v.platform !== undefined ? { platform: v.platform } : {}),
        onProgress: (p) => progress.update(p.bytesRead, p.totalBytes, `${p.layersDone}/${p.layersTotal} layers`),
      })
      progress.finish()
      const image = reportImageOf(inv)
      const input = sbomInputOf({ image, packages: inv.packages })
      const ctx = { now: new Date(), uuid: randomUUID(), toolName: TOOL_NAME, toolVersion: TOOL_VERSION }
      switch (v.format) {
        case 'cyclonedx': {
          const { toCycloneDx } = await import('../../scanner/sbom/cyclonedx.ts')
          text = `${JSON.stringify(toCycloneDx(input, ctx), null, 2)}\n`
          break
        }
        case 'spdx': {
          const { toSpdx } = await import('../../scanner/sbom/spdx.ts')
          text = `${JSON.stringify(toSpdx(input, ctx), null, 2)}\n`
          break
        }
        case 'json':
          text = `${JSON.stringify({ tool: { name: TOOL_NAME, version: TOOL_VERSION }, image, packages: inv.packages, unknowns: inv.unknowns }, null, 2)}\n`
          break
        default:
          text = packageTable(image.reference, inv.packages)
      }
    } finally {
      await source.close()
    }
  } catch (err) {
    progress.finish()
    throw imageErrorToExit(err, credentialSource, registry)
  }
  await writeReport(text, v.output)
  return EXIT.ok
}

function packageTable(reference: string, packages: readonly { name: string; version: string; type: string; locations: readonly { path: string }[] }[]): string {
  const rows = packages.map((p) => [p.name, p.version, p.type, p.locations[0]?.path ?? ''].map((c) => c.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')))
  const header = ['NAME', 'VERSION', 'TYPE', 'PATH']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return `${reference}: ${packages.length} packages\n\n${[line(header), ...rows.map(line)].join('\n')}\n`
}
