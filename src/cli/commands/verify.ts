// `drydock verify IMAGE --key PUB`: exit 0 when a trusted key signed the image digest, else 1.
import { EXIT, UsageError } from '../exit-codes.ts'
import { parseCommandArgs } from '../args.ts'
import { CREDENTIAL_OPTIONS, CREDENTIALS_HELP } from '../credentials/resolve-credentials.ts'

const HELP = `Usage: drydock verify IMAGE --key cosign.pub [--key other.pub] [options]

Looks for signatures in both layouts (referrers and cosign's .sig tag) and verifies each:
the signature over the exact payload bytes with a trusted key, the payload's manifest digest
against the image's, and its docker-reference against the repository.
Exit 0 with the verified signatures listed; 1 with the reasons when none verifies.

Options:
  --key FILE      trusted PEM public key (repeatable)
  --output json   print the verdict as JSON
  --insecure      allow plain http to a non-loopback registry
  --username NAME   registry user name (with --password-stdin)
  --password-stdin  read the registry password or token from standard input

${CREDENTIALS_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { key: { type: 'string', multiple: true }, output: { type: 'string' }, insecure: { type: 'boolean' }, ...CREDENTIAL_OPTIONS }, HELP)
  if (!values.key || values.key.length === 0) throw new UsageError(`--key is required\n\n${HELP}`)
  if (values.output !== undefined && values.output !== 'json' && values.output !== 'text') throw new UsageError('--output must be text or json')
  const support = await import('../../trust/cli/command-support.ts')
  const image = support.imageArg(positionals, HELP)
  const keyPaths = values.key
  return support.withTrustErrors(async () => {
    const { resolveSubject } = await import('../../trust/sign/resolve-subject.ts')
    const { verifyImageSignatures } = await import('../../trust/verify/verify-image-signatures.ts')
    const keys = await support.trustedKeysFrom(keyPaths)
    const client = await support.clientFor(image, values.insecure === true, values)
    const subject = await resolveSubject(client, image)
    const verdict = await verifyImageSignatures(client, image.repository, subject.digest, keys, { registry: image.registry })
    const name = `${image.registry}/${image.repository}@${subject.digest}`
    if (values.output === 'json') {
      process.stdout.write(`${JSON.stringify({ image: name, ...verdict }, null, 2)}\n`)
    } else if (verdict.signed) {
      process.stdout.write(`Verified ${name}\n`)
      for (const s of verdict.signatures) process.stdout.write(`  signed by ${s.keyId} (${s.form} form, ${s.source})\n`)
    }
    if (!verdict.signed) {
      process.stderr.write(`Verification failed for ${name}:\n`)
      for (const f of verdict.failures) process.stderr.write(`  [${f.code}] ${f.message} (${f.source})\n`)
      return EXIT.violation
    }
    return EXIT.ok
  })
}
