/**
 * Recovers build instructions from an image config's `history[].created_by`. Builders write it
 * in a few shapes:
 *
 *   /bin/sh -c #(nop)  ENV A=b            classic docker build and buildah: non-RUN instructions
 *   /bin/sh -c apt-get update             classic docker build: RUN
 *   |2 A=1 B=2 /bin/sh -c make            classic RUN with build args in scope
 *   RUN /bin/sh -c make # buildkit        BuildKit: the instruction as written, tagged
 *   ENV A=b / USER 1000 / EXPOSE map[22/tcp:{}]   BuildKit
 *
 * Build-arg names hold no `=`, so the `|N A=1 …` prefix splits only one way (with `\S+=` a
 * line of `a=b=c=…` tokens would backtrack exponentially).
 *
 * Anything else (an importer's comment, `ADD file:… in /`) is kept as it is under its first
 * word when that is an instruction keyword, and dropped otherwise.
 */
import type { ImageConfig } from '../image/source.ts'
import type { Instruction } from './instruction.ts'

const KEYWORDS = new Set(['FROM', 'RUN', 'ENV', 'ARG', 'ADD', 'COPY', 'USER', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'CMD', 'ENTRYPOINT', 'WORKDIR', 'VOLUME', 'SHELL', 'STOPSIGNAL', 'ONBUILD', 'MAINTAINER'])

/** `A=1 B="x y"` → pairs (quotes removed). */
export function parsePairs(text: string): { name: string; value?: string }[] {
  const out: { name: string; value?: string }[] = []
  for (const m of text.matchAll(/([^\s=]{1,256})(?:=("[^"]{0,4096}"|'[^']{0,4096}'|\S{0,4096}))?/g)) {
    const name = m[1] as string
    const raw = m[2]
    out.push(raw === undefined ? { name } : { name, value: raw.replace(/^(["'])([\s\S]*)\1$/, '$2') })
  }
  return out
}

export function parseCreatedBy(createdBy: string): { keyword: string; args: string } | undefined {
  let s = createdBy.trim().replace(/\s+# buildkit$/, '')
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(s)
  if (nop) s = (nop[1] as string).trim()
  else {
    const shell = /^(?:\|\d+ (?:[^\s=]+=\S* )*)?\/bin\/(?:ba)?sh -c (.*)$/s.exec(s)
    if (shell) return { keyword: 'RUN', args: (shell[1] as string).trim() }
  }
  const m = /^([A-Za-z]+)\s*(.*)$/s.exec(s)
  if (!m) return undefined
  const keyword = (m[1] as string).toUpperCase()
  if (!KEYWORDS.has(keyword)) return undefined
  let args = (m[2] as string).trim()
  if (keyword === 'RUN') args = args.replace(/^(?:\|\d+ (?:[^\s=]+=\S* )*)?\/bin\/(?:ba)?sh -c /, '')
  return { keyword, args }
}

export function historyInstructions(config: ImageConfig): Instruction[] {
  const out: Instruction[] = []
  ;(config.history ?? []).forEach((h, i) => {
    const createdBy = h['created_by']
    if (typeof createdBy !== 'string') return
    const parsed = parseCreatedBy(createdBy)
    if (!parsed) return
    const location = { kind: 'config' as const, field: `history[${i}].created_by` }
    const withPairs = parsed.keyword === 'ENV' || parsed.keyword === 'ARG' || parsed.keyword === 'LABEL'
    out.push({ ...parsed, location, ...(withPairs ? { pairs: parsePairs(parsed.args) } : {}) })
  })
  return out
}
