/**
 * Alpine packages: advisories are keyed by branch (`Alpine:v3.19`, from OsInfo.release `3.19`)
 * and by the origin (source) package, so `libssl3` and `libcrypto3` match `openssl` records.
 */
import type { Matcher } from './matcher.ts'
import { matchOsv } from './match-osv.ts'

export const apkMatcher: Matcher = {
  name: 'apk',
  version: 1,
  packageTypes: ['apk'],
  async match(pkg, ctx) {
    if (ctx.os === undefined || (ctx.os.family !== 'alpine')) return []
    const release = ctx.os.release.split('.').slice(0, 2).join('.')
    return matchOsv(pkg, { ecosystem: `Alpine:v${release}`, name: pkg.sourceName ?? pkg.name, version: pkg.version }, ctx)
  },
}
