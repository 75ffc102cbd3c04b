/**
 * Exit codes of every `drydock` command. Documented in README.md ("Exit codes").
 * Expected outcomes (a gate that failed) are kept apart from usage errors and from bugs.
 */
export const EXIT = {
  /** Success: nothing over the threshold. */
  ok: 0,
  /** A policy, severity threshold or verification failed (an expected outcome). `--exit-code` overrides it. */
  violation: 1,
  /** Bad command line, bad config, unreadable input given by the user. */
  usage: 2,
  /** A registry or network endpoint could not be reached, failed (HTTP 5xx), or could not do the work (a server-side scan that failed). */
  unreachable: 3,
  /** The registry refused the credentials, or needs some and none were found (HTTP 401/403/429 on a login). */
  unauthorized: 4,
  /** A bug in Drydock. */
  internal: 70,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** Thrown by a command for an expected, user-facing failure; main prints `message` and exits with `code`. */
export class ExitError extends Error {
  readonly exitCode: number
  constructor(message: string, exitCode: number) {
    super(message)
    this.name = 'ExitError'
    this.exitCode = exitCode
  }
}

export class UsageError extends ExitError {
  constructor(message: string) {
    super(message, EXIT.usage)
    this.name = 'UsageError'
  }
}

/** Thrown by parseCommandArgs for `--help`: main prints `usage` to stdout and exits with 0. */
export class HelpRequested extends Error {
  readonly usage: string
  constructor(usage: string) {
    super('help requested')
    this.name = 'HelpRequested'
    this.usage = usage
  }
}
