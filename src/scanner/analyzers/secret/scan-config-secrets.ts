/**
 * Secrets in the image config: `Env`, `Labels`, `Cmd`, `Entrypoint`, and the history's
 * `created_by` lines (where `ENV`, `ARG` and `RUN --build-arg`-style values end up even when the
 * layer itself holds nothing). Locations are config fields, e.g. `config.Env[2]`.
 */
import type { ImageConfig } from '../../image/source.ts'
import { compileAllowlist, type SecretAllowlistConfig } from './secret-allowlist.ts'
import { toSecretFinding, type SecretFinding } from './secret-finding.ts'
import type { SecretRuleSet } from './secret-rule.ts'
import { BUILTIN_SECRET_RULES } from './secret-rules.ts'
import { scanText } from './scan-text.ts'

export interface ConfigSecretOptions {
  readonly rules?: SecretRuleSet
  readonly allowlist?: SecretAllowlistConfig
}

/** Every string of the config worth scanning, with the field it came from. */
export function configTexts(config: ImageConfig): { field: string; text: string }[] {
  const out: { field: string; text: string }[] = []
  const c = config.config ?? {}
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
  strings(c['Env']).forEach((text, i) => out.push({ field: `config.Env[${i}]`, text }))
  const labels = c['Labels']
  if (labels && typeof labels === 'object') {
    for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out.push({ field: `config.Labels[${JSON.stringify(k)}]`, text: `${k}=${v}` })
  }
  for (const key of ['Cmd', 'Entrypoint']) {
    const parts = strings(c[key])
    if (parts.length > 0) out.push({ field: `config.${key}`, text: parts.join(' ') })
  }
  ;(config.history ?? []).forEach((h, i) => {
    const createdBy = h['created_by']
    if (typeof createdBy === 'string') out.push({ field: `history[${i}].created_by`, text: createdBy })
  })
  return out
}

export function scanConfigSecrets(config: ImageConfig, opts: ConfigSecretOptions = {}): SecretFinding[] {
  const rules = opts.rules ?? BUILTIN_SECRET_RULES
  const allow = compileAllowlist(opts.allowlist)
  const out: SecretFinding[] = []
  for (const { field, text } of configTexts(config)) {
    for (const m of scanText(text, rules, { maxMatches: 20 })) {
      if (!allow.allows(m.rule.id, undefined, m.fingerprint)) out.push(toSecretFinding(m, { kind: 'config', field }))
    }
  }
  return out
}
