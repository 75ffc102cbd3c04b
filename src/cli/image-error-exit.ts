/**
 * Turns image-layer errors into the CLI's exit codes, in one place for `scan` and `sbom`:
 * a registry that cannot be reached or refuses us is `unreachable` (3); a bad reference, a
 * missing tag or platform, or corrupt/hostile content is the user's input, so `usage` (2).
 */
import { isImageError } from '../scanner/image/image-errors.ts'
import { EXIT, ExitError } from './exit-codes.ts'

export function imageErrorToExit(err: unknown): unknown {
  if (!isImageError(err)) return err
  if (err.code === 'REGISTRY_ERROR' || err.code === 'UNAUTHORIZED') return new ExitError(`${err.code}: ${err.message}`, EXIT.unreachable)
  return new ExitError(`${err.code}: ${err.message}`, EXIT.usage)
}

/** Reference forms that need the network (`--offline` refuses them). */
export function isRemoteReference(ref: string): boolean {
  return !/^(oci|oci-archive|docker-archive):/.test(ref)
}
