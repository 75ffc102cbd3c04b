/**
 * Repository defaults and creation templates per namespace, from the config file
 * (docs/configuration.md):
 *   "repositories": { "defaults": { "acme": { "imageTagMutability": "IMMUTABLE" },
 *                                   "acme/sandbox": { "imageTagMutability": "MUTABLE" } },
 *                     "templates": { "prod": { "imageTagMutability": "IMMUTABLE", "scanOnPush": true } } }
 * A key is a namespace or a repository, matched on whole path segments; the longest match wins.
 *  - defaults apply, at every push, to the fields a repository does not set itself (a field the
 *    entry lacks falls to the built-in default, not to a shorter entry). Scan on push keeps its
 *    own per-namespace rules, `scanning.repositories`, so `scanOnPush` is refused there.
 *  - a template is copied into a new repository's own settings when it is created (explicitly,
 *    or by its first manifest push), as ECR's repository creation templates are; later changes
 *    of the template do not reach it.
 */
import { isRepositoryName } from '../../oci/reference.ts'
import type { RepositorySettings } from '../metadata/settings-store.ts'
import { parseRepositorySettings } from './settings-input.ts'

export interface RepositoriesConfig {
  readonly defaults: Readonly<Record<string, RepositorySettings>>
  readonly templates: Readonly<Record<string, RepositorySettings>>
}

function settingsByPrefix(raw: unknown, what: 'defaults' | 'templates'): Record<string, RepositorySettings> {
  if (raw === undefined) return {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`repositories.${what} must be an object`)
  const out: Record<string, RepositorySettings> = {}
  for (const [key, value] of Object.entries(raw)) {
    const where = `repositories.${what}["${key.slice(0, 64)}"]`
    if (!isRepositoryName(key)) throw new Error(`${where}: the key must be a namespace or a repository name`)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} must be an object of settings`)
    if (what === 'defaults' && 'scanOnPush' in value) throw new Error(`${where}: scan on push defaults are set in scanning.repositories`)
    try {
      out[key] = parseRepositorySettings(value as Record<string, unknown>)
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`)
    }
  }
  return out
}

/** `repositories.defaults` and `repositories.templates` → RepositoriesConfig. Throws Error with a user-facing message. */
export function repositoriesConfig(rawDefaults: unknown, rawTemplates?: unknown): RepositoriesConfig {
  return { defaults: settingsByPrefix(rawDefaults, 'defaults'), templates: settingsByPrefix(rawTemplates, 'templates') }
}

/** The entry of the longest key that is `repo` or a namespace of it. */
function longestMatch(entries: Readonly<Record<string, RepositorySettings>>, repo: string): RepositorySettings | undefined {
  let best: { len: number; value: RepositorySettings } | undefined
  for (const [key, value] of Object.entries(entries)) {
    const hit = repo === key || repo.startsWith(`${key}/`)
    if (hit && (best === undefined || key.length > best.len)) best = { len: key.length, value }
  }
  return best?.value
}

/** The namespace defaults of `repo`; {} when none. */
export function defaultsFor(cfg: RepositoriesConfig | undefined, repo: string): RepositorySettings {
  return longestMatch(cfg?.defaults ?? {}, repo) ?? {}
}

/** The creation template of `repo`, if one matches. */
export function templateFor(cfg: RepositoriesConfig | undefined, repo: string): RepositorySettings | undefined {
  return longestMatch(cfg?.templates ?? {}, repo)
}
