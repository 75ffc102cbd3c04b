// DRY-DI-0008: an nginx or HAProxy configuration in the image serves responses without the
// security headers that stop MIME sniffing (X-Content-Type-Options), framing
// (X-Frame-Options) and HTTPS downgrade (Strict-Transport-Security). Reads the config files
// the caller read from the image (ImageFacts.configFiles, see web-server/config-files.ts).
import type { LayerFileIndex } from '../../image/apply-layers.ts'
import type { FileLocation } from '../finding.ts'
import type { Evidence, MisconfigRule } from '../rule.ts'
import { finalFiles } from '../rule.ts'
import type { ConfigFiles } from '../web-server/config-files.ts'
import { haproxyHeaderScopes, parseHaproxy } from '../web-server/haproxy-config.ts'
import { nginxHeaderScopes, parseNginx, type HeaderScope } from '../web-server/nginx-config.ts'

export const SECURITY_HEADERS = ['X-Content-Type-Options', 'X-Frame-Options', 'Strict-Transport-Security'] as const
const MAX_REPORTED = 50

function locate(layerFiles: readonly LayerFileIndex[], files: ConfigFiles, scope: HeaderScope): FileLocation {
  const real = files.get(scope.file)?.path ?? scope.file
  const found = finalFiles(layerFiles).find((f) => f.file.path === real)
  const layer = found ? { diffId: found.layer.diffId, layerIndex: found.index, ...(found.layer.digest ? { layerDigest: found.layer.digest } : {}) } : {}
  return { kind: 'file', path: real, ...layer, line: scope.line }
}

export const securityHeadersRule: MisconfigRule = {
  id: 'DRY-DI-0008', severity: 'MEDIUM', title: 'Web server config lacks security headers',
  remediation: 'Set X-Content-Type-Options: nosniff, X-Frame-Options: DENY (or SAMEORIGIN) and Strict-Transport-Security (e.g. max-age=31536000) on every server: nginx `add_header … always;` in http or server (repeat them in a location that has add_header of its own), HAProxy `http-response set-header` in the frontend, backend or defaults.',
  checkImage(facts) {
    const files = facts.configFiles
    if (files === undefined || files.size === 0) return []
    const nginx = parseNginx(files)
    const haproxy = parseHaproxy(files)
    const scopes = [
      ...(nginx ? nginxHeaderScopes(nginx.directives).map((s) => ({ server: 'nginx', scope: s })) : []),
      ...(haproxy ? haproxyHeaderScopes(haproxy).map((s) => ({ server: 'HAProxy', scope: s })) : []),
    ]
    const out: Evidence[] = []
    for (const { server, scope } of scopes) {
      const missing = SECURITY_HEADERS.filter((h) => !scope.headers.has(h.toLowerCase()))
      if (missing.length === 0 || out.length >= MAX_REPORTED) continue
      const why = scope.overrides ? ' (its own add_header replaces the inherited ones)' : ''
      out.push({
        evidence: `${server} /${scope.file}:${scope.line} ${scope.label}${why}: missing ${missing.join(', ')}`,
        location: locate(facts.layerFiles, files, scope),
      })
    }
    if (nginx?.truncated) {
      // Say so rather than pass what was not read.
      out.push({
        evidence: `nginx /${nginx.main}: not fully checked: includes nested over 16 deep, blocks over 64 deep, or over 2,000,000 tokens with includes expanded`,
        location: locate(facts.layerFiles, files, { label: '', file: nginx.main, line: 1, headers: new Set(), overrides: false }),
      })
    }
    return out
  },
}
