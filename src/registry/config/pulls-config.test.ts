import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { loadConfig } from './load-config.ts'

it('reads pulls.record and pulls.flushInterval from the file, env and flags; refuses bad values', async () => {
  assert.deepEqual(loadConfig([], {}).pulls, { record: true, flushIntervalMs: 10_000 })
  const dir = await mkdtemp(join(tmpdir(), 'drydock-pulls-config-'))
  try {
    const file = join(dir, 'config.json')
    await writeFile(file, JSON.stringify({ pulls: { record: false, flushIntervalMs: '5s' } }))
    assert.throws(() => loadConfig(['--config', file], {}), /unknown setting "pulls.flushIntervalMs" \(did you mean "flushInterval"\?\)/)
    await writeFile(file, JSON.stringify({ pulls: { record: false, flushInterval: '5s' } }))
    assert.deepEqual(loadConfig(['--config', file], {}).pulls, { record: false, flushIntervalMs: 5_000 })
    assert.deepEqual(loadConfig(['--config', file], { DRYDOCK_PULLS_RECORD: 'true' }).pulls, { record: true, flushIntervalMs: 5_000 })
    assert.deepEqual(loadConfig(['--config', file, '--pulls-flush-interval', '1m'], {}).pulls, { record: false, flushIntervalMs: 60_000 })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  assert.throws(() => loadConfig(['--pulls-record', 'yes'], {}), /pulls record: must be true or false/)
  assert.throws(() => loadConfig(['--pulls-flush-interval', '0s'], {}), /pulls flush interval: must be more than 0/)
  assert.throws(() => loadConfig(['--pulls-flush-interval', 'soon'], {}), /pulls flush interval: invalid duration/)
})
