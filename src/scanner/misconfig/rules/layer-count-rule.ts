// DRY-DI-0007: many layers slow pulls and hint at a build that should be squashed or staged.
import type { MisconfigRule } from '../rule.ts'

export const DEFAULT_MAX_LAYERS = 50

export const layerCountRule: MisconfigRule = {
  id: 'DRY-DI-0007', severity: 'LOW', title: 'Too many layers',
  remediation: 'Combine RUN steps and use a multi-stage build so the final image has few layers.',
  checkImage(facts, ctx) {
    const n = facts.config.rootfs.diff_ids.length
    const max = ctx.options.maxLayers ?? DEFAULT_MAX_LAYERS
    return n > max ? [{ evidence: `${n} layers (threshold ${max})`, location: { kind: 'config', field: 'rootfs.diff_ids' } }] : []
  },
}
