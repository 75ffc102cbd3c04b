/**
 * Walker throughput and memory on a large generated layer, against the floor of
 * `gzip -dc LAYER | tar -t` on the same layer in the same run.
 *
 *   npm exec -- node bench/analyze-throughput.ts [sizeMB=300]
 *
 * Prints MB/s (uncompressed) for both, the ratio, and the walker's peak RSS (measured in a
 * child process so that generating the layer does not count). Targets: ratio >= 0.7, RSS <= 200 MB.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Digest } from '../src/oci/digest.ts'
import { builtinAnalyzers } from '../src/scanner/analyzers/builtin.ts'
import { openLayerStream } from '../src/scanner/image/layer-stream.ts'
import { walkLayer } from '../src/scanner/image/layer-walker.ts'
import { DEFAULT_SCAN_LIMITS } from '../src/scanner/image/scan-limits.ts'
import { tarHeader } from '../src/scanner/image/testing/tar-writer.ts'

async function measure(layer: string, diffId: string): Promise<void> {
  const t0 = performance.now()
  const tar = await openLayerStream(createReadStream(layer), { maxUncompressedBytes: DEFAULT_SCAN_LIMITS.maxLayerBytes, expectedDiffId: diffId as Digest })
  const r = await walkLayer(tar, { diffId: diffId as Digest, analyzers: builtinAnalyzers, limits: DEFAULT_SCAN_LIMITS })
  const ms = performance.now() - t0
  process.stdout.write(JSON.stringify({ ms, bytes: r.uncompressedBytes, files: r.files.length, maxRssKb: process.resourceUsage().maxRSS }))
}

/** Writes a gzip layer of about `mb` MB uncompressed: files of 1 KiB..4 MiB, text-like (compressible) content. */
async function generate(path: string, mb: number): Promise<{ diffId: string; bytes: number }> {
  const pool = Buffer.from(randomBytes(3 << 20).toString('base64'))
  const hash = createHash('sha256')
  let bytes = 0
  async function* tar(): AsyncGenerator<Buffer> {
    let i = 0
    let seed = 12345
    while (bytes < mb * 1024 * 1024) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      const size = 1024 + (seed % (4 << 20))
      const start = seed % (pool.length - size)
      const name = `usr/share/bench/d${i % 97}/file-${i}.txt`
      const parts = [tarHeader({ name, size }), pool.subarray(start, start + size), Buffer.alloc((512 - (size % 512)) % 512)]
      for (const p of parts) {
        hash.update(p)
        bytes += p.length
        yield p
      }
      i++
    }
    const end = Buffer.alloc(1024)
    hash.update(end)
    bytes += end.length
    yield end
  }
  const gzip = spawn('gzip', ['-c', '-6'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const done = pipeline(gzip.stdout, createWriteStream(path))
  await pipeline(tar(), gzip.stdin)
  await done
  return { diffId: `sha256:${hash.digest('hex')}`, bytes }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--measure') return await measure(process.argv[3] ?? '', process.argv[4] ?? '')
  const mb = Number(process.argv[2] ?? 300)
  const dir = await mkdtemp(join(tmpdir(), 'drydock-bench-'))
  try {
    const layer = join(dir, 'layer.tar.gz')
    const { diffId, bytes } = await generate(layer, mb)
    const compressed = (await stat(layer)).size
    console.log(`layer: ${(bytes / 1e6).toFixed(0)} MB uncompressed, ${(compressed / 1e6).toFixed(0)} MB gzip`)

    const f0 = performance.now()
    const floor = spawnSync('sh', ['-c', `gzip -dc '${layer}' | tar -t > /dev/null`], { stdio: 'inherit' })
    const floorMs = performance.now() - f0
    if (floor.status !== 0) throw new Error('gzip -dc | tar -t failed')

    const child = spawnSync(process.execPath, [process.argv[1] ?? '', '--measure', layer, diffId], { encoding: 'utf8', maxBuffer: 1 << 20 })
    if (child.status !== 0) throw new Error(`measure failed: ${child.stderr}`)
    const m = JSON.parse(child.stdout) as { ms: number; bytes: number; maxRssKb: number }
    const floorMBs = bytes / 1e6 / (floorMs / 1000)
    const oursMBs = m.bytes / 1e6 / (m.ms / 1000)
    console.log(`gzip -dc | tar -t : ${floorMBs.toFixed(0)} MB/s (${floorMs.toFixed(0)} ms)`)
    console.log(`drydock walker    : ${oursMBs.toFixed(0)} MB/s (${m.ms.toFixed(0)} ms, diff_id verified, ${builtinAnalyzers.length} analyzers)`)
    console.log(`ratio             : ${(oursMBs / floorMBs).toFixed(2)} (target >= 0.70)`)
    console.log(`peak RSS          : ${(m.maxRssKb / 1024).toFixed(0)} MB (target <= 200 MB)`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

await main()
