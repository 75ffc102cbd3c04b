// The garbage collection settings (docs/configuration.md): defaults, flags, environment and the
// config file's `gc` section, with flags > env > file and bad values refused.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { DEFAULT_GC } from '../config/config.ts'
import { loadConfig } from '../config/load-config.ts'

it('gc settings: defaults, file < env < flags, bad values refused', async () => {
  assert.deepEqual(loadConfig([], {}).gc, DEFAULT_GC)
  assert.deepEqual(DEFAULT_GC, { intervalMs: 86_400_000, gracePeriodMs: 86_400_000, deletionWaitMs: 30_000 })
  const dir = await mkdtemp(join(tmpdir(), 'drydock-gc-config-'))
  try {
    const file = join(dir, 'c.json')
    await writeFile(file, JSON.stringify({ gc: { interval: '6h', gracePeriod: '2h', deletionWait: '10s' } }))
    assert.deepEqual(loadConfig(['--config', file], {}).gc, { intervalMs: 6 * 3_600_000, gracePeriodMs: 2 * 3_600_000, deletionWaitMs: 10_000 })
    const env = { DRYDOCK_GC_INTERVAL: '0s', DRYDOCK_GC_GRACE_PERIOD: '90m' }
    assert.deepEqual(loadConfig(['--config', file], env).gc, { intervalMs: 0, gracePeriodMs: 90 * 60_000, deletionWaitMs: 10_000 })
    assert.deepEqual(loadConfig(['--config', file, '--gc-grace-period', '1h', '--gc-deletion-wait=5s'], env).gc, { intervalMs: 0, gracePeriodMs: 3_600_000, deletionWaitMs: 5000 })
    assert.throws(() => loadConfig(['--gc-interval', 'often'], {}), /gc interval: invalid duration/)
    await writeFile(file, JSON.stringify({ gc: { gracePeriods: '1h' } }))
    assert.throws(() => loadConfig(['--config', file], {}), /unknown setting "gc.gracePeriods" \(did you mean "gracePeriod"\?\)/)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
