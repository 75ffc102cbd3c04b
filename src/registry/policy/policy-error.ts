/**
 * A refused deploy policy document. The message names the policy (when it has a name or an index
 * in a list) and the field, like the config loader, so a mistake in a long config is found fast.
 * The HTTP edge maps it to a 400 when policies are managed through the API.
 */
export class DeployPolicyError extends Error {
  /** Dotted path of the field (`require.vulnerabilities.allowlist[2].expiresAt`), or `(policy)`. */
  readonly field: string
  readonly reason: string

  constructor(field: string, reason: string, where?: string) {
    super(`invalid deploy policy${where === undefined ? '' : ` ${where}`}: ${field}: ${reason}`)
    this.name = 'DeployPolicyError'
    this.field = field
    this.reason = reason
  }
}
