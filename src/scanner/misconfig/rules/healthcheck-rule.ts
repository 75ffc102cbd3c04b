// CIS-DI-0006 (CIS Docker Benchmark 4.6): a HEALTHCHECK lets the runtime see a hung process.
import type { MisconfigRule } from '../rule.ts'

export const healthcheckRule: MisconfigRule = {
  id: 'CIS-DI-0006', severity: 'LOW', title: 'No HEALTHCHECK',
  remediation: 'Add a HEALTHCHECK instruction to the final stage (e.g. `HEALTHCHECK CMD curl -f http://localhost/ || exit 1`).',
  checkImage(facts) {
    const hc = facts.config.config?.['Healthcheck'] as { Test?: unknown } | undefined
    const test = Array.isArray(hc?.Test) ? hc.Test : []
    if (test.length > 0 && test[0] !== 'NONE') return []
    return [{ evidence: test[0] === 'NONE' ? 'config.Healthcheck is disabled (NONE)' : 'config.Healthcheck is not set', location: { kind: 'config', field: 'config.Healthcheck' } }]
  },
  checkDockerfile(facts) {
    const final = facts.stages.at(-1)
    if (!final) return []
    const last = final.instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1)
    if (last && !/^NONE\b/i.test(last.args)) return []
    return [{ evidence: last ? 'HEALTHCHECK NONE' : `final stage ${final.name} has no HEALTHCHECK`, location: (last ?? final.from).location }]
  },
}
