// The secret analyzer through the Analyzer contract, and the collection of its results from
// per-layer analyses (deleted-later files included and marked).
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Digest } from '../../../oci/digest.ts'
import type { LayerAnalysis } from '../../image/layer-analysis.ts'
import { createSecretAnalyzer } from './secret-analyzer.ts'
import { secretsFromLayerResults } from './secrets-from-layers.ts'

const d = (c: string): Digest => `sha256:${c.repeat(64)}` as Digest
const meta = (path: string, size: number) => ({ path, size, mode: 0o644, uid: 0, gid: 0 })

describe('secret analyzer (Analyzer contract)', () => {
  it('wants text-sized files, finds secrets, and they survive collection with layer state', async () => {
    const a = createSecretAnalyzer({ maxFileBytes: 1 << 20 })
    assert.equal(a.required('app/.env', meta('app/.env', 100)), true)
    assert.equal(a.required('app/huge.log', meta('app/huge.log', 2 << 20)), false)
    assert.equal(a.required('usr/share/doc/x/copyright', meta('usr/share/doc/x/copyright', 100)), false)
    const content = Buffer.from(`GITLAB=glpat-${'Ab3dEf6hIj9kLm2nOp5q'}\n`)
    const result = await a.analyze({ path: 'app/.env', content, meta: meta('app/.env', content.length), diffId: d('1') })
    assert.ok(result)
    const layer1: LayerAnalysis = { diffId: d('1'), files: [{ path: 'app/.env', type: 'file', size: content.length, mode: 0o644, uid: 0, gid: 0 }], whiteouts: [], opaqueDirs: [], results: [{ path: 'app/.env', analyzer: 'secret', result }], unknowns: [], uncompressedBytes: 0 }
    const layer2: LayerAnalysis = { diffId: d('2'), files: [], whiteouts: ['app/.env'], opaqueDirs: [], results: [], unknowns: [], uncompressedBytes: 0 }
    const layerFiles = [
      { diffId: d('1'), files: [{ ...layer1.files[0]!, deletedLater: true, replacedLater: false }], whiteouts: [], opaqueDirs: [] },
      { diffId: d('2'), files: [], whiteouts: ['app/.env'], opaqueDirs: [] },
    ]
    const found = secretsFromLayerResults([layer1, layer2], layerFiles)
    assert.equal(found.length, 1)
    assert.deepEqual([found[0]?.id, found[0]?.match, found[0]?.location], ['gitlab-pat', 'glpa****', { kind: 'file', path: 'app/.env', diffId: d('1'), line: 1, layerIndex: 0, deletedLater: true }])
  })
})
