/**
 * Who is asking, once credentials have been checked. A user acting through a personal access
 * token carries the token's limits: the token never grants more than its owner has.
 */
import type { GrantRecord, TokenAction } from '../metadata/auth-store.ts'

export interface TokenLimits {
  readonly id: string
  readonly actions: readonly TokenAction[]
  readonly targets: readonly string[]
}

export type Principal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly name: string; readonly admin: boolean; readonly token?: TokenLimits }
  | { readonly kind: 'robot'; readonly name: string; readonly org: string; readonly grants: readonly GrantRecord[] }

export const ANONYMOUS: Principal = { kind: 'anonymous' }

/** The name recorded in audit events and in the token's `sub` ('' for anonymous in tokens). */
export function principalName(p: Principal): string {
  return p.kind === 'anonymous' ? 'anonymous' : p.name
}
