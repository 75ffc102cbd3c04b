// DRY-DI-0006: bytes shipped in a layer but invisible in the final image, because a later layer
// deleted or overwrote the file. They cost pull time and may hide things (a deleted key).
import type { MisconfigRule } from '../rule.ts'

export const DEFAULT_WASTED_BYTES_THRESHOLD = 10 * 1024 * 1024

export const wastedBytesRule: MisconfigRule = {
  id: 'DRY-DI-0006', severity: 'LOW', title: 'Wasted bytes: files deleted or overwritten by a later layer',
  remediation: 'Create and remove temporary files in the same RUN step, or use a multi-stage build and copy only the results.',
  checkImage(facts, ctx) {
    let bytes = 0
    let files = 0
    const top: { path: string; size: number; layer: number }[] = []
    facts.layerFiles.forEach((layer, i) => {
      for (const f of layer.files) {
        if ((f.type !== 'file') || !(f.deletedLater || f.replacedLater)) continue
        bytes += f.size
        files++
        top.push({ path: f.path, size: f.size, layer: i })
      }
    })
    if (files === 0 || bytes <= (ctx.options.wastedBytesThreshold ?? DEFAULT_WASTED_BYTES_THRESHOLD)) return []
    top.sort((a, b) => b.size - a.size)
    const largest = top.slice(0, 5).map((t) => `/${t.path} (${t.size} B, layer ${t.layer})`).join(', ')
    return [{ evidence: `${bytes} bytes in ${files} files are deleted or overwritten by later layers; largest: ${largest}` }]
  },
}
