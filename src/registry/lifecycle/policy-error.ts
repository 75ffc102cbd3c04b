/**
 * A refused lifecycle policy. The message names the rule (its index in `rules` and, when it has
 * a valid one, its rulePriority) and the field, so a user can find the mistake in a long policy.
 * ECR reports the same refusals as InvalidParameterException; the HTTP edge maps this error.
 */
export class LifecyclePolicyError extends Error {
  /** Index of the rule in `rules`, when the refusal is about one rule. */
  readonly ruleIndex: number | undefined
  readonly rulePriority: number | undefined
  /** The field, relative to the rule when ruleIndex is set (`selection.countUnit`), else to the policy. */
  readonly field: string
  readonly reason: string

  constructor(field: string, reason: string, rule?: { readonly index: number; readonly priority?: number | undefined }) {
    const where = rule === undefined ? '' : `rules[${rule.index}]${rule.priority === undefined ? '' : ` (rulePriority ${rule.priority})`}`
    super(`invalid lifecycle policy: ${[where, field].filter((s) => s !== '').join(': ')}: ${reason}`)
    this.name = 'LifecyclePolicyError'
    this.ruleIndex = rule?.index
    this.rulePriority = rule?.priority
    this.field = field
    this.reason = reason
  }
}
