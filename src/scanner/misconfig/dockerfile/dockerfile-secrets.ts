/**
 * Secrets anywhere in a Dockerfile (a token in a `RUN git clone https://…@`, a key in a
 * heredoc), as secret findings located at the Dockerfile line and stage. Lines that already
 * carry a CIS-DI-0010 finding (secret in ENV/ARG/LABEL) are left out so that one secret is
 * not reported twice.
 */
import { scanText } from '../../analyzers/secret/scan-text.ts'
import { toSecretFinding, type SecretFinding } from '../../analyzers/secret/secret-finding.ts'
import type { SecretRuleSet } from '../../analyzers/secret/secret-rule.ts'
import type { MisconfigFinding } from '../finding.ts'
import type { DockerfileFacts } from '../rule.ts'

function stageAt(facts: DockerfileFacts, line: number): string {
  let name = 'global'
  for (const s of facts.stages) if (s.from.location.kind === 'dockerfile' && s.from.location.line <= line) name = s.name
  return name
}

export function dockerfileSecrets(content: string, facts: DockerfileFacts, rules: SecretRuleSet, misconfigs: readonly MisconfigFinding[]): SecretFinding[] {
  const covered = new Set(misconfigs.filter((m) => m.id === 'CIS-DI-0010' && m.location?.kind === 'dockerfile').map((m) => (m.location?.kind === 'dockerfile' ? m.location.line : 0)))
  // Continuation lines belong to the instruction that starts above them.
  const starts = [...facts.preamble, ...facts.stages.flatMap((st) => [st.from, ...st.instructions])]
    .map((i) => (i.location.kind === 'dockerfile' ? i.location.line : 0))
  const instructionLine = (line: number): number => Math.max(0, ...starts.filter((l) => l <= line))
  return scanText(content, rules, { path: facts.path })
    .filter((m) => !covered.has(m.line) && !covered.has(instructionLine(m.line)))
    .map((m) => toSecretFinding(m, { kind: 'dockerfile', path: facts.path, line: m.line, stage: stageAt(facts, m.line) }))
}
