// DRY-DI-0001: `curl … | sh` runs whatever the server sends, unverified, as root in the build.
import type { Instruction } from '../instruction.ts'
import type { CheckContext, Evidence, MisconfigRule } from '../rule.ts'
import { allInstructions } from '../rule.ts'

const PIPE_TO_SHELL = /\b(?:curl|wget)\b[^|;&\n]{0,4096}\|[ \t]{0,8}(?:sudo[ \t]{1,8}(?:-\S{1,20}[ \t]{1,8}){0,4})?(?:\/\S{0,64}\/)?(?:ba|z|da|k)?sh\b/

function check(ins: readonly Instruction[], ctx: CheckContext): Evidence[] {
  const out: Evidence[] = []
  for (const i of ins) {
    if (i.keyword !== 'RUN') continue
    // Split on && and ; but not on |: the pipe is what we look for.
    const hit = i.args.split(/&&|;|\n/).find((c) => PIPE_TO_SHELL.test(c))
    if (hit) out.push({ evidence: ctx.redact(`RUN ${hit.trim()}`), location: i.location })
  }
  return out
}

export const pipeToShellRule: MisconfigRule = {
  id: 'DRY-DI-0001', severity: 'HIGH', title: 'Remote script piped to a shell (curl | sh)',
  remediation: 'Download the script, verify its checksum or signature, then run it; or install from a signed package repository.',
  checkImage: (facts, ctx) => check(facts.instructions, ctx),
  checkDockerfile: (facts, ctx) => check(allInstructions(facts), ctx),
}
