// Test helpers for the image layer: the shared test layouts, GNU tar/gzip/zstd runners and a
// tiny analyzer that records what it sees. Used by tests only.
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { IMAGES_DIR, requireTestdata } from '../../../testkit/repo-paths.ts'
import type { Analyzer, AnalysisInput } from '../../analyzers/analyzer.ts'

export const execFileP = promisify(execFile)

export interface LayoutLayer {
  readonly image: string
  readonly digest: string
  readonly diffId: string
  readonly mediaType: string
  readonly blobPath: string
}

function blobPath(dir: string, digest: string): string {
  const [alg, hex] = digest.split(':') as [string, string]
  return join(dir, 'blobs', alg, hex)
}

/** Every image-manifest layer of every shared test layout (read with plain JSON, independently of our sources). */
export async function listLayoutLayers(): Promise<LayoutLayer[]> {
  requireTestdata()
  const out: LayoutLayer[] = []
  const seen = new Set<string>()
  for (const image of (await readdir(IMAGES_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const dir = join(IMAGES_DIR, image)
    const queue: string[] = (JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }).manifests.map((m) => m.digest)
    while (queue.length > 0) {
      const d = queue.shift() as string
      const doc = JSON.parse(await readFile(blobPath(dir, d), 'utf8')) as { manifests?: { digest: string }[]; config?: { digest: string }; layers?: { digest: string; mediaType: string }[] }
      if (doc.manifests) queue.push(...doc.manifests.map((m) => m.digest))
      if (!doc.config || !doc.layers) continue
      const config = JSON.parse(await readFile(blobPath(dir, doc.config.digest), 'utf8')) as { rootfs: { diff_ids: string[] } }
      doc.layers.forEach((l, i) => {
        if (seen.has(l.digest)) return
        seen.add(l.digest)
        out.push({ image, digest: l.digest, mediaType: l.mediaType, diffId: config.rootfs.diff_ids[i] ?? '', blobPath: blobPath(dir, l.digest) })
      })
    }
  }
  return out
}

/** Runs a command, failing with a clear message when the tool is missing. */
export async function run(cmd: string, args: readonly string[], opts: { cwd?: string; maxBuffer?: number } = {}): Promise<string> {
  try {
    const { stdout } = await execFileP(cmd, args, { maxBuffer: opts.maxBuffer ?? 256 * 1024 * 1024, ...(opts.cwd ? { cwd: opts.cwd } : {}) })
    return stdout
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') throw new Error(`required tool '${cmd}' is not installed (see .ci/run PACKAGES)`)
    throw err
  }
}

/** Runs a command with stdin from a buffer. */
export async function runWithInput(cmd: string, args: readonly string[], input: Buffer | undefined): Promise<Buffer> {
  return await new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'inherit'] })
    const out: Buffer[] = []
    p.on('error', (err) => reject((err as { code?: unknown }).code === 'ENOENT' ? new Error(`required tool '${cmd}' is not installed`) : err))
    p.stdout?.on('data', (c: Buffer) => out.push(c))
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${cmd} exited with ${code}`))))
    if (input) {
      p.stdin?.on('error', reject)
      p.stdin?.end(input)
    }
  })
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-image-'))
  try {
    return await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** An analyzer that wants the paths matching `match` and records every call. */
export function recordingAnalyzer(name: string, match: (path: string) => boolean, maxFileSize = 1 << 20): Analyzer & { calls: AnalysisInput[]; requiredCalls: number } {
  const a = {
    name,
    version: 1,
    maxFileSize,
    calls: [] as AnalysisInput[],
    requiredCalls: 0,
    required(path: string): boolean {
      a.requiredCalls++
      return match(path)
    },
    async analyze(input: AnalysisInput) {
      a.calls.push(input)
      return undefined
    },
  }
  return a
}

/** Like run, but returns stdout as bytes (for tar output). */
export async function runBuffer(cmd: string, args: readonly string[]): Promise<Buffer> {
  return await runWithInput(cmd, args, undefined)
}
