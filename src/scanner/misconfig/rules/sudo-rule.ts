// DRY-DI-0003 (close to dockle DKL-DI-0001 "Avoid sudo"): sudo in a container gives any process
// that can run it a way back to root.
import { installedPackages } from '../instruction.ts'
import type { Evidence, MisconfigRule } from '../rule.ts'
import { allInstructions, fileLocation, finalFiles } from '../rule.ts'
import type { Instruction } from '../instruction.ts'

function installs(ins: readonly Instruction[]): Evidence[] {
  return ins
    .filter((i) => i.keyword === 'RUN' && i.args.split(/&&|;|\|\||\n/).some((c) => installedPackages(c).includes('sudo')))
    .map((i) => ({ evidence: 'RUN installs the sudo package', location: i.location }))
}

export const sudoRule: MisconfigRule = {
  id: 'DRY-DI-0003', severity: 'MEDIUM', title: 'sudo installed',
  remediation: 'Do not install sudo; do privileged work at build time and run as an unprivileged user.',
  checkImage(facts) {
    const hit = finalFiles(facts.layerFiles).find(({ file }) => /^(?:usr\/)?s?bin\/sudo$/.test(file.path) && file.type !== 'directory')
    if (hit) return [{ evidence: `/${hit.file.path} is present`, location: fileLocation(hit.layer, hit.index, hit.file.path) }]
    return installs(facts.instructions)
  },
  checkDockerfile: (facts) => installs(allInstructions(facts)),
}
