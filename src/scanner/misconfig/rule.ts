/**
 * The misconfiguration rule contract. A rule checks an image (config, history and per-layer file
 * summaries), a Dockerfile (every build stage), or both; it returns evidence, and the runner
 * (check-image.ts, dockerfile/check-dockerfile.ts) turns evidence into findings with the rule's
 * id, severity, title and remediation. Rules are listed explicitly in misconfig-rules.ts.
 *
 * Evidence strings must never contain a secret: use `ctx.redact` on anything taken from the
 * image or the Dockerfile (a RUN line can hold a token).
 */
import type { LayerFileIndex, LayerFileSummary } from '../image/apply-layers.ts'
import type { ImageConfig } from '../image/source.ts'
import type { SecretRuleSet } from '../analyzers/secret/secret-rule.ts'
import type { FindingLocation, FindingSeverity } from './finding.ts'
import type { Instruction } from './instruction.ts'
import type { ConfigFiles } from './web-server/config-files.ts'

export interface ImageFacts {
  readonly config: ImageConfig
  /** Instructions recovered from the history, oldest first. */
  readonly instructions: readonly Instruction[]
  /** Per-layer file summaries from the applier; empty when the layers were not walked. */
  readonly layerFiles: readonly LayerFileIndex[]
  /** Manifest annotations (org.opencontainers.image.base.name ...), when known. */
  readonly annotations?: Readonly<Record<string, string>>
  /** Web-server config files read from the final view (web-server/config-files.ts); absent when not read. */
  readonly configFiles?: ConfigFiles
}

export interface DockerfileStage {
  /** `AS name`, else the stage index as a string. */
  readonly name: string
  readonly index: number
  /** The FROM instruction's image as written (may hold ${ARG} references). */
  readonly from: Instruction
  readonly baseImage: string
  /** Instructions after FROM, up to the next FROM. */
  readonly instructions: readonly Instruction[]
}

export interface DockerfileFacts {
  readonly path: string
  /** ARGs before the first FROM (global build args). */
  readonly preamble: readonly Instruction[]
  readonly stages: readonly DockerfileStage[]
}

export interface MisconfigOptions {
  /** Layers above this count are reported (default 50). */
  readonly maxLayers?: number
  /** Wasted bytes (overwritten or deleted files) above this are reported (default 10 MiB). */
  readonly wastedBytesThreshold?: number
  readonly secretRules?: SecretRuleSet
}

export interface CheckContext {
  readonly options: MisconfigOptions
  readonly secretRules: SecretRuleSet
  /** Replaces every secret in `text` by its redacted form and cuts it to a readable length. */
  redact(text: string): string
}

export interface Evidence {
  readonly evidence: string
  readonly location?: FindingLocation
  /** A rule may raise or lower its severity for one piece of evidence. */
  readonly severity?: FindingSeverity
}

export interface MisconfigRule {
  readonly id: string
  readonly severity: FindingSeverity
  readonly title: string
  readonly remediation: string
  checkImage?(facts: ImageFacts, ctx: CheckContext): Evidence[]
  /** Called once per Dockerfile; `final` is the last stage (what runs). */
  checkDockerfile?(facts: DockerfileFacts, ctx: CheckContext): Evidence[]
}

/** Files visible in the final image (not deleted or replaced by a later layer), with their layer. */
export function finalFiles(layerFiles: readonly LayerFileIndex[]): { file: LayerFileSummary; layer: LayerFileIndex; index: number }[] {
  const out: { file: LayerFileSummary; layer: LayerFileIndex; index: number }[] = []
  layerFiles.forEach((layer, index) => {
    for (const file of layer.files) if (!file.deletedLater && !file.replacedLater) out.push({ file, layer, index })
  })
  return out
}

export function fileLocation(layer: LayerFileIndex, index: number, path: string): FindingLocation {
  return { kind: 'file', path, diffId: layer.diffId, layerIndex: index, ...(layer.digest ? { layerDigest: layer.digest } : {}) }
}

/** Every instruction of every stage, for rules that apply to all stages alike. */
export function allInstructions(facts: DockerfileFacts): Instruction[] {
  return [...facts.preamble, ...facts.stages.flatMap((s) => [s.from, ...s.instructions])]
}
