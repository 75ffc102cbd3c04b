/**
 * Who a deploy policy applies to. A selector names principals (src/registry/auth/principal.ts):
 *
 *   admins              every admin user (whatever credential they use: password, token)
 *   anonymous           callers without credentials
 *   robots              every robot
 *   user:NAME           one user; `*` in NAME matches any run of characters (`user:ops-*`)
 *   robot$ORG+NAME      one robot by its full name (`robot$acme+ci`); `*` allowed (`robot$acme+deploy-*`)
 *
 * A personal access token acts as its user: the policy sees the user, not the token, so a token
 * cannot be used to step outside a policy that applies to its owner.
 */
import type { Principal } from '../auth/principal.ts'
import type { PrincipalScope } from './policy.ts'

const KEYWORDS = new Set(['admins', 'anonymous', 'robots'])
/** Names as Drydock accepts them, plus `*`; nothing that could be confused with another form. */
const USER_PATTERN = /^user:[A-Za-z0-9*][A-Za-z0-9._*-]{0,127}$/
const ROBOT_PATTERN = /^robot\$[a-z0-9*][a-z0-9._*-]{0,63}\+[A-Za-z0-9*][A-Za-z0-9._*-]{0,63}$/

/** Why a selector is not valid, or undefined when it is. */
export function selectorProblem(selector: string): string | undefined {
  if (KEYWORDS.has(selector) || USER_PATTERN.test(selector) || ROBOT_PATTERN.test(selector)) return undefined
  return 'must be admins, anonymous, robots, user:NAME or robot$ORG+NAME (NAME may use * wildcards)'
}

/** `*` matches any run of characters; everything else literally. Linear backtracking, no regex. */
export function wildcardMatches(pattern: string, text: string): boolean {
  let p = 0
  let t = 0
  let star = -1
  let mark = 0
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++
      t++
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++
      mark = t
    } else if (star !== -1) {
      p = star + 1
      t = ++mark
    } else {
      return false
    }
  }
  while (pattern[p] === '*') p++
  return p === pattern.length
}

export function selectorMatches(selector: string, principal: Principal): boolean {
  switch (selector) {
    case 'admins': return principal.kind === 'user' && principal.admin
    case 'anonymous': return principal.kind === 'anonymous'
    case 'robots': return principal.kind === 'robot'
  }
  if (selector.startsWith('user:')) return principal.kind === 'user' && wildcardMatches(selector.slice('user:'.length), principal.name)
  return principal.kind === 'robot' && wildcardMatches(selector, principal.name)
}

/** Does the policy apply to this caller? */
export function appliesTo(scope: PrincipalScope, principal: Principal): boolean {
  if (scope.kind === 'everyone') return true
  const listed = scope.selectors.some((s) => selectorMatches(s, principal))
  return scope.kind === 'only' ? listed : !listed
}
