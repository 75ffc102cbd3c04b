// `drydock sign IMAGE --key FILE`: signs the image's manifest DIGEST (a tag is resolved once).
import { EXIT, UsageError } from '../exit-codes.ts'
import { parseCommandArgs } from '../args.ts'
import { CREDENTIAL_OPTIONS, CREDENTIALS_HELP } from '../credentials/resolve-credentials.ts'

const HELP = `Usage: drydock sign IMAGE --key cosign.key [options]

Signs the manifest digest IMAGE resolves to (cosign simple-signing payload, ECDSA P-256).
By default the signature is a Sigstore bundle attached as an OCI 1.1 referrer; when the
registry has no referrers API, cosign's "sha256-<hex>.sig" tag layout is used instead.

Options:
  --key FILE              private key (cosign encrypted format, or an unencrypted PEM)
  --tag-form              always write cosign's tag layout
  --referrer-form         always write the referrer form (without the referrers
                          API it is listed in the sha256-<hex> referrers tag index)
  -a, --annotation K=V    add an annotation to the signed payload (repeatable)
  --insecure              allow plain http to a non-loopback registry
  --username NAME         registry user name (with --password-stdin)
  --password-stdin        read the registry password or token from standard input
Key password: DRYDOCK_KEY_PASSWORD or COSIGN_PASSWORD, else asked on the terminal.
${CREDENTIALS_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    key: { type: 'string' },
    'tag-form': { type: 'boolean' },
    'referrer-form': { type: 'boolean' },
    annotation: { type: 'string', short: 'a', multiple: true },
    insecure: { type: 'boolean' },
    ...CREDENTIAL_OPTIONS,
  }, HELP)
  if (!values.key) throw new UsageError(`--key is required\n\n${HELP}`)
  if (values['tag-form'] && values['referrer-form']) throw new UsageError('--tag-form and --referrer-form exclude each other')
  const annotations: Record<string, string> = {}
  for (const a of values.annotation ?? []) {
    const eq = a.indexOf('=')
    if (eq <= 0) throw new UsageError(`--annotation expects KEY=VALUE, got ${a}`)
    annotations[a.slice(0, eq)] = a.slice(eq + 1)
  }
  const support = await import('../../trust/cli/command-support.ts')
  const image = support.imageArg(positionals, HELP)
  const keyPath = values.key
  return support.withTrustErrors(async () => {
    const { signImage } = await import('../../trust/sign/sign-image.ts')
    const key = await support.privateKeyFrom(keyPath)
    const form = values['tag-form'] ? 'tag' : values['referrer-form'] ? 'referrer' : 'auto'
    const res = await signImage({ client: await support.clientFor(image, values.insecure === true, values), image, key, form, annotations })
    process.stdout.write(`Signed ${image.registry}/${image.repository}@${res.digest}\n  form: ${res.form === 'tag' ? 'tag (cosign .sig layout)' : `referrer (${res.artifactDigest})`}\n  key:  ${res.keyId}\n`)
    return EXIT.ok
  })
}
