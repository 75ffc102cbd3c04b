// `drydock verify-attestation IMAGE --key PUB --type cyclonedx|vuln`: exit 0 when a trusted key
// attested the image digest with that predicate type, else 1.
import { EXIT, UsageError } from '../exit-codes.ts'
import { parseCommandArgs } from '../args.ts'
import { CREDENTIAL_OPTIONS, CREDENTIALS_HELP } from '../credentials/resolve-credentials.ts'

const HELP = `Usage: drydock verify-attestation IMAGE --key cosign.pub --type cyclonedx|vuln [options]

Options:
  --key FILE      trusted PEM public key (repeatable)
  --output json   print the verdict (with the verified statements) as JSON
  --insecure      allow plain http to a non-loopback registry
  --username NAME   registry user name (with --password-stdin)
  --password-stdin  read the registry password or token from standard input

${CREDENTIALS_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { key: { type: 'string', multiple: true }, type: { type: 'string' }, output: { type: 'string' }, insecure: { type: 'boolean' }, ...CREDENTIAL_OPTIONS }, HELP)
  if (!values.key || values.key.length === 0 || !values.type) throw new UsageError(`--key and --type are required\n\n${HELP}`)
  const { PREDICATE_TYPES, isPredicateKind } = await import('../../trust/payload/in-toto-statement.ts')
  if (!isPredicateKind(values.type)) throw new UsageError(`--type must be one of ${Object.keys(PREDICATE_TYPES).join(', ')}`)
  const predicateType = PREDICATE_TYPES[values.type]
  const support = await import('../../trust/cli/command-support.ts')
  const image = support.imageArg(positionals, HELP)
  const keyPaths = values.key
  return support.withTrustErrors(async () => {
    const { resolveSubject } = await import('../../trust/sign/resolve-subject.ts')
    const { verifyAttestations } = await import('../../trust/verify/verify-attestations.ts')
    const keys = await support.trustedKeysFrom(keyPaths)
    const client = await support.clientFor(image, values.insecure === true, values)
    const subject = await resolveSubject(client, image)
    const verdict = await verifyAttestations(client, image.repository, subject.digest, predicateType, keys)
    const name = `${image.registry}/${image.repository}@${subject.digest}`
    if (values.output === 'json') {
      process.stdout.write(`${JSON.stringify({ image: name, ...verdict }, null, 2)}\n`)
    } else if (verdict.verified) {
      process.stdout.write(`Verified ${predicateType} attestation for ${name}\n`)
      for (const a of verdict.attestations) process.stdout.write(`  attested by ${a.keyId} (${a.source})\n`)
    }
    if (!verdict.verified) {
      process.stderr.write(`Attestation verification failed for ${name}:\n`)
      for (const f of verdict.failures) process.stderr.write(`  [${f.code}] ${f.message} (${f.source})\n`)
      return EXIT.violation
    }
    return EXIT.ok
  })
}
