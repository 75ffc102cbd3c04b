// DKL-DI-0006 (dockle "Avoid latest tag"): a base image named by `latest` or by no tag at all
// changes under you; pin a version tag, ideally with a digest.
import type { Evidence, MisconfigRule } from '../rule.ts'

/** Why a reference is unpinned, or undefined when it names a version or a digest. */
export function unpinnedReason(ref: string): string | undefined {
  if (ref.includes('@sha256:') || ref === 'scratch') return undefined
  const lastSlash = ref.lastIndexOf('/')
  const colon = ref.indexOf(':', lastSlash + 1)
  if (colon < 0) return `"${ref}" has no tag (means latest)`
  return ref.slice(colon + 1) === 'latest' ? `"${ref}" uses the latest tag` : undefined
}

export const latestBaseRule: MisconfigRule = {
  id: 'DKL-DI-0006', severity: 'MEDIUM', title: 'Base image not pinned (latest or no tag)',
  remediation: 'Name the base image by a version tag and digest, e.g. `FROM debian:12.5-slim@sha256:…`.',
  checkImage(facts) {
    const labels = (facts.config.config?.['Labels'] ?? {}) as Record<string, unknown>
    const base = facts.annotations?.['org.opencontainers.image.base.name'] ?? labels['org.opencontainers.image.base.name']
    const out: Evidence[] = []
    if (typeof base === 'string') {
      const why = unpinnedReason(base)
      if (why) out.push({ evidence: `base image ${why}`, location: { kind: 'config', field: 'org.opencontainers.image.base.name' } })
    }
    for (const i of facts.instructions) {
      if (i.keyword !== 'FROM') continue
      const why = unpinnedReason(i.args.split(/\s+/).find((w) => !w.startsWith('--')) ?? '')
      if (why) out.push({ evidence: `base image ${why}`, location: i.location })
    }
    return out
  },
  checkDockerfile(facts) {
    const stageNames = new Set<string>()
    const out: Evidence[] = []
    for (const s of facts.stages) {
      // A FROM naming an earlier stage, or built from ${ARG}s, is not a registry reference.
      if (!stageNames.has(s.baseImage.toLowerCase()) && !s.baseImage.includes('$')) {
        const why = unpinnedReason(s.baseImage)
        if (why) out.push({ evidence: `stage ${s.name}: ${why}`, location: s.from.location })
      }
      stageNames.add(s.name.toLowerCase())
    }
    return out
  },
}
