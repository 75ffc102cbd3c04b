/**
 * Allowlists: findings the user has reviewed and accepted. Three kinds, any of which suppresses:
 * a path (glob with `*`, `**` and `?`, or a regex written `/.../`), a rule id, or a fingerprint
 * (`sha256:` + 16 hex digits as printed in reports, which names one secret without storing it).
 * Test fixtures and vendored documentation are the usual entries.
 */
export interface SecretAllowlistConfig {
  readonly paths?: readonly string[]
  readonly rules?: readonly string[]
  readonly fingerprints?: readonly string[]
}

export interface SecretAllowlist {
  allowsPath(path: string): boolean
  allows(ruleId: string, path: string | undefined, fingerprint: string): boolean
}

/** Converts a glob to an anchored regex: `**` crosses directories, `*` and `?` do not. */
export function globToRegExp(glob: string): RegExp {
  let re = ''
  const g = glob.replace(/^\/+/, '')
  for (let i = 0; i < g.length; i++) {
    const c = g[i] as string
    if (c === '*' && g[i + 1] === '*') {
      re += g[i + 2] === '/' ? '(?:.*/)?' : '.*'
      i += g[i + 2] === '/' ? 2 : 1
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

function pathMatcher(pattern: string): RegExp {
  const m = /^\/(.+)\/([a-z]*)$/.exec(pattern)
  return m ? new RegExp(m[1] as string, (m[2] ?? '').replace(/[gy]/g, '')) : globToRegExp(pattern)
}

export function compileAllowlist(cfg: SecretAllowlistConfig = {}): SecretAllowlist {
  const paths = (cfg.paths ?? []).map(pathMatcher)
  const rules = new Set(cfg.rules ?? [])
  const fingerprints = new Set((cfg.fingerprints ?? []).map((f) => (f.startsWith('sha256:') ? f : `sha256:${f}`).toLowerCase()))
  const allowsPath = (path: string): boolean => paths.some((re) => re.test(path.replace(/^\/+/, '')))
  return {
    allowsPath,
    allows: (ruleId, path, fingerprint) => rules.has(ruleId) || fingerprints.has(fingerprint) || (path !== undefined && allowsPath(path)),
  }
}
