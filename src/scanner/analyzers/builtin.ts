/**
 * The explicit list of built-in analyzers (no side-effect registration: see STYLE 5.2). To add
 * one, import it and append it to the right group. Order matters only as a tie-break (OS
 * precedence is decided by resolveOs, not by this order). Duplicate names fail at load time,
 * because the name is part of the layer cache key and of every Unknown.
 */
import type { Analyzer } from './analyzer.ts'
import { installedLangAnalyzers, lockfileLangAnalyzers } from './lang/lang-analyzers.ts'
import { osReleaseAnalyzer } from './os/os-release-analyzer.ts'
import { releaseFileAnalyzer } from './os/release-file-analyzer.ts'
import { apkAnalyzer } from './pkg/apk/apk-analyzer.ts'
import { dpkgAnalyzer } from './pkg/dpkg/dpkg-analyzer.ts'
import { rpmAnalyzer } from './pkg/rpm/rpm-analyzer.ts'

const OS_ANALYZERS: readonly Analyzer[] = [osReleaseAnalyzer, releaseFileAnalyzer]
const OS_PACKAGE_ANALYZERS: readonly Analyzer[] = [apkAnalyzer, dpkgAnalyzer, rpmAnalyzer]

function unique(list: readonly Analyzer[]): readonly Analyzer[] {
  const seen = new Set<string>()
  for (const a of list) {
    if (seen.has(a.name)) throw new Error(`analyzer ${a.name} is registered twice in builtin.ts`)
    seen.add(a.name)
  }
  return list
}

/** What an image scan runs: OS detection, OS package databases, installed language packages. */
export const builtinAnalyzers: readonly Analyzer[] = unique([...OS_ANALYZERS, ...OS_PACKAGE_ANALYZERS, ...installedLangAnalyzers])

/** Lock files describe a project rather than an image; for filesystem/repository scans. */
export const lockfileAnalyzers: readonly Analyzer[] = unique([...lockfileLangAnalyzers])
