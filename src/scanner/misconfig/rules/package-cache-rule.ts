// DKL-DI-0005 (dockle "Clear apt-get caches", and DKL-DI-0004 for apk): package index and
// download caches left in the image. On images we look at the files themselves; on Dockerfiles
// at RUN steps that install without cleaning up in the same step (a later RUN cannot shrink
// the earlier layer).
import { shellCommands, words } from '../instruction.ts'
import type { Evidence, MisconfigRule } from '../rule.ts'
import { allInstructions, fileLocation, finalFiles } from '../rule.ts'

const CACHE_DIRS: readonly [RegExp, string][] = [
  [/^var\/lib\/apt\/lists\/(?!lock$|partial\/?$|auxfiles\/?$)[^/]+$/, 'apt lists (var/lib/apt/lists)'],
  [/^var\/cache\/apt\/(?:archives\/)?[^/]+\.(?:deb|bin)$/, 'apt cache (var/cache/apt)'],
  [/^var\/cache\/apk\/[^/]+$/, 'apk cache (var/cache/apk)'],
  [/^var\/cache\/(?:yum|dnf)\/.+\.(?:rpm|sqlite|solv|xml\.gz|xml\.zst)$/, 'yum/dnf cache (var/cache/yum, var/cache/dnf)'],
]

export const packageCacheRule: MisconfigRule = {
  id: 'DKL-DI-0005', severity: 'LOW', title: 'Package manager cache left in the image',
  remediation: 'Clean up in the same RUN step: `rm -rf /var/lib/apt/lists/*` after apt-get, `apk add --no-cache`, `yum clean all` / `dnf clean all`.',
  checkImage(facts) {
    const found = new Map<string, { files: number; bytes: number; first: Evidence['location'] }>()
    for (const { file, layer, index } of finalFiles(facts.layerFiles)) {
      if (file.type !== 'file') continue
      const hit = CACHE_DIRS.find(([re]) => re.test(file.path))
      if (!hit) continue
      const prev = found.get(hit[1]) ?? { files: 0, bytes: 0, first: fileLocation(layer, index, file.path) }
      found.set(hit[1], { files: prev.files + 1, bytes: prev.bytes + file.size, first: prev.first })
    }
    return [...found].map(([what, f]) => ({ evidence: `${what}: ${f.files} files, ${f.bytes} bytes`, ...(f.first ? { location: f.first } : {}) }))
  },
  checkDockerfile(facts) {
    const out: Evidence[] = []
    for (const i of allInstructions(facts)) {
      if (i.keyword !== 'RUN') continue
      // Word and substring tests only: these run on hostile history lines of megabytes.
      const cmds = shellCommands(i.args).map(words)
      const runs = (tools: readonly string[], verb: string): boolean => cmds.some((w) => {
        const at = w.findIndex((x) => tools.includes(x))
        return at >= 0 && w.slice(at + 1).includes(verb)
      })
      const removes = (dir: string): boolean => cmds.some((w) => w[0] === 'rm' && w.some((x) => x.startsWith(dir)))
      const cacheMount = i.args.includes('--mount=type=cache') && /target=\/var\/(?:lib|cache)\/apt/.test(i.args)
      if (runs(['apt-get', 'apt'], 'install') && !removes('/var/lib/apt/lists') && !cacheMount) {
        out.push({ evidence: 'apt-get install without removing /var/lib/apt/lists/* in the same RUN', location: i.location })
      }
      if (cmds.some((w) => w[0] === 'apk' && w.includes('add') && !w.includes('--no-cache'))) out.push({ evidence: 'apk add without --no-cache', location: i.location })
      if (runs(['yum', 'dnf'], 'install') && !runs(['yum', 'dnf'], 'clean') && !removes('/var/cache/yum') && !removes('/var/cache/dnf')) {
        out.push({ evidence: 'yum/dnf install without `clean all` in the same RUN', location: i.location })
      }
    }
    return out
  },
}
