// CIS-DI-0010 (CIS Docker Benchmark 4.10): no secrets in ENV, ARG or LABEL. Their values are
// stored in the image config and history in clear text, readable by anyone who pulls it.
import { scanText } from '../../analyzers/secret/scan-text.ts'
import type { Instruction } from '../instruction.ts'
import type { CheckContext, Evidence, MisconfigRule } from '../rule.ts'
import { allInstructions } from '../rule.ts'

function pairEvidence(ins: readonly Instruction[], ctx: CheckContext): Evidence[] {
  const out: Evidence[] = []
  for (const i of ins) {
    if (i.keyword !== 'ENV' && i.keyword !== 'ARG' && i.keyword !== 'LABEL') continue
    for (const p of i.pairs ?? []) {
      if (p.value === undefined) continue
      for (const m of scanText(`${p.name}=${p.value}`, ctx.secretRules, { maxMatches: 5 })) {
        out.push({ evidence: `${i.keyword} ${p.name}=${m.redacted} (${m.rule.id}, ${m.fingerprint})`, location: i.location })
      }
    }
  }
  return out
}

export const secretsInEnvRule: MisconfigRule = {
  id: 'CIS-DI-0010', severity: 'CRITICAL', title: 'Secret in ENV, ARG or LABEL',
  remediation: 'Do not put credentials in ENV, ARG or LABEL: use a build secret mount (`RUN --mount=type=secret`) and pass run-time secrets from a secret store.',
  checkImage(facts, ctx) {
    const out: Evidence[] = []
    const c = facts.config.config ?? {}
    const env = Array.isArray(c['Env']) ? c['Env'] : []
    env.forEach((e, i) => {
      if (typeof e !== 'string') return
      for (const m of scanText(e, ctx.secretRules, { maxMatches: 5 })) {
        out.push({ evidence: `Env ${e.split('=')[0] ?? ''}=${m.redacted} (${m.rule.id}, ${m.fingerprint})`, location: { kind: 'config', field: `config.Env[${i}]` } })
      }
    })
    const labels = c['Labels']
    if (labels && typeof labels === 'object') {
      for (const [k, v] of Object.entries(labels)) {
        if (typeof v !== 'string') continue
        for (const m of scanText(`${k}=${v}`, ctx.secretRules, { maxMatches: 5 })) {
          out.push({ evidence: `Label ${k}=${m.redacted} (${m.rule.id}, ${m.fingerprint})`, location: { kind: 'config', field: `config.Labels[${JSON.stringify(k)}]` } })
        }
      }
    }
    // ARG values only survive in the history; ENV/LABEL there repeat the config, so only ARG.
    return [...out, ...pairEvidence(facts.instructions.filter((i) => i.keyword === 'ARG'), ctx)]
  },
  checkDockerfile(facts, ctx) {
    return pairEvidence(allInstructions(facts), ctx)
  },
}
