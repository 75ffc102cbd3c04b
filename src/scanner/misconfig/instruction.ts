/**
 * One build instruction, whether it comes from a Dockerfile (dockerfile/parse-dockerfile.ts) or
 * was recovered from an image's history (history-instructions.ts), so that one rule checks both.
 */
import type { FindingLocation } from './finding.ts'

export interface Instruction {
  /** Upper-case: FROM, RUN, ENV, ARG, ADD, COPY, USER, EXPOSE, HEALTHCHECK, LABEL, CMD ... */
  readonly keyword: string
  /** Everything after the keyword, as written (continuation lines joined). */
  readonly args: string
  /** For ENV, ARG and LABEL: the `name=value` pairs (ARG without a default has value undefined). */
  readonly pairs?: readonly { readonly name: string; readonly value?: string }[]
  readonly location: FindingLocation
}

/** Splits a shell command line on `&&`, `||`, `;` and newlines into the simple commands to check. */
export function shellCommands(script: string): string[] {
  return script.split(/&&|\|\||;|\n/).map((s) => s.trim()).filter((s) => s !== '')
}

/** Words of a simple command, without quotes (good enough for package names and flags). */
export function words(command: string): string[] {
  return command.split(/\s+/).map((w) => w.replace(/^["']|["']$/g, '')).filter((w) => w !== '')
}

/** Package names a command installs, for apt-get/apt/apk/yum/dnf/microdnf/zypper; [] otherwise. */
export function installedPackages(command: string): string[] {
  const w = words(command)
  const i = w.findIndex((x) => /^(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)$/.test(x))
  if (i < 0) return []
  const verb = w.findIndex((x, j) => j > i && /^(?:install|add|in)$/.test(x))
  if (verb < 0) return []
  return w.slice(verb + 1).filter((x) => !x.startsWith('-')).map((x) => x.replace(/[=<>].*$/, ''))
}
