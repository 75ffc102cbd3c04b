// DRY-DI-0004 (CIS Docker Benchmark 5.7 spirit: no SSH in containers): port 22 exposed.
import type { MisconfigRule } from '../rule.ts'
import { allInstructions } from '../rule.ts'

export const sshPortRule: MisconfigRule = {
  id: 'DRY-DI-0004', severity: 'MEDIUM', title: 'SSH port 22 exposed',
  remediation: 'Do not run an SSH server in the container; use `docker exec`/`kubectl exec` for debugging.',
  checkImage(facts) {
    const ports = facts.config.config?.['ExposedPorts']
    if (!ports || typeof ports !== 'object') return []
    return Object.keys(ports).filter((p) => /^22(?:\/tcp)?$/.test(p)).map((p) => ({ evidence: `ExposedPorts has ${p}`, location: { kind: 'config' as const, field: 'config.ExposedPorts' } }))
  },
  checkDockerfile(facts) {
    return allInstructions(facts)
      .filter((i) => i.keyword === 'EXPOSE' && i.args.split(/\s+/).some((p) => /^22(?:\/tcp)?$/.test(p)))
      .map((i) => ({ evidence: `EXPOSE ${i.args}`, location: i.location }))
  },
}
