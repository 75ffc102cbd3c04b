// DRY-DI-0002 (hadolint DL3015): `apt-get install` without --no-install-recommends pulls in
// recommended packages nobody asked for: a larger image and attack surface.
import { shellCommands, words } from '../instruction.ts'
import type { Instruction } from '../instruction.ts'
import type { CheckContext, Evidence, MisconfigRule } from '../rule.ts'
import { allInstructions } from '../rule.ts'

function check(ins: readonly Instruction[], ctx: CheckContext): Evidence[] {
  const out: Evidence[] = []
  for (const i of ins) {
    if (i.keyword !== 'RUN') continue
    for (const cmd of shellCommands(i.args)) {
      const w = words(cmd)
      const apt = w.findIndex((x) => x === 'apt-get' || x === 'apt')
      if (apt < 0 || !w.slice(apt + 1).includes('install')) continue
      if (w.includes('--no-install-recommends') || /APT::Install-Recommends=(?:false|0)/i.test(cmd)) continue
      out.push({ evidence: ctx.redact(cmd), location: i.location })
    }
  }
  return out
}

export const noInstallRecommendsRule: MisconfigRule = {
  id: 'DRY-DI-0002', severity: 'LOW', title: 'apt-get install without --no-install-recommends',
  remediation: 'Use `apt-get install -y --no-install-recommends PKG…`.',
  checkImage: (facts, ctx) => check(facts.instructions, ctx),
  checkDockerfile: (facts, ctx) => check(allInstructions(facts), ctx),
}
