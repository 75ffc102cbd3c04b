// CIS-DI-0008 (CIS Docker Benchmark 4.8): setuid/setgid binaries let a process gain the owner's
// privileges; most containers need none.
import type { Evidence, MisconfigRule } from '../rule.ts'
import { fileLocation, finalFiles } from '../rule.ts'

const MAX_REPORTED = 50

export const setuidFilesRule: MisconfigRule = {
  id: 'CIS-DI-0008', severity: 'LOW', title: 'setuid or setgid file',
  remediation: 'Remove the setuid/setgid bits you do not need: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`.',
  checkImage(facts) {
    const out: Evidence[] = []
    for (const { file, layer, index } of finalFiles(facts.layerFiles)) {
      if (file.type !== 'file' || (file.mode & 0o6000) === 0 || out.length >= MAX_REPORTED) continue
      const bits = [(file.mode & 0o4000) !== 0 ? 'setuid' : '', (file.mode & 0o2000) !== 0 ? 'setgid' : ''].filter(Boolean).join('+')
      out.push({ evidence: `/${file.path} is ${bits} (mode ${(file.mode & 0o7777).toString(8)}, uid ${file.uid})`, location: fileLocation(layer, index, file.path) })
    }
    return out
  },
}
