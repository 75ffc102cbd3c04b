/**
 * What the signing commands share: image reference parsing, the registry client (with the
 * credentials of the CLI's one resolver, README "Credentials"), key loading, and turning
 * TrustError into the CLI's exit codes (key and input problems are usage errors, refused
 * credentials "unauthorized", other registry trouble "unreachable"; a failed verification is
 * returned, not thrown).
 */
import { readFile } from 'node:fs/promises'
import type { KeyObject } from 'node:crypto'
import { ExitError, EXIT, UsageError } from '../../cli/exit-codes.ts'
import { missingCredentialsHint, registryCredentials, resolveCredential, type CredentialFlags } from '../../cli/credentials/resolve-credentials.ts'
import { parseImageReference, type ImageReference } from '../../oci/reference.ts'
import type { TrustedKey } from '../bundle/sigstore-bundle.ts'
import { keyIdOf, loadPrivateKey, loadPublicKey } from '../keys/key-pair.ts'
import { MAX_PEM_LENGTH } from '../keys/pem.ts'
import { readPassword } from '../keys/read-password.ts'
import { TrustRegistryClient } from '../registry-client/trust-registry-client.ts'
import { TrustError } from '../trust-errors.ts'

export function imageArg(positionals: readonly string[], usage: string): ImageReference {
  if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError(`expected exactly one IMAGE\n\n${usage}`)
  try {
    return parseImageReference(positionals[0])
  } catch (err) {
    throw new UsageError(`invalid image reference ${positionals[0]}: ${(err as Error).message}`)
  }
}

/** What the refusal message says about the credentials clientFor() found, or did not (one command, one registry). */
let credentialNote = ''

export async function clientFor(image: ImageReference, insecure: boolean, flags: CredentialFlags): Promise<TrustRegistryClient> {
  const c = await resolveCredential(image.registry, flags)
  const credentials = registryCredentials(c)
  credentialNote = c ? ` (credentials from ${c.source})` : missingCredentialsHint(image.registry)
  return new TrustRegistryClient({ registry: image.registry, insecure, ...(credentials ? { credentials } : {}) })
}

async function readKeyFile(path: string): Promise<string> {
  try {
    const buf = await readFile(path)
    if (buf.byteLength > MAX_PEM_LENGTH) throw new UsageError(`${path} is too large to be a key file`)
    return buf.toString('utf8')
  } catch (err) {
    if (err instanceof ExitError) throw err
    throw new UsageError(`cannot read key file ${path}: ${(err as Error).message}`)
  }
}

export async function privateKeyFrom(path: string): Promise<KeyObject> {
  return loadPrivateKey(await readKeyFile(path), () => readPassword(`Enter password for private key ${path}: `))
}

export async function trustedKeysFrom(paths: readonly string[]): Promise<TrustedKey[]> {
  const keys: TrustedKey[] = []
  for (const p of paths) {
    const key = loadPublicKey(await readKeyFile(p))
    keys.push({ keyId: keyIdOf(key), key })
  }
  return keys
}

/** Runs a command body, mapping TrustError to ExitError with the right exit code. */
export async function withTrustErrors(body: () => Promise<number>): Promise<number> {
  try {
    return await body()
  } catch (err) {
    if (!(err instanceof TrustError)) throw err
    if (err.code === 'UNAUTHORIZED') {
      throw new ExitError(`${err.message}${credentialNote}`, EXIT.unauthorized)
    }
    const code = err.code === 'REGISTRY' ? EXIT.unreachable : err.code.startsWith('KEY_') || err.code === 'PASSWORD_MISSING' ? EXIT.usage : EXIT.violation
    throw new ExitError(err.message, code)
  }
}
