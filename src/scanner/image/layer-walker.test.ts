// The walker against GNU tar on every real layer of the shared test images: same entries, same
// sizes and modes; and content reads happen only for files an analyzer asks for.
import assert from 'node:assert/strict'
import { createReadStream } from 'node:fs'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import type { Digest } from '../../oci/digest.ts'
import { openLayerStream } from './layer-stream.ts'
import { walkLayer } from './layer-walker.ts'
import { DEFAULT_SCAN_LIMITS } from './scan-limits.ts'
import { listLayoutLayers, recordingAnalyzer, run } from './testing/layer-fixtures.ts'

interface TarListing { path: string; kind: string; mode: number; size: number }

/** `rwsr-xr-x` -> 0o4755 (s/S/t/T set the special bits; lower case also means x). */
function parseMode(perms: string): number {
  let mode = 0
  let special = 0
  for (let i = 0; i < 3; i++) {
    const [r, w, x] = perms.slice(i * 3, i * 3 + 3) as unknown as [string, string, string]
    mode = mode * 8 + (r === 'r' ? 4 : 0) + (w === 'w' ? 2 : 0) + ('xst'.includes(x) ? 1 : 0)
    if (x === 's' || x === 'S') special |= i === 0 ? 0o4000 : 0o2000
    if (x === 't' || x === 'T') special |= 0o1000
  }
  return mode | special
}

/** `tar -tv` output of GNU tar, normalised the way we key paths (no ./ prefix, no trailing slash). */
async function gnuList(blob: string): Promise<TarListing[]> {
  const out = await run('tar', ['--numeric-owner', '--quoting-style=literal', '-tvzf', blob])
  const rows: TarListing[] = []
  for (const line of out.split('\n')) {
    if (line === '') continue
    const m = /^(\S)(\S{9})\s+\d+\/\d+\s+(\S+)\s+\S+ \S+ (.*)$/.exec(line)
    assert.ok(m, `unexpected tar -tv line: ${line}`)
    const [, kind, perms, size, rest] = m as unknown as [string, string, string, string, string]
    let name = rest
    if (kind === 'l') name = rest.slice(0, rest.indexOf(' -> '))
    if (kind === 'h') name = rest.slice(0, rest.indexOf(' link to '))
    const path = name.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '')
    if (path === '' || path === '.') continue
    rows.push({ path, kind, mode: parseMode(perms), size: /^\d+$/.test(size) ? Number(size) : 0 })
  }
  return rows
}

describe('layer walker on the real test layers', async () => {
  const layers = await listLayoutLayers()
  it('finds layers in the shared test data', () => assert.ok(layers.length >= 8))
  for (const layer of layers) {
    it(`${layer.image} ${layer.digest.slice(7, 19)}: entries, sizes and modes equal GNU tar's`, async () => {
      const expected = await gnuList(layer.blobPath)
      const tar = await openLayerStream(createReadStream(layer.blobPath), { maxUncompressedBytes: DEFAULT_SCAN_LIMITS.maxLayerBytes, expectedDiffId: layer.diffId as Digest })
      const result = await walkLayer(tar, { diffId: layer.diffId as Digest, analyzers: [], limits: DEFAULT_SCAN_LIMITS })
      assert.deepEqual(result.files.map((f) => f.path), expected.map((e) => e.path))
      const kinds: Record<string, string> = { '-': 'file', d: 'directory', l: 'symlink', h: 'hardlink', c: 'char', b: 'block', p: 'fifo' }
      result.files.forEach((f, i) => {
        const e = expected[i] as TarListing
        assert.equal(f.type, kinds[e.kind], `type of ${f.path}`)
        assert.equal(f.mode, e.mode, `mode of ${f.path}`)
        if (f.type === 'file') assert.equal(f.size, e.size, `size of ${f.path}`)
      })
      assert.deepEqual(result.whiteouts, [])
    })
  }

  it('reads exactly the files an analyzer requires, with the right bytes', async () => {
    const layer = layers.find((l) => l.image === 'debian-bookworm-slim')
    assert.ok(layer, 'debian-bookworm-slim layer missing')
    const wanted = new Set(['var/lib/dpkg/status', 'etc/os-release', 'etc/debian_version'])
    const a = recordingAnalyzer('rec', (p) => wanted.has(p))
    const tar = await openLayerStream(createReadStream(layer.blobPath), { maxUncompressedBytes: DEFAULT_SCAN_LIMITS.maxLayerBytes })
    const result = await walkLayer(tar, { diffId: layer.diffId as Digest, analyzers: [a], limits: DEFAULT_SCAN_LIMITS })
    assert.equal(a.requiredCalls, result.files.filter((f) => f.type === 'file' || f.type === 'hardlink').length)
    // etc/os-release is a symlink in Debian: analyzers are asked about regular files and hard links only.
    const regularWanted = result.files.filter((f) => wanted.has(f.path) && f.type === 'file').map((f) => f.path)
    assert.ok(regularWanted.includes('var/lib/dpkg/status'))
    assert.deepEqual(a.calls.map((c) => c.path).sort(), regularWanted.sort())
    // Compare the bytes with what GNU tar extracts to stdout.
    const status = a.calls.find((c) => c.path === 'var/lib/dpkg/status')
    assert.ok(status)
    const viaTar = Buffer.from(await run('tar', ['-xzOf', layer.blobPath, 'var/lib/dpkg/status'], { maxBuffer: 64 << 20 }), 'utf8')
    assert.equal(createHash('sha256').update(status.content).digest('hex'), createHash('sha256').update(viaTar).digest('hex'))
  })
})
