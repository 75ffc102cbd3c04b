// `drydock attest IMAGE --key K --type cyclonedx|vuln --predicate FILE`: signs an in-toto
// statement about the image digest (DSSE in a Sigstore bundle) and attaches it as a referrer.
import { readFile, stat } from 'node:fs/promises'
import { EXIT, UsageError } from '../exit-codes.ts'
import { parseCommandArgs } from '../args.ts'
import { CREDENTIAL_OPTIONS, CREDENTIALS_HELP } from '../credentials/resolve-credentials.ts'

const HELP = `Usage: drydock attest IMAGE --key cosign.key --type cyclonedx|vuln --predicate FILE [--insecure]

Signs an in-toto Statement v1 (subject: the image digest; predicate: FILE, JSON) in a DSSE
envelope inside a Sigstore bundle, attached to the image as an OCI referrer.
  cyclonedx  predicateType https://cyclonedx.org/bom
  vuln       predicateType https://cosign.sigstore.dev/attestation/vuln/v1
Key password: DRYDOCK_KEY_PASSWORD or COSIGN_PASSWORD, else asked on the terminal.
Registry: --username NAME with --password-stdin, or as below.
${CREDENTIALS_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { key: { type: 'string' }, type: { type: 'string' }, predicate: { type: 'string' }, insecure: { type: 'boolean' }, ...CREDENTIAL_OPTIONS }, HELP)
  if (!values.key || !values.type || !values.predicate) throw new UsageError(`--key, --type and --predicate are required\n\n${HELP}`)
  const { PREDICATE_TYPES, isPredicateKind, MAX_STATEMENT_BYTES } = await import('../../trust/payload/in-toto-statement.ts')
  if (!isPredicateKind(values.type)) throw new UsageError(`--type must be one of ${Object.keys(PREDICATE_TYPES).join(', ')}`)
  const predicateType = PREDICATE_TYPES[values.type]
  const predicatePath = values.predicate
  let predicate: unknown
  try {
    if ((await stat(predicatePath)).size > MAX_STATEMENT_BYTES) throw new UsageError(`${predicatePath} is larger than ${MAX_STATEMENT_BYTES} bytes`)
    predicate = JSON.parse(await readFile(predicatePath, 'utf8'))
  } catch (err) {
    if (err instanceof UsageError) throw err
    throw new UsageError(`cannot read the predicate ${predicatePath} as JSON: ${(err as Error).message}`)
  }
  const support = await import('../../trust/cli/command-support.ts')
  const image = support.imageArg(positionals, HELP)
  const keyPath = values.key
  return support.withTrustErrors(async () => {
    const { attestImage } = await import('../../trust/sign/attest-image.ts')
    const key = await support.privateKeyFrom(keyPath)
    const res = await attestImage({ client: await support.clientFor(image, values.insecure === true, values), image, key, predicateType, predicate })
    process.stdout.write(`Attested ${image.registry}/${image.repository}@${res.digest}\n  predicate: ${predicateType}\n  referrer:  ${res.artifactDigest}\n  key:       ${res.keyId}\n`)
    return EXIT.ok
  })
}
