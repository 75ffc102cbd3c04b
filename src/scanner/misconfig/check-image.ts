/**
 * Runs the misconfiguration rules on an image: the config, the instructions recovered from its
 * history, and the per-layer file summaries of the pipeline (ImageInventory.layerFiles).
 */
import type { LayerFileIndex } from '../image/apply-layers.ts'
import type { ImageConfig } from '../image/source.ts'
import { redactSecretsIn } from '../analyzers/secret/scan-text.ts'
import { BUILTIN_SECRET_RULES } from '../analyzers/secret/secret-rules.ts'
import type { MisconfigFinding } from './finding.ts'
import { historyInstructions } from './history-instructions.ts'
import { BUILTIN_MISCONFIG_RULES } from './misconfig-rules.ts'
import type { CheckContext, Evidence, MisconfigOptions, MisconfigRule } from './rule.ts'
import type { ConfigFiles } from './web-server/config-files.ts'

const MAX_EVIDENCE = 240
/** Longer than any secret a rule matches, so none is cut in two before it is redacted. */
const REDACT_WINDOW = 16 * 1024

export function checkContext(options: MisconfigOptions = {}): CheckContext {
  const secretRules = options.secretRules ?? BUILTIN_SECRET_RULES
  return {
    options,
    secretRules,
    redact(text) {
      // Redact a window that holds any secret starting within what is shown, then cut.
      const r = redactSecretsIn(text.length > MAX_EVIDENCE + REDACT_WINDOW ? text.slice(0, MAX_EVIDENCE + REDACT_WINDOW) : text, secretRules)
      return r.length > MAX_EVIDENCE ? `${r.slice(0, MAX_EVIDENCE)}…` : r
    },
  }
}

export function toFinding(rule: MisconfigRule, e: Evidence): MisconfigFinding {
  return {
    kind: 'misconfig', id: rule.id, severity: e.severity ?? rule.severity, title: rule.title, remediation: rule.remediation,
    evidence: e.evidence, ...(e.location ? { location: e.location } : {}),
  }
}

export interface ImageCheckInput {
  readonly config: ImageConfig
  readonly layerFiles?: readonly LayerFileIndex[]
  readonly annotations?: Readonly<Record<string, string>>
  /** Web-server config files of the image, for the rules that read file content (DRY-DI-0008). */
  readonly configFiles?: ConfigFiles
}

export function checkImage(input: ImageCheckInput, options: MisconfigOptions = {}, rules: readonly MisconfigRule[] = BUILTIN_MISCONFIG_RULES): MisconfigFinding[] {
  const ctx = checkContext(options)
  const facts = {
    config: input.config,
    instructions: historyInstructions(input.config),
    layerFiles: input.layerFiles ?? [],
    ...(input.annotations ? { annotations: input.annotations } : {}),
    ...(input.configFiles ? { configFiles: input.configFiles } : {}),
  }
  const out: MisconfigFinding[] = []
  for (const rule of rules) for (const e of rule.checkImage?.(facts, ctx) ?? []) out.push(toFinding(rule, e))
  return out
}
