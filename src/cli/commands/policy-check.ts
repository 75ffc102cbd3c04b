// `drydock policy check IMAGE`: what the registry's deploy policy says about IMAGE for you, now.
import { parseCommandArgs } from '../args.ts'
import { CREDENTIAL_OPTIONS, CREDENTIALS_HELP } from '../credentials/resolve-credentials.ts'
import { EXIT, UsageError } from '../exit-codes.ts'

const HELP = `Usage: drydock policy check IMAGE [--format text|json] [options]

Asks the Drydock registry whether its deploy policy lets you pull IMAGE (docs/policies.md):
a tag is resolved to its digest first, and the decision is about that digest. Prints every
failed condition and every allowlist entry used. In audit mode a failing image is allowed:
the would-be refusal is printed as a warning. IMAGE is HOST/NAME:TAG, HOST/NAME@DIGEST, or
NAME:TAG with --registry.

Options:
  --format FORMAT   text (default) or json (the registry's decision and the resolved reference)
  --registry URL    the Drydock server [DRYDOCK_REGISTRY]
  --insecure        plain http to a non-loopback registry
  --username NAME   registry user name (with --password-stdin)
  --password-stdin  read the registry password or token from standard input

Exit codes: 0 allowed (or audit mode), 1 refused by the policy, 2 usage or unknown image,
3 registry unreachable, 4 credentials refused or missing

${CREDENTIALS_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string' }, registry: { type: 'string' }, insecure: { type: 'boolean' }, ...CREDENTIAL_OPTIONS }, HELP)
  const format = values.format ?? 'text'
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json\n\n${HELP}`)
  if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError(`expected exactly one IMAGE\n\n${HELP}`)
  const { registryOrigin, checkTarget } = await import('../pin/registry-target.ts')
  const { ImagePolicyClient } = await import('../pin/image-policy-client.ts')
  const { explainDecision } = await import('../pin/explain-decision.ts')
  const { image, origin } = checkTarget(positionals[0], registryOrigin(values.registry), values.insecure === true)
  const client = new ImagePolicyClient(origin, values)
  const checked = await client.check({ registry: image.host, repository: image.repository, ...(image.tag ? { tag: image.tag } : {}), ...(image.digest ? { digest: image.digest } : {}) })
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ image: image.written, reference: checked.reference, ...checked.decision }, null, 2)}\n`)
  } else {
    process.stdout.write(explainDecision(checked))
  }
  if (checked.decision.decision === 'audit-deny') {
    process.stderr.write(`warning: audit mode: ${checked.decision.message ?? `the policy would refuse ${checked.reference}`}\n`)
  }
  return checked.decision.decision === 'deny' ? EXIT.violation : EXIT.ok
}
