// `drydock pin FILE`: every image of a deploy file checked against the registry's policy and pinned by digest.
import { parseCommandArgs } from '../args.ts'
import { CREDENTIAL_OPTIONS, CREDENTIALS_HELP } from '../credentials/resolve-credentials.ts'
import { EXIT, ExitError, UsageError } from '../exit-codes.ts'

const HELP = `Usage: drydock pin FILE [--output F | --in-place] [--format auto|ecs|compose|k8s] [options]

Resolves every image of FILE that is on the Drydock registry to its digest, after checking
that the registry's deploy policy lets you pull it (as 'drydock policy check' does), and
writes FILE with those images pinned (HOST/NAME@DIGEST). Only the image strings change:
comments and formatting are kept. If any image is refused, every reason is printed, nothing
is written, and the exit code is 1. Images already pinned by digest are checked, not changed.
Images on other registries are left alone with a note (refused with --strict).

Formats (auto: from the file name and content):
  ecs       ECS task definition JSON (containerDefinitions[].image), as
            'aws ecs register-task-definition --generate-cli-skeleton' or describe-task-definition
  compose   docker compose / docker stack file (services.*.image)
  k8s       Kubernetes YAML, several documents, every workload kind (and kind: List)

Options:
  --output FILE     write the pinned file there (atomically); default: standard output
  --in-place        replace FILE (atomically)
  --format FORMAT   auto (default), ecs, compose or k8s
  --registry URL    the Drydock server [DRYDOCK_REGISTRY]; images on its host are pinned
  --strict          refuse images on other registries
  --username NAME   registry user name (with --password-stdin)
  --password-stdin  read the registry password or token from standard input

Exit codes: 0 pinned, 1 an image refused (file untouched), 2 usage, unreadable file or unknown
image, 3 registry unreachable, 4 credentials refused or missing

${CREDENTIALS_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    output: { type: 'string' }, 'in-place': { type: 'boolean' }, format: { type: 'string' }, registry: { type: 'string' },
    strict: { type: 'boolean' }, ...CREDENTIAL_OPTIONS,
  }, HELP)
  if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError(`expected exactly one FILE\n\n${HELP}`)
  const file = positionals[0]
  if (values.output !== undefined && values['in-place']) throw new UsageError('--output and --in-place cannot be combined')
  const { PIN_FORMATS, detectFormat, imageSites } = await import('../pin/detect-format.ts')
  const format = values.format ?? 'auto'
  if (format !== 'auto' && !(PIN_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be auto, ${PIN_FORMATS.join(', ')}`)
  const { registryOrigin } = await import('../pin/registry-target.ts')
  const origin = registryOrigin(values.registry)
  if (origin === undefined) throw new UsageError('--registry URL (or DRYDOCK_REGISTRY) is required: it says which images are on the Drydock registry')

  const text = await readPinFile(file)
  const { PinFileError, spliceImages } = await import('../pin/pin-format.ts')
  let sites
  try {
    sites = imageSites(format === 'auto' ? detectFormat(file, text) : (format as 'ecs' | 'compose' | 'k8s'), file, text)
  } catch (err) {
    if (err instanceof PinFileError) throw new UsageError(err.message)
    throw err
  }
  const { ImagePolicyClient } = await import('../pin/image-policy-client.ts')
  const { decidePins, refusalExitCode } = await import('../pin/pin-images.ts')
  const { explainDecision, printable } = await import('../pin/explain-decision.ts')
  const client = new ImagePolicyClient(origin, values)
  const outcomes = await decidePins(sites, { registry: new URL(origin).host, strict: values.strict === true, check: (image) => client.check(image) })

  const exitCode = refusalExitCode(outcomes)
  const say = (line: string): void => void process.stderr.write(`${line}\n`)
  if (exitCode !== EXIT.ok) {
    say(`${file}: not pinned; nothing was written. Refused:`)
    for (const o of outcomes) {
      if (o.kind !== 'refused') continue
      say(`  ${o.site.where}: ${printable(o.site.image)}: ${printable(o.reason)}`)
      if (o.checked) process.stderr.write(explainDecision(o.checked).replace(/^/gm, '    '))
    }
    return exitCode
  }
  const replacements = new Map<number, string>()
  outcomes.forEach((o, i) => {
    if (o.kind === 'pinned') replacements.set(i, o.pinned)
    if (o.kind === 'foreign') say(`${o.site.where}: ${printable(o.site.image)}: ${o.note}`)
    if ((o.kind === 'pinned' || o.kind === 'kept') && o.checked.decision.decision === 'audit-deny') {
      say(`warning: ${o.site.where}: audit mode: ${o.checked.decision.message ?? `the policy would refuse ${o.checked.reference}`}`)
    }
  })
  const { writeOutput } = await import('../output/write-output.ts')
  const pinned = spliceImages(text, sites, replacements)
  await writeOutput(pinned, values['in-place'] ? file : values.output)
  const kept = outcomes.filter((o) => o.kind === 'kept').length
  say(`${file}: ${replacements.size} image${replacements.size === 1 ? '' : 's'} pinned, ${kept} already pinned and checked` +
    `${values['in-place'] ? ' (file replaced)' : values.output ? ` (written to ${values.output})` : ''}`)
  return EXIT.ok
}

async function readPinFile(file: string): Promise<string> {
  const { readFile, stat } = await import('node:fs/promises')
  const { MAX_PIN_FILE_BYTES } = await import('../pin/pin-format.ts')
  try {
    if ((await stat(file)).size > MAX_PIN_FILE_BYTES) throw new UsageError(`${file} is larger than ${MAX_PIN_FILE_BYTES} bytes; is it a deploy file?`)
    return await readFile(file, 'utf8')
  } catch (err) {
    if (err instanceof ExitError) throw err
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`)
  }
}
