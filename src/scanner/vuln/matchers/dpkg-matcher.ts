/**
 * Debian and Ubuntu packages. Advisories name the SOURCE package (`glibc`, not `libc6`) and
 * give source versions, so we match `sourceName ?? name` at `sourceVersion ?? version`.
 * A binNMU (binary-only rebuild) appends `+bN` to the binary version only: `2.36-9+deb12u4+b1`
 * is built from source `2.36-9+deb12u4`. When dpkg recorded no separate source version we strip
 * that suffix, as Trivy and osv-scanner do, so a rebuild is not mistaken for a newer source.
 * Ecosystems: `Debian:<major>` (`12` for bookworm), `Ubuntu:<release>` and `Ubuntu:<release>:LTS`.
 */
import type { OsInfo } from '../../model/package.ts'
import type { Matcher } from './matcher.ts'
import { matchOsv } from './match-osv.ts'

const BINNMU = /\+b\d+$/

export function debianSourceVersion(version: string, sourceVersion: string | undefined): string {
  return sourceVersion ?? version.replace(BINNMU, '')
}

function ecosystems(os: OsInfo): string[] {
  if (os.family === 'debian') return [`Debian:${os.release.split('.')[0] ?? os.release}`]
  if (os.family === 'ubuntu') return [`Ubuntu:${os.release}`, `Ubuntu:${os.release}:LTS`]
  return []
}

export const dpkgMatcher: Matcher = {
  name: 'dpkg',
  version: 1,
  packageTypes: ['deb'],
  async match(pkg, ctx) {
    if (ctx.os === undefined) return []
    const name = pkg.sourceName ?? pkg.name
    const version = debianSourceVersion(pkg.version, pkg.sourceVersion)
    const out = []
    for (const ecosystem of ecosystems(ctx.os)) for (const f of await matchOsv(pkg, { ecosystem, name, version }, ctx)) out.push(f)
    return out
  },
}
