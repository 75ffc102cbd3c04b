// `drydock key generate`: an ECDSA P-256 key pair, the private key encrypted in cosign's format.
import { writeFile } from 'node:fs/promises'
import { EXIT, UsageError } from '../exit-codes.ts'
import { parseCommandArgs } from '../args.ts'

const HELP = `Usage: drydock key generate [--output-key-prefix PREFIX] [--force]

Writes PREFIX.key (cosign "ENCRYPTED SIGSTORE PRIVATE KEY", mode 0600) and PREFIX.pub
(PEM public key). PREFIX defaults to "cosign". The password comes from DRYDOCK_KEY_PASSWORD or
COSIGN_PASSWORD, or is asked for on the terminal; it is never a command-line argument.
(DRYDOCK_PASSWORD is the registry password and is not read here.)

Options:
  --output-key-prefix PREFIX   file name prefix (default cosign)
  --force                      overwrite existing files
`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { 'output-key-prefix': { type: 'string' }, force: { type: 'boolean' } }, HELP)
  if (positionals.length !== 1 || positionals[0] !== 'generate') throw new UsageError(`expected the subcommand "generate"\n\n${HELP}`)
  const { withTrustErrors } = await import('../../trust/cli/command-support.ts')
  return withTrustErrors(async () => {
    const { generateKeyPair } = await import('../../trust/keys/key-pair.ts')
    const { readPassword } = await import('../../trust/keys/read-password.ts')
    const prefix = values['output-key-prefix'] ?? 'cosign'
    const flag = values.force ? 'w' : 'wx'
    const pair = await generateKeyPair(await readPassword('Enter password for private key: ', true))
    try {
      await writeFile(`${prefix}.key`, pair.privatePem, { mode: 0o600, flag })
      await writeFile(`${prefix}.pub`, pair.publicPem, { mode: 0o644, flag })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${prefix}.key or ${prefix}.pub already exists (use --force to overwrite)`)
      throw new UsageError(`cannot write the key files: ${(err as Error).message}`)
    }
    process.stdout.write(`Private key written to ${prefix}.key\nPublic key written to ${prefix}.pub\nKey id: ${pair.keyId}\n`)
    return EXIT.ok
  })
}
