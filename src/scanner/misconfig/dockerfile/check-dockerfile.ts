/** Runs the rules that apply to Dockerfiles (those with `checkDockerfile`) on every stage. */
import { checkContext, toFinding } from '../check-image.ts'
import type { MisconfigFinding } from '../finding.ts'
import { BUILTIN_MISCONFIG_RULES } from '../misconfig-rules.ts'
import type { DockerfileFacts, MisconfigOptions, MisconfigRule } from '../rule.ts'
import { parseDockerfile } from './parse-dockerfile.ts'
import { dockerfileSecrets } from './dockerfile-secrets.ts'
import type { SecretFinding } from '../../analyzers/secret/secret-finding.ts'
import { BUILTIN_SECRET_RULES } from '../../analyzers/secret/secret-rules.ts'

export function checkDockerfileFacts(facts: DockerfileFacts, options: MisconfigOptions = {}, rules: readonly MisconfigRule[] = BUILTIN_MISCONFIG_RULES): MisconfigFinding[] {
  const ctx = checkContext(options)
  const out: MisconfigFinding[] = []
  for (const rule of rules) for (const e of rule.checkDockerfile?.(facts, ctx) ?? []) out.push(toFinding(rule, e))
  const line = (f: MisconfigFinding): number => (f.location?.kind === 'dockerfile' ? f.location.line : 0)
  return out.sort((a, b) => line(a) - line(b) || a.id.localeCompare(b.id))
}

/** Misconfigurations of every stage, plus secrets anywhere in the file (secret findings). */
export function checkDockerfile(content: string, path: string, options: MisconfigOptions = {}): (MisconfigFinding | SecretFinding)[] {
  const facts = parseDockerfile(content, path)
  const misconfigs = checkDockerfileFacts(facts, options)
  return [...misconfigs, ...dockerfileSecrets(content, facts, options.secretRules ?? BUILTIN_SECRET_RULES, misconfigs)]
}
