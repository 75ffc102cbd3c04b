/**
 * Parses a Dockerfile with `dockerfile-ast` (the parser behind the Docker VS Code language
 * server) into build stages of Instructions. Every stage is kept: a secret in an ENV of a
 * builder stage is still in that stage's image and in the build cache.
 */
import { DockerfileParser, type Arg, type Env, type From, type Instruction as AstInstruction, type Label } from 'dockerfile-ast'
import type { Instruction } from '../instruction.ts'
import type { DockerfileFacts, DockerfileStage } from '../rule.ts'

/** Dockerfiles beyond this size are refused (a real one is a few KiB). */
export const MAX_DOCKERFILE_BYTES = 1024 * 1024

function pairsOf(i: AstInstruction): { name: string; value?: string }[] | undefined {
  const k = i.getKeyword().toUpperCase()
  if (k !== 'ENV' && k !== 'ARG' && k !== 'LABEL') return undefined
  const props = (i as Env | Arg | Label).getProperties()
  return props.map((p) => {
    const value = p.getValue()
    return value === null ? { name: p.getName() } : { name: p.getName(), value }
  })
}

export function parseDockerfile(content: string, path: string): DockerfileFacts {
  if (content.length > MAX_DOCKERFILE_BYTES) throw new Error(`${path} is larger than ${MAX_DOCKERFILE_BYTES} bytes`)
  const ast = DockerfileParser.parse(content)
  const preamble: Instruction[] = []
  const stages: { name: string; index: number; from: Instruction; baseImage: string; instructions: Instruction[] }[] = []
  for (const i of ast.getInstructions()) {
    const keyword = i.getKeyword().toUpperCase()
    const line = i.getRange().start.line + 1
    const stage = stages.at(-1)
    if (keyword === 'FROM') {
      const from = i as From
      const index = stages.length
      const name = from.getBuildStage() ?? String(index)
      const ins: Instruction = { keyword, args: i.getArgumentsContent() ?? '', location: { kind: 'dockerfile', path, line, stage: name } }
      stages.push({ name, index, from: ins, baseImage: from.getImage() ?? '', instructions: [] })
      continue
    }
    const pairs = pairsOf(i)
    const ins: Instruction = {
      keyword, args: i.getArgumentsContent() ?? '',
      location: { kind: 'dockerfile', path, line, stage: stage?.name ?? 'global' },
      ...(pairs ? { pairs } : {}),
    }
    if (stage) stage.instructions.push(ins)
    else preamble.push(ins)
  }
  return { path, preamble, stages: stages as DockerfileStage[] }
}
