/**
 * The secret rule contract. Rules are data (secret-rules.ts); the scanner (scan-text.ts) applies
 * them. Every regex must be safe on hostile input: bound every quantifier, and start with a
 * negative lookbehind of the class the secret is made of, so that a match can only start at
 * the beginning of a run of secret characters (a long run is then tried once, not once per byte).
 */
import type { FindingSeverity } from '../../misconfig/finding.ts'

export interface SecretRule {
  /** Stable kebab-case id, e.g. `aws-access-key-id`; allowlists and docs refer to it. */
  readonly id: string
  readonly category: string
  readonly severity: FindingSeverity
  readonly title: string
  readonly remediation: string
  /**
   * Global regex. The secret is the named group `secret` when there is one, else the whole match.
   * A named group `name` (the variable name of an assignment) is checked against `nameRegex`;
   * a non-empty named group `reject` drops the match (a cheap stand-in for a lookahead that
   * would make the engine backtrack).
   */
  readonly regex: RegExp
  /** Lower-case strings, one of which must occur in the text for the rule to run at all. */
  readonly keywords: readonly string[]
  /** Only files whose path matches (paths without leading slash). Config fields are not files. */
  readonly path?: RegExp
  /** For assignments: the variable name must match. */
  readonly nameRegex?: RegExp
  /** Minimum Shannon entropy (bits per character) of the secret. */
  readonly minEntropy?: number
  /**
   * Assignments in source code: reject unquoted values that are identifiers or attribute chains
   * (`authkey=self._authkey`, `token = current_token`), which name a variable rather than hold a
   * secret. Needs the named groups `op` (the operator with its spaces) and `q` (the quote).
   */
  readonly rejectCodeValues?: boolean
  /**
   * Assignments in text: reject unquoted values that are words rather than a token. Needs the
   * named groups `op`, `q` and `more` (what follows the value on its line, if not a comment):
   * - the first word of a phrase (`passwd: elevated-privileges 4755 root/root` in a lintian
   *   override, `Password: shown on the settings page`): a secret is the whole value, so a
   *   value that goes on after a space is prose or a record, not a secret. A bare `=` is the
   *   exception: in a shell `NAME=value command` the value does end at the space;
   * - lower-case words joined by hyphens (`base-passwd: no-debconf-config`): a tag, mode or
   *   option name (not after a bare `=` either: `DB_PASSWORD=correct-horse-battery` in a .env).
   */
  readonly rejectWordValues?: boolean
  /** Reject well-known placeholders (changeme, ${VAR}, <password>, xxx ...). */
  readonly rejectPlaceholders?: boolean
  /** Secrets matching one of these are documented examples, not real keys. */
  readonly allow?: readonly RegExp[]
  /**
   * PEM blocks: the match is the BEGIN line, and the secret is the body up to the END line
   * (looked up with indexOf, at most `maxBlockBytes` ahead).
   */
  readonly pemBlock?: boolean
}

/** Sorted by rank: when two rules find the same secret on a line, the earlier one is reported. */
export type SecretRuleSet = readonly SecretRule[]
