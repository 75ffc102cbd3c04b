/** The built-in matchers, as an explicit list (no side-effect registration), and the runner over an inventory. */
import type { PackageRecord } from '../../model/package.ts'
import { apkMatcher } from './apk-matcher.ts'
import { dpkgMatcher } from './dpkg-matcher.ts'
import { languageMatcher } from './language-matcher.ts'
import type { Finding, MatchContext, Matcher } from './matcher.ts'
import { rpmMatcher } from './rpm-matcher.ts'

export const BUILTIN_MATCHERS: readonly Matcher[] = [apkMatcher, dpkgMatcher, rpmMatcher, languageMatcher]

/** Runs the first matcher responsible for each package's type; findings sorted by package, then id. */
export async function matchPackages(
  packages: readonly PackageRecord[],
  ctx: MatchContext,
  matchers: readonly Matcher[] = BUILTIN_MATCHERS,
): Promise<Finding[]> {
  const out: Finding[] = []
  for (const pkg of packages) {
    const m = matchers.find((x) => x.packageTypes.includes(pkg.type))
    // One by one: spreading a list of unbounded length as arguments overflows the call stack.
    if (m !== undefined) for (const f of await m.match(pkg, ctx)) out.push(f)
  }
  return out.sort((a, b) => a.package.name.localeCompare(b.package.name) || a.package.version.localeCompare(b.package.version) || a.id.localeCompare(b.id))
}
