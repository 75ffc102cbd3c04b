// DRY-DI-0008 on Debian bookworm's real nginx and HAProxy configuration files (testdata/, see
// its README), as shipped and with the edits a user makes: headers at http level, a location
// that overrides them, includes, quoting, HAProxy frontends, backends and defaults.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, it } from 'node:test'
import type { ImageConfig } from '../../image/source.ts'
import { checkImage } from '../check-image.ts'
import { securityHeadersRule } from '../rules/security-headers-rule.ts'
import type { ConfigFile, ConfigFiles } from './config-files.ts'
import { haproxyHeaderScopes, haproxyWords, parseHaproxy } from './haproxy-config.ts'
import { nginxHeaderScopes, parseNginx } from './nginx-config.ts'

const FIXTURE = join(import.meta.dirname, 'testdata', 'debian-bookworm')

function debianFiles(): Map<string, ConfigFile> {
  const out = new Map<string, ConfigFile>()
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name)
      if (statSync(full).isDirectory()) walk(full)
      else {
        const path = relative(FIXTURE, full)
        out.set(path, { path, text: readFileSync(full, 'utf8') })
      }
    }
  }
  walk(FIXTURE)
  return out
}

/** Debian's postinst: sites-enabled/default -> /etc/nginx/sites-available/default. */
function enableDefaultSite(files: Map<string, ConfigFile>): Map<string, ConfigFile> {
  const site = files.get('etc/nginx/sites-available/default')
  assert.ok(site)
  files.set('etc/nginx/sites-enabled/default', site)
  return files
}

const withText = (files: Map<string, ConfigFile>, path: string, text: string): Map<string, ConfigFile> => files.set(path, { path, text })
const config: ImageConfig = { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } }
const evidence = (files: ConfigFiles): string[] => checkImage({ config, configFiles: files }, {}, [securityHeadersRule]).map((f) => f.evidence)

const ALL_THREE = 'missing X-Content-Type-Options, X-Frame-Options, Strict-Transport-Security'

describe('DRY-DI-0008 on nginx', () => {
  it('Debian\'s default site sets none of the three headers', () => {
    assert.deepEqual(evidence(enableDefaultSite(debianFiles())), [
      `nginx /etc/nginx/sites-enabled/default:21 server _ (listen 80, [::]:80): ${ALL_THREE}`,
    ])
  })

  it('nothing to check when no site is enabled (as the package ships: sites-enabled/ is empty)', () => {
    assert.deepEqual(evidence(debianFiles()), [])
  })

  it('headers set at http level (conf.d include) are inherited, until a location sets its own', () => {
    const files = enableDefaultSite(debianFiles())
    withText(files, 'etc/nginx/conf.d/security-headers.conf', [
      '# site-wide security headers',
      'add_header X-Content-Type-Options nosniff always;',
      "add_header 'X-Frame-Options' \"DENY\" always;",
      'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
    ].join('\n'))
    assert.deepEqual(evidence(files), [])
    const site = files.get('etc/nginx/sites-available/default')?.text ?? ''
    const api = site.replace('\tlocation / {', '\tlocation /api/ {\n\t\tadd_header Cache-Control "no-store";\n\t\tproxy_pass http://127.0.0.1:8080;\n\t}\n\n\tlocation / {')
    withText(files, 'etc/nginx/sites-enabled/default', api)
    assert.deepEqual(evidence(files), [
      `nginx /etc/nginx/sites-enabled/default:48 server _ (listen 80, [::]:80), location /api/ (its own add_header replaces the inherited ones): ${ALL_THREE}`,
    ])
  })

  it('reports only the missing ones, per server', () => {
    const files = debianFiles()
    withText(files, 'etc/nginx/sites-enabled/app.conf', [
      'server {',
      '  listen 443 ssl;',
      '  server_name app.example.com;',
      '  add_header X-Frame-Options SAMEORIGIN;',
      '  add_header Strict-Transport-Security "max-age=63072000" always; # two years',
      '}',
      'server { listen 80; server_name app.example.com; return 301 https://$host$request_uri; }',
    ].join('\n'))
    assert.deepEqual(evidence(files), [
      'nginx /etc/nginx/sites-enabled/app.conf:1 server app.example.com (listen 443): missing X-Content-Type-Options',
      `nginx /etc/nginx/sites-enabled/app.conf:7 server app.example.com (listen 80): ${ALL_THREE}`,
    ])
  })

  it('parses the real files: every include of nginx.conf is followed, comments and quotes handled', () => {
    const config = parseNginx(enableDefaultSite(debianFiles()))
    assert.equal(config?.truncated, false)
    const parsed = config?.directives ?? []
    const http = parsed.find((d) => d.name === 'http')
    const names = (http?.block ?? []).map((d) => d.name)
    assert.ok(names.includes('types'), 'mime.types is included') // include /etc/nginx/mime.types;
    assert.ok(names.includes('server'), 'sites-enabled/* is included')
    assert.deepEqual(nginxHeaderScopes(parsed).map((s) => [s.file, s.line, s.label]), [['etc/nginx/sites-enabled/default', 21, 'server _ (listen 80, [::]:80)']])
    assert.equal(parseNginx(new Map()), undefined)
  })

  it('include loops, include bombs and deep nesting end, and say the config was not fully checked', () => {
    const NOT_CHECKED = 'nginx /etc/nginx/nginx.conf: not fully checked: includes nested over 16 deep, blocks over 64 deep, or over 2,000,000 tokens with includes expanded'
    const loop = enableDefaultSite(debianFiles())
    withText(loop, 'etc/nginx/conf.d/loop.conf', 'include /etc/nginx/conf.d/loop.conf;')
    assert.deepEqual(evidence(loop), [`nginx /etc/nginx/sites-enabled/default:21 server _ (listen 80, [::]:80): ${ALL_THREE}`, NOT_CHECKED])
    // Ten files, each including all ten a hundred times: 1000^16 expansions without a bound.
    const bomb = enableDefaultSite(debianFiles())
    for (let i = 0; i < 10; i++) withText(bomb, `etc/nginx/conf.d/bomb${i}.conf`, 'include /etc/nginx/conf.d/bomb*.conf;\n'.repeat(100))
    assert.deepEqual(evidence(bomb), [NOT_CHECKED])
    // Blocks nested a hundred thousand deep: the parser stops at a bound, it does not overflow.
    const deep = debianFiles()
    withText(deep, 'etc/nginx/conf.d/deep.conf', 'location / {'.repeat(100_000))
    assert.deepEqual(evidence(deep), [NOT_CHECKED])
  })
})

describe('DRY-DI-0008 on HAProxy', () => {
  const BACKENDS = [
    '',
    'frontend www',
    '    bind :80',
    '    http-response set-header X-Frame-Options DENY',
    '    use_backend api if { path_beg /api }',
    '    default_backend static',
    '',
    'backend api',
    '    http-response set-header X-Content-Type-Options nosniff',
    '    http-response add-header "Strict-Transport-Security" "max-age=31536000" if { ssl_fc }',
    '    server api1 127.0.0.1:8080',
    '',
    'backend static',
    '    http-response set-header X-Content-Type-Options nosniff',
    '    server static1 127.0.0.1:8081',
  ].join('\n')

  it('Debian\'s haproxy.cfg (global and defaults only) serves nothing: no finding', () => {
    const sections = parseHaproxy(debianFiles()) ?? []
    assert.deepEqual(sections.map((s) => s.kind), ['global', 'defaults'])
    assert.deepEqual(evidence(debianFiles()), [])
  })

  it('a frontend gets its own headers and those every backend it routes to sets', () => {
    const files = debianFiles()
    const cfg = files.get('etc/haproxy/haproxy.cfg')?.text ?? ''
    withText(files, 'etc/haproxy/haproxy.cfg', cfg + BACKENDS)
    const line = cfg.split('\n').length + 1
    assert.deepEqual(evidence(files), [`HAProxy /etc/haproxy/haproxy.cfg:${line} frontend www: missing Strict-Transport-Security`])
  })

  it('defaults sections and conf.d/*.cfg count; legacy rspadd too', () => {
    const files = debianFiles()
    const cfg = files.get('etc/haproxy/haproxy.cfg')?.text ?? ''
    withText(files, 'etc/haproxy/haproxy.cfg', cfg.replace('\toption\thttplog', '\toption\thttplog\n\thttp-response set-header Strict-Transport-Security max-age=31536000'))
    withText(files, 'etc/haproxy/conf.d/10-www.cfg', BACKENDS)
    assert.deepEqual(evidence(files), [])
    withText(files, 'etc/haproxy/conf.d/20-legacy.cfg', 'listen legacy\n  bind :8080\n  rspadd X-Frame-Options:\\ SAMEORIGIN\n  server s 127.0.0.1:9000\n')
    assert.deepEqual(evidence(files), ['HAProxy /etc/haproxy/conf.d/20-legacy.cfg:1 listen legacy: missing X-Content-Type-Options'])
    assert.deepEqual(haproxyHeaderScopes(parseHaproxy(files) ?? []).map((s) => s.label), ['frontend www', 'listen legacy'])
  })

  it('splits words as haproxy does', () => {
    assert.deepEqual(haproxyWords('  http-response set-header "X-Frame-Options" \'DENY\' # comment'), ['http-response', 'set-header', 'X-Frame-Options', 'DENY'])
    assert.deepEqual(haproxyWords('rspadd X-Frame-Options:\\ DENY'), ['rspadd', 'X-Frame-Options: DENY'])
    assert.deepEqual(haproxyWords('acl empty ""'), ['acl', 'empty', ''])
  })
})
