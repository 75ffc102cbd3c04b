/**
 * The analyzers `drydock scan` and `drydock sbom` run on an image: OS detection, OS package
 * databases, and installed language packages (lockfiles would repeat what node_modules holds).
 * TODO(lead): replace with analyzers/builtin.ts once it exists; kept here so scan works today.
 */
import type { Analyzer } from '../analyzers/analyzer.ts'
import { installedLangAnalyzers } from '../analyzers/lang/lang-analyzers.ts'
import { osReleaseAnalyzer } from '../analyzers/os/os-release-analyzer.ts'
import { releaseFileAnalyzer } from '../analyzers/os/release-file-analyzer.ts'
import { apkAnalyzer } from '../analyzers/pkg/apk/apk-analyzer.ts'
import { dpkgAnalyzer } from '../analyzers/pkg/dpkg/dpkg-analyzer.ts'
import { rpmAnalyzer } from '../analyzers/pkg/rpm/rpm-analyzer.ts'

export const IMAGE_ANALYZERS: readonly Analyzer[] = [
  osReleaseAnalyzer,
  releaseFileAnalyzer,
  apkAnalyzer,
  dpkgAnalyzer,
  rpmAnalyzer,
  ...installedLangAnalyzers,
]
