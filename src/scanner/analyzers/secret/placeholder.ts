/**
 * Values that look like a secret assignment but are documentation or templating: a real scanner
 * that cries wolf on `PASSWORD=changeme` in every sample config is switched off by its users.
 */
const PLACEHOLDER_WORDS = new Set([
  'changeme', 'change_me', 'change-me', 'changeit', 'password', 'passwd', 'secret', 'token', 'apikey', 'api_key',
  'example', 'sample', 'dummy', 'placeholder', 'redacted', 'hidden', 'masked', 'none', 'null', 'nil', 'undefined',
  'true', 'false', 'empty', 'test', 'testing', 'default', 'required', 'optional', 'your_password', 'yourpassword',
  'mypassword', 'string', 'value', 'todo', 'fixme', 'notset', 'not_set', 'unset',
])

const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/, // $VAR, ${VAR}
  /^\$\{.*\}$/, // ${VAR:-default}
  /^\{\{.*\}\}$/, // {{ template }}
  /^%\(.*\)s$/, // %(name)s
  /^<[^>]*>$/, // <password>
  /^\[[^\]]*\]$/, // [password]
  /^([x*#.\-_0])\1{2,}$/i, // xxx, ****, ----, 000
  /^(?:your|my|enter|insert|replace|put)[-_ ]?(?:own[-_ ]?)?(?:password|secret|token|key|api[-_]?key)(?:[-_ ]?here)?$/i,
  /^(?:example|sample|dummy|fake|test|placeholder)[-_]?/i,
  /^os\.environ|^process\.env|^env\(/i,
]

export function isPlaceholder(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '')
  if (v.length < 4) return true
  if (PLACEHOLDER_WORDS.has(v.toLowerCase())) return true
  return PLACEHOLDER_PATTERNS.some((re) => re.test(v))
}
