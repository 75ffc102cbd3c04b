// DRY-DI-0001: `curl … | sh` runs whatever the server sends, unverified, as root in the build.
import type { Instruction } from '../instruction.ts'
import type { CheckContext, Evidence, MisconfigRule } from '../rule.ts'
import { allInstructions } from '../rule.ts'

const FETCH = /\b(?:curl|wget)\b/
const SHELL_AFTER_PIPE = /^\|[ \t]{0,8}(?:sudo[ \t]{1,8}(?:-\S{1,20}[ \t]{1,8}){0,4})?(?:\/[\w/]{0,64}\/)?(?:ba|z|da|k)?sh\b/

/** Linear on any input: one search for the fetch, one for the pipe after it, an anchored test. */
export function pipesToShell(command: string): boolean {
  const fetch = FETCH.exec(command)
  if (!fetch) return false
  // `curl … | tee log | sh`: look at each pipe after the fetch (a bounded number of them).
  let pipe = command.indexOf('|', fetch.index)
  for (let n = 0; pipe >= 0 && n < 32; n++, pipe = command.indexOf('|', pipe + 1)) {
    if (SHELL_AFTER_PIPE.test(command.slice(pipe, pipe + 200))) return true
  }
  return false
}

function check(ins: readonly Instruction[], ctx: CheckContext): Evidence[] {
  const out: Evidence[] = []
  for (const i of ins) {
    if (i.keyword !== 'RUN') continue
    // Split on && and ; but not on |: the pipe is what we look for.
    const hit = i.args.split(/&&|;|\n/).find(pipesToShell)
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
