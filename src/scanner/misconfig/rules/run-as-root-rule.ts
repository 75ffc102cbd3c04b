// CIS-DI-0001 (CIS Docker Benchmark 4.1): the container must not run as root. An image without
// `User`, or with user 0/root, runs its process as root unless the runtime overrides it.
import type { MisconfigRule } from '../rule.ts'

export function isRootUser(user: string | undefined): boolean {
  const name = (user ?? '').trim().split(':')[0] ?? ''
  return name === '' || name === '0' || name === 'root'
}

export const runAsRootRule: MisconfigRule = {
  id: 'CIS-DI-0001', severity: 'HIGH', title: 'Image runs as root',
  remediation: 'Create an unprivileged user and switch to it with USER (e.g. `USER 1000:1000`) in the final stage.',
  checkImage(facts) {
    const user = facts.config.config?.['User']
    const u = typeof user === 'string' ? user : undefined
    if (!isRootUser(u)) return []
    return [{ evidence: u ? `config.User is "${u}"` : 'config.User is not set', location: { kind: 'config', field: 'config.User' } }]
  },
  checkDockerfile(facts) {
    // Only the final stage runs; earlier stages are build environments where root is normal.
    const final = facts.stages.at(-1)
    if (!final) return []
    const last = final.instructions.filter((i) => i.keyword === 'USER').at(-1)
    if (last && !isRootUser(last.args)) return []
    return [{ evidence: last ? `last USER is "${last.args}"` : `final stage ${final.name} has no USER`, location: (last ?? final.from).location }]
  },
}
