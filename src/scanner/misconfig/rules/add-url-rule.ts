// CIS-DI-0009 (CIS Docker Benchmark 4.9, "use COPY instead of ADD"): ADD of a URL fetches
// unverified remote content at build time and leaves it in a layer.
import type { Instruction } from '../instruction.ts'
import type { CheckContext, Evidence, MisconfigRule } from '../rule.ts'
import { allInstructions } from '../rule.ts'

function check(ins: readonly Instruction[], ctx: CheckContext): Evidence[] {
  return ins
    .filter((i) => i.keyword === 'ADD' && /(?:^|\s)(?:https?|ftp):\/\//i.test(i.args) && !/--checksum=/.test(i.args))
    .map((i) => ({ evidence: ctx.redact(`ADD ${i.args}`), location: i.location }))
}

export const addUrlRule: MisconfigRule = {
  id: 'CIS-DI-0009', severity: 'MEDIUM', title: 'ADD fetches a remote URL',
  remediation: 'Download with a verified checksum in a RUN step (or `ADD --checksum=sha256:…`), or COPY files from the build context.',
  checkImage: (facts, ctx) => check(facts.instructions, ctx),
  checkDockerfile: (facts, ctx) => check(allInstructions(facts), ctx),
}
