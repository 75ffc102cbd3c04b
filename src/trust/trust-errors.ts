/**
 * Errors of the trust module. Every refusal a verifier can produce has its own stable code, so
 * the CLI, the registry API and tests can tell "wrong key" from "tampered payload" without
 * parsing messages. Messages never contain key material or passwords.
 */
export type TrustErrorCode =
  | 'KEY_INVALID' // a key file that cannot be parsed, or not ECDSA P-256
  | 'KEY_DECRYPT_FAILED' // wrong password or a corrupted encrypted key
  | 'PASSWORD_MISSING' // no password in the environment and no TTY to ask on
  | 'PAYLOAD_INVALID' // a signature payload that is not the expected JSON shape
  | 'PAYLOAD_TAMPERED' // the signature does not cover these payload bytes (with a key that did sign something here)
  | 'SIGNATURE_INVALID' // no trusted key verifies the signature
  | 'DIGEST_MISMATCH' // the payload names another manifest digest
  | 'IDENTITY_MISMATCH' // the payload names another repository
  | 'UNSIGNED' // no signature at all was found for the digest
  | 'BUNDLE_INVALID' // a Sigstore bundle that does not parse or validate
  | 'REGISTRY' // the registry failed a request or could not be reached
  | 'UNAUTHORIZED' // the registry refused our credentials (or needs some and we have none)
  | 'TOO_LARGE' // a manifest, payload or bundle over its size limit

export class TrustError extends Error {
  readonly code: TrustErrorCode
  constructor(code: TrustErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TrustError'
    this.code = code
  }
}
