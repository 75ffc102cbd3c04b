/**
 * Test helper: pulls a few files out of one layer of a shared test image with GNU tar, and runs
 * native tools. Finds the layer through index.json → manifest → layers, never by a hard-coded
 * digest. Test-only: production code gets file bytes from the layer walker.
 */
import { execFile } from 'node:child_process'
import { lstat, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { AnalysisInput } from '../../analyzer.ts'
import type { Digest } from '../../../../oci/digest.ts'
import { IMAGES_DIR, requireTestdata } from '../../../../testkit/repo-paths.ts'

const run = promisify(execFile)

/** Runs a native tool; a missing tool fails the test with a clear message instead of skipping. */
export async function tool(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(cmd, [...args], { maxBuffer: 256 * 1024 * 1024, env: env ?? process.env })
    return stdout
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`required tool '${cmd}' is not installed (see PACKAGES in .ci/run)`)
    }
    throw err
  }
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown
}

function blobPath(image: string, digest: string): string {
  return join(IMAGES_DIR, image, 'blobs', ...digest.split(':'))
}

/** Layer blob paths of an image's first manifest, bottom layer first. */
export async function layerBlobs(image: string): Promise<string[]> {
  requireTestdata()
  const index = (await readJson(join(IMAGES_DIR, image, 'index.json'))) as { manifests: { digest: string }[] }
  const first = index.manifests[0]
  if (!first) throw new Error(`${image}: empty index.json`)
  const manifest = (await readJson(blobPath(image, first.digest))) as { layers: { digest: string }[] }
  return manifest.layers.map((l) => blobPath(image, l.digest))
}

export interface ExtractedFiles {
  readonly dir: string
  /** Regular files that were extracted, by normalised path (no `./`, no leading slash). */
  readonly files: ReadonlyMap<string, Uint8Array>
  cleanup(): Promise<void>
}

/**
 * Extracts the entries of layer `layerIndex` whose normalised path passes `want` into a fresh
 * temp dir. Symlinks are extracted too (native tools may need them) but are not in `files`.
 */
export async function extractLayer(image: string, layerIndex: number, want: (path: string) => boolean): Promise<ExtractedFiles> {
  const layer = (await layerBlobs(image))[layerIndex]
  if (!layer) throw new Error(`${image}: no layer ${layerIndex}`)
  const names = (await tool('tar', ['-tzf', layer])).split('\n').filter((n) => n !== '' && !n.endsWith('/'))
  const picked = names.filter((n) => want(normalise(n)))
  const dir = await mkdtemp(join(tmpdir(), 'drydock-ospkg-'))
  const files = new Map<string, Uint8Array>()
  try {
    if (picked.length > 0) await tool('tar', ['-xzf', layer, '-C', dir, '--', ...picked])
    for (const n of picked) {
      const full = join(dir, n)
      if ((await lstat(full)).isFile()) files.set(normalise(n), await readFile(full))
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
  return { dir, files, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

function normalise(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '')
}

export const TEST_DIFF_ID = `sha256:${'0'.repeat(64)}` as Digest

export function analysisInput(path: string, content: Uint8Array): AnalysisInput {
  return { path, content, meta: { path, size: content.byteLength, mode: 0o100644, uid: 0, gid: 0 }, diffId: TEST_DIFF_ID }
}
