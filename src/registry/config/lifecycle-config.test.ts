// The `lifecycle` settings: defaults (enabled, hourly, 7-day restore window), from the config
// file, the environment and flags, and a readable refusal of bad values.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { loadConfig } from './load-config.ts'

describe('lifecycle config', () => {
  it('defaults: scheduled runs every hour, a 7-day restore window', () => {
    assert.deepEqual(loadConfig([], {}).lifecycle, { enabled: true, intervalMs: 3_600_000, restoreWindowMs: 7 * 86_400_000 })
  })

  it('reads the file, the environment and flags (flags win)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-lifecycle-config-'))
    try {
      const file = join(dir, 'drydock.json')
      await writeFile(file, JSON.stringify({ lifecycle: { enabled: false, interval: '30m', restoreWindow: '3d' } }))
      assert.deepEqual(loadConfig(['--config', file], {}).lifecycle, { enabled: false, intervalMs: 1_800_000, restoreWindowMs: 3 * 86_400_000 })
      assert.equal(loadConfig([], { DRYDOCK_LIFECYCLE_RESTORE_WINDOW: '1d' }).lifecycle?.restoreWindowMs, 86_400_000)
      assert.equal(loadConfig(['--lifecycle-interval', '0s'], { DRYDOCK_LIFECYCLE_INTERVAL: '2h' }).lifecycle?.intervalMs, 0)
      assert.equal(loadConfig(['--lifecycle-enabled', 'false'], {}).lifecycle?.enabled, false)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses bad values with a readable message', () => {
    assert.throws(() => loadConfig(['--lifecycle-enabled', 'yes'], {}), /lifecycle enabled: must be true or false/)
    assert.throws(() => loadConfig(['--lifecycle-restore-window', 'a week'], {}), /lifecycle restore window: invalid duration/)
  })
})
