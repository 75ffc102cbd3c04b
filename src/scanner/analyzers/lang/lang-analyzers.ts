/**
 * The language-package analyzers, in two lists for the builtin registry:
 * - installed: what is actually present in an image (node_modules manifests, Python metadata,
 *   binaries, archives, installed gemspecs, Composer's installed.json, .NET deps.json). This is
 *   what Trivy and Syft report for container images.
 * - lockfiles: what a project declares (package-lock, yarn.lock, pnpm-lock, Cargo.lock,
 *   composer.lock), meant for filesystem/repository scans; in an image they would repeat the
 *   installed packages.
 * composer-analyzer reads both composer.lock and installed.json, so it sits in `installed`.
 */
import type { Analyzer } from '../analyzer.ts'
import { dotnetDepsAnalyzer } from './dotnet/dotnet-deps-analyzer.ts'
import { goBinaryAnalyzer } from './go-binary/go-binary-analyzer.ts'
import { javaArchiveAnalyzer } from './java/java-archive-analyzer.ts'
import { npmPackageJsonAnalyzer } from './npm/npm-package-json-analyzer.ts'
import { npmPackageLockAnalyzer } from './npm/npm-package-lock-analyzer.ts'
import { pnpmLockAnalyzer } from './npm/pnpm-lock-analyzer.ts'
import { yarnLockAnalyzer } from './npm/yarn-lock-analyzer.ts'
import { composerAnalyzer } from './php/composer-analyzer.ts'
import { pythonPackageAnalyzer } from './python/python-package-analyzer.ts'
import { gemspecAnalyzer } from './ruby/gemspec-analyzer.ts'
import { cargoAuditableAnalyzer } from './rust/cargo-auditable-analyzer.ts'
import { cargoLockAnalyzer } from './rust/cargo-lock-analyzer.ts'

export const installedLangAnalyzers: readonly Analyzer[] = [
  npmPackageJsonAnalyzer,
  pythonPackageAnalyzer,
  goBinaryAnalyzer,
  javaArchiveAnalyzer,
  gemspecAnalyzer,
  cargoAuditableAnalyzer,
  composerAnalyzer,
  dotnetDepsAnalyzer,
]

export const lockfileLangAnalyzers: readonly Analyzer[] = [
  npmPackageLockAnalyzer,
  yarnLockAnalyzer,
  pnpmLockAnalyzer,
  cargoLockAnalyzer,
]
