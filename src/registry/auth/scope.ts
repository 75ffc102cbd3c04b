/**
 * Registry scopes as the token spec writes them: `repository:NAME:ACTION[,ACTION…]`, and
 * `registry:catalog:*`. Repository names may contain `:`-free path segments only, so splitting
 * on the first and last `:` is unambiguous (a host:port never appears in a scope).
 */
import { isRepositoryName } from '../../oci/reference.ts'

export const REPOSITORY_ACTIONS = ['pull', 'push', 'delete'] as const
export type RepositoryAction = (typeof REPOSITORY_ACTIONS)[number]

export interface RepositoryScope {
  readonly type: 'repository'
  readonly name: string
  readonly actions: readonly RepositoryAction[]
}

export interface CatalogScope {
  readonly type: 'registry'
  readonly name: 'catalog'
  readonly actions: readonly ['*']
}

export type Scope = RepositoryScope | CatalogScope

const MAX_SCOPES = 32

function isAction(a: string): a is RepositoryAction {
  return (REPOSITORY_ACTIONS as readonly string[]).includes(a)
}

/**
 * Parses every `scope` value (each may hold several space-separated scopes). Unknown types and
 * actions are dropped, as distribution does; `*` means every action. Malformed names are dropped.
 */
export function parseScopes(values: readonly string[]): Scope[] {
  const out: Scope[] = []
  for (const raw of values.flatMap((v) => v.split(' ')).filter((s) => s !== '').slice(0, MAX_SCOPES)) {
    const first = raw.indexOf(':')
    const last = raw.lastIndexOf(':')
    if (first < 0 || last === first) continue
    const type = raw.slice(0, first)
    const name = raw.slice(first + 1, last)
    const actions = raw.slice(last + 1).split(',')
    if (type === 'registry' && name === 'catalog') {
      out.push({ type, name, actions: ['*'] })
      continue
    }
    if (type !== 'repository' || !isRepositoryName(name)) continue
    const wanted = actions.includes('*') ? [...REPOSITORY_ACTIONS] : actions.filter(isAction)
    const existing = out.find((s): s is RepositoryScope => s.type === 'repository' && s.name === name)
    if (existing) {
      out[out.indexOf(existing)] = { ...existing, actions: [...new Set([...existing.actions, ...wanted])] }
    } else {
      out.push({ type, name, actions: [...new Set(wanted)] })
    }
  }
  return out
}

export function formatScope(name: string, actions: readonly string[]): string {
  return `repository:${name}:${actions.join(',')}`
}
