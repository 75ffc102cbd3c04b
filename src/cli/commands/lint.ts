// `drydock lint [Dockerfile]`: the misconfiguration rules that apply to Dockerfiles, on every
// build stage. Same gating flags as `drydock scan`. Rules: docs/misconfig.md.
import { readFile, stat } from 'node:fs/promises'
import { parseCommandArgs, splitList } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { writeOutput } from '../output/write-output.ts'
import { TOOL_VERSION } from '../tool-info.ts'

const HELP = `Usage: drydock lint [DOCKERFILE] [options]

Checks a Dockerfile (default ./Dockerfile; - reads stdin), every build stage, for insecure practice:
secrets in ENV/ARG/LABEL, root user, no HEALTHCHECK, unpinned base images, ADD of URLs,
curl | sh, apt-get without --no-install-recommends, package caches, sudo, port 22.

Options:
  --format FORMAT     table | json | sarif (default table)
  --output FILE       write the report to FILE instead of stdout
  --severity LIST     severities to report and count, e.g. HIGH,CRITICAL (default all:
                      UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL)
  --exit-code N       exit with N when any reported finding remains (default 0)
  --ignore LIST       rule ids to skip, e.g. CIS-DI-0006,DKL-DI-0005

Exit codes: 0 ok, N (--exit-code) findings remain, 2 usage error or unreadable Dockerfile,
70 internal error.
`

const OPTIONS = {
  format: { type: 'string', default: 'table' },
  output: { type: 'string' },
  severity: { type: 'string' },
  'exit-code': { type: 'string' },
  ignore: { type: 'string' },
} as const

export async function run(argv: readonly string[]): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(argv, OPTIONS, HELP)
  if (positionals.length > 1) throw new UsageError(`expected at most one DOCKERFILE, got ${positionals.length}\n\n${HELP}`)
  const path = positionals[0] ?? 'Dockerfile'
  const format = v.format
  if (format !== 'table' && format !== 'json' && format !== 'sarif') throw new UsageError(`unknown --format '${format}' (use table, json, sarif)`)
  const { FINDING_SEVERITIES, isFindingSeverity } = await import('../../scanner/misconfig/finding.ts')
  const wanted = splitList(v.severity).map((s) => s.toUpperCase())
  const bad = wanted.filter((s) => !isFindingSeverity(s))
  if (bad.length > 0) throw new UsageError(`unknown --severity ${bad.join(', ')} (use ${FINDING_SEVERITIES.join(', ')})`)
  const exitRaw = v['exit-code']
  if (exitRaw !== undefined && (!/^\d+$/.test(exitRaw) || Number(exitRaw) > 255)) throw new UsageError(`--exit-code must be an integer between 0 and 255, got '${exitRaw}'`)
  const exitCode = exitRaw === undefined ? 0 : Number(exitRaw)
  const ignored = new Set(splitList(v.ignore))

  const { MAX_DOCKERFILE_BYTES } = await import('../../scanner/misconfig/dockerfile/parse-dockerfile.ts')
  const content = path === '-' ? await readStdin(MAX_DOCKERFILE_BYTES) : await readDockerfile(path, MAX_DOCKERFILE_BYTES)
  const { checkDockerfile } = await import('../../scanner/misconfig/dockerfile/check-dockerfile.ts')
  const findings = checkDockerfile(content, path).filter((f) => !ignored.has(f.id) && (wanted.length === 0 || wanted.includes(f.severity)))

  let text: string
  if (format === 'json') text = `${JSON.stringify({ target: path, findings }, null, 2)}\n`
  else if (format === 'sarif') {
    const { toSarif } = await import('../../scanner/misconfig/output/format-sarif.ts')
    text = `${JSON.stringify(toSarif(findings, { toolVersion: TOOL_VERSION }), null, 2)}\n`
  } else {
    const { formatTable } = await import('../../scanner/misconfig/output/format-table.ts')
    text = formatTable(findings, path)
  }
  await writeOutput(text, v.output)
  return findings.length > 0 ? exitCode : EXIT.ok
}

async function readDockerfile(path: string, max: number): Promise<string> {
  try {
    const st = await stat(path)
    if (!st.isFile()) throw new Error('not a regular file')
    if (st.size > max) throw new Error(`larger than ${max} bytes`)
    return await readFile(path, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read Dockerfile '${path}': ${err instanceof Error ? err.message : String(err)}`)
  }
}

async function readStdin(max: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > max) throw new UsageError(`Dockerfile on stdin is larger than ${max} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
