/**
 * Test-only helpers for the language analyzers: temp dirs, extracting a layer of a shared test
 * image with the real `tar`, running an analyzer over a directory tree the way the layer walker
 * does (required() on path + metadata, then analyze() with the bytes).
 */
import { execFileSync } from 'node:child_process'
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import type { TestContext } from 'node:test'
import type { Digest } from '../../../oci/digest.ts'
import { IMAGES_DIR, requireTestdata } from '../../../testkit/repo-paths.ts'
import type { Analyzer, AnalysisInput, FileMeta } from '../analyzer.ts'
import type { PackageRecord, Unknown } from '../../model/package.ts'

export const TEST_DIFF_ID = `sha256:${'ab'.repeat(32)}` as Digest

/** A fresh temp dir removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'drydock-lang-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Runs a tool and returns stdout; a missing tool or a failure throws with its stderr. */
export function run(cmd: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  try {
    return execFileSync(cmd, args, { ...options, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT') throw new Error(`${cmd} is not installed: the test needs it (see PACKAGES in .ci/run)`)
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}`)
  }
}

/** Extracts layer `index` of the first manifest of a shared OCI layout into `dest` (GNU tar wildcards). */
export function extractLayer(image: string, index: number, dest: string, members: readonly string[] = []): void {
  requireTestdata()
  const layout = join(IMAGES_DIR, image)
  const blob = (digest: string): string => join(layout, 'blobs', ...digest.split(':'))
  const idx = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }
  const manifestDigest = idx.manifests[0]?.digest
  if (manifestDigest === undefined) throw new Error(`${image}: empty index`)
  const manifest = JSON.parse(readFileSync(blob(manifestDigest), 'utf8')) as { layers: { digest: string }[] }
  const layer = manifest.layers[index]
  if (layer === undefined) throw new Error(`${image}: no layer ${index}`)
  run('tar', ['-xzf', blob(layer.digest), '-C', dest, '--no-same-owner', '--wildcards', ...members])
}

export function inputFor(path: string, content: Uint8Array, meta: Partial<FileMeta> = {}): AnalysisInput {
  return {
    path,
    content,
    diffId: TEST_DIFF_ID,
    meta: { path, size: content.length, mode: 0o644, uid: 0, gid: 0, ...meta },
  }
}

export interface TreeResult {
  readonly packages: PackageRecord[]
  readonly unknowns: Unknown[]
  readonly analyzedPaths: string[]
}

/** Walks `root` (symlinks not followed) and feeds every wanted regular file to the analyzers. */
export async function analyzeTree(analyzers: readonly Analyzer[], root: string): Promise<TreeResult> {
  const result: TreeResult = { packages: [], unknowns: [], analyzedPaths: [] }
  const walk = async (dir: string): Promise<void> => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry)
      const st = lstatSync(full)
      if (st.isDirectory()) {
        await walk(full)
        continue
      }
      if (!st.isFile()) continue
      const path = relative(root, full).split(sep).join('/')
      const meta: FileMeta = { path, size: st.size, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }
      for (const analyzer of analyzers) {
        if (!analyzer.required(path, meta) || st.size > analyzer.maxFileSize) continue
        result.analyzedPaths.push(path)
        const out = await analyzer.analyze(inputFor(path, readFileSync(full), meta))
        result.packages.push(...(out?.packages ?? []))
        result.unknowns.push(...(out?.unknowns ?? []))
      }
    }
  }
  await walk(root)
  return result
}

/** `name@version` strings, sorted: the shape most comparisons need. */
export function nameVersions(packages: readonly PackageRecord[]): string[] {
  return packages.map((p) => `${p.name}@${p.version}`).sort()
}
