// DRY-DI-0005: world-writable files (and directories without the sticky bit) let any user of
// the container change what another user runs or reads.
import type { Evidence, MisconfigRule } from '../rule.ts'
import { fileLocation, finalFiles } from '../rule.ts'

const MAX_REPORTED = 50

export const worldWritableRule: MisconfigRule = {
  id: 'DRY-DI-0005', severity: 'MEDIUM', title: 'World-writable file',
  remediation: 'Remove the other-write bit (`chmod o-w`), or give shared directories the sticky bit (`chmod +t`).',
  checkImage(facts) {
    const out: Evidence[] = []
    for (const { file, layer, index } of finalFiles(facts.layerFiles)) {
      if (out.length >= MAX_REPORTED || (file.mode & 0o002) === 0) continue
      const ok = file.type === 'symlink' || (file.type === 'directory' && (file.mode & 0o1000) !== 0) || (file.type !== 'file' && file.type !== 'directory')
      if (ok) continue
      out.push({ evidence: `/${file.path} (${file.type}) has mode ${(file.mode & 0o7777).toString(8)}`, location: fileLocation(layer, index, file.path) })
    }
    return out
  },
}
