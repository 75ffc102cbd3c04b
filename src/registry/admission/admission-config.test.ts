// The config file's `admission` section, read through loadConfig (unknown keys refused there too).
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { loadConfig } from '../config/load-config.ts'
import { DEFAULT_ADMISSION } from './admission-config.ts'

async function withFile<T>(content: unknown, fn: (path: string) => T): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-admission-config-'))
  try {
    const path = join(dir, 'drydock.json')
    await writeFile(path, JSON.stringify(content))
    return fn(path)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

it('absent: no admission section (the app uses DEFAULT_ADMISSION: deny other registries, no hosts)', () => {
  assert.equal(loadConfig([], {}).admission, undefined)
  assert.deepEqual(DEFAULT_ADMISSION, { registryHosts: [], otherRegistries: 'deny', maxImages: 100, maxReviewBytes: 3 * 1024 * 1024 })
})

it('reads hosts (lower-cased), otherRegistries, maxImages and maxReviewSize', async () => {
  const config = await withFile({ admission: { registryHosts: ['Registry.Example.com', 'reg.local:5000', '[::1]:5000'], otherRegistries: 'allow', maxImages: 20, maxReviewSize: '1MiB' } }, (p) => loadConfig(['--config', p], {}))
  assert.deepEqual(config.admission, { registryHosts: ['registry.example.com', 'reg.local:5000', '[::1]:5000'], otherRegistries: 'allow', maxImages: 20, maxReviewBytes: 1024 * 1024 })
})

it('refuses bad values and unknown keys with the setting named', async () => {
  const refused = async (admission: unknown, message: RegExp): Promise<void> => {
    await withFile({ admission }, (p) => assert.throws(() => loadConfig(['--config', p], {}), message))
  }
  await refused({ registryHosts: 'registry.example.com' }, /admission\.registryHosts must be a list/)
  await refused({ registryHosts: ['https://registry.example.com'] }, /admission\.registryHosts\[0\] must be a host name/)
  await refused({ otherRegistries: 'maybe' }, /admission\.otherRegistries must be "allow" or "deny"/)
  await refused({ maxImages: 0 }, /admission\.maxImages must be from 1 to 1000/)
  await refused({ maxReviewSize: '1KiB' }, /admission\.maxReviewSize must be from 64KiB to 64MiB/)
  await refused({ registryHost: ['x'] }, /unknown setting "admission\.registryHost" \(did you mean "registryHosts"\?\)/)
  await refused('deny', /"admission" must be an object/)
})
