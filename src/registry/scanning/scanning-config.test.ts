import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_SCANNING, resolveScanOnPush, scanningConfig } from './scanning-config.ts'

test('per-repository setting: exact entry, then longest namespace, then the server default', () => {
  const cfg = scanningConfig({ scanOnPush: 'false', scanRules: { team: true, 'team/legacy': false, 'team/x/': false } })
  assert.equal(resolveScanOnPush(cfg, 'other/app'), false)
  assert.equal(resolveScanOnPush(cfg, 'team/app'), true)
  assert.equal(resolveScanOnPush(cfg, 'team/legacy'), false, 'exact entry wins over the namespace')
  assert.equal(resolveScanOnPush(cfg, 'team/legacy/sub'), false, 'an entry is also the namespace of the repositories under it')
  assert.equal(resolveScanOnPush(cfg, 'team/x/y'), false, 'longer namespace wins')
  assert.equal(resolveScanOnPush(cfg, 'teamwork/app'), false, 'a namespace matches whole path segments only')
  assert.equal(resolveScanOnPush({ ...DEFAULT_SCANNING, scanOnPush: true }, 'any'), true)
})

test('scanning config: parses values and rejects bad input with readable messages', () => {
  const cfg = scanningConfig({ scanOnPush: true, advisoryDb: '/db/advisories.db', scanConcurrency: 3, scanLease: '5s' })
  assert.deepEqual([cfg.scanOnPush, cfg.advisoryDb, cfg.concurrency, cfg.leaseMs], [true, '/db/advisories.db', 3, 5000])
  assert.throws(() => scanningConfig({ scanOnPush: 'yes' }), /scan-on-push must be true or false/)
  assert.throws(() => scanningConfig({ scanRules: [] }), /scanning.repositories must be an object/)
  assert.throws(() => scanningConfig({ scanRules: { a: 1 } }), /scanning.repositories\["a"\] must be true or false/)
  assert.throws(() => scanningConfig({ scanConcurrency: 0 }), /concurrency/)
  assert.throws(() => scanningConfig({ scanLease: 'soon' }), /scanning.lease/)
  assert.throws(() => scanningConfig({ advisoryDb: '' }), /advisory DB/)
})

test('scanning config: findings and cache-entry bounds, with defaults', () => {
  const d = scanningConfig({})
  assert.deepEqual([d.maxFindingsPerLayer, d.maxFindingsPerImage, d.maxCacheEntryBytes], [1000, 10_000, 16 * 1024 ** 2])
  const cfg = scanningConfig({ scanMaxFindingsPerLayer: '50', scanMaxFindingsPerImage: 500, scanMaxCacheEntrySize: '4MiB' })
  assert.deepEqual([cfg.maxFindingsPerLayer, cfg.maxFindingsPerImage, cfg.maxCacheEntryBytes], [50, 500, 4 * 1024 ** 2])
  assert.throws(() => scanningConfig({ scanMaxFindingsPerLayer: 0 }), /scanning.maxFindingsPerLayer must be at least 1/)
  assert.throws(() => scanningConfig({ scanMaxFindingsPerImage: -1 }), /scanning.maxFindingsPerImage: invalid count/)
  assert.throws(() => scanningConfig({ scanMaxCacheEntrySize: 'big' }), /scanning.maxCacheEntrySize: invalid size/)
})

test('scanning config: base-image candidates bound, 0 turns the lookup off', () => {
  assert.equal(scanningConfig({}).maxBaseCandidates, 50)
  assert.equal(scanningConfig({ scanMaxBaseCandidates: '0' }).maxBaseCandidates, 0)
  assert.equal(scanningConfig({ scanMaxBaseCandidates: 200 }).maxBaseCandidates, 200)
  assert.throws(() => scanningConfig({ scanMaxBaseCandidates: 5000 }), /scanning.maxBaseCandidates must be at most 1000/)
  assert.throws(() => scanningConfig({ scanMaxBaseCandidates: 'many' }), /scanning.maxBaseCandidates: invalid count/)
})
