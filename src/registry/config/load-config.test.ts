import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { DEFAULT_CONFIG, parseListen } from './config.ts'
import { loadConfig } from './load-config.ts'
import { parseDuration, parseSize } from './parse-units.ts'

describe('registry config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig([], {})
    assert.deepEqual(c, DEFAULT_CONFIG)
    assert.equal(c.server.listen, '127.0.0.1:5000')
    assert.equal(c.storage.dataDir, './data')
    assert.equal(c.uploads.expiryMs, 24 * 3600 * 1000)
    assert.equal(c.limits.maxManifestBytes, 4 * 1024 * 1024)
  })

  it('applies flags over env over file over defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-config-'))
    try {
      const file = join(dir, 'drydock.json')
      await writeFile(file, JSON.stringify({
        listen: '0.0.0.0:6000', data: '/from/file', uploads: { expiry: '2h', purgeInterval: '5m' },
        limits: { maxManifestSize: '1MiB' }, log: { level: 'warn' },
      }))
      const fromFile = loadConfig(['--config', file], {})
      assert.equal(fromFile.server.listen, '0.0.0.0:6000')
      assert.equal(fromFile.uploads.expiryMs, 2 * 3600 * 1000)
      assert.equal(fromFile.uploads.purgeIntervalMs, 5 * 60 * 1000)
      assert.equal(fromFile.limits.maxManifestBytes, 1024 * 1024)
      assert.equal(fromFile.log.level, 'warn')
      const env = { DRYDOCK_CONFIG: file, DRYDOCK_DATA: '/from/env', DRYDOCK_LISTEN: '127.0.0.1:7000' }
      const fromEnv = loadConfig([], env)
      assert.equal(fromEnv.storage.dataDir, '/from/env')
      assert.equal(fromEnv.server.listen, '127.0.0.1:7000')
      assert.equal(fromEnv.log.level, 'warn', 'the env-named file still applies')
      const fromFlags = loadConfig(['--listen=127.0.0.1:8000', '--data', '/from/flag'], env)
      assert.equal(fromFlags.server.listen, '127.0.0.1:8000')
      assert.equal(fromFlags.storage.dataDir, '/from/flag')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('reads the upload limits from flags, env and file; 0 turns a limit off', async () => {
    const d = loadConfig([], {}).limits
    assert.deepEqual(d, { maxManifestBytes: 4 * 1024 ** 2, maxBlobBytes: 10 * 1024 ** 3, maxOpenUploads: { total: 1000, perRepository: 100 }, minFreeBytes: 1024 ** 3 })
    const flags = loadConfig(['--max-blob-size', '0', '--max-open-uploads=5', '--max-open-uploads-per-repo', '2', '--min-free-space', '512MiB'], {}).limits
    assert.deepEqual(flags, { maxManifestBytes: d.maxManifestBytes, maxBlobBytes: 0, maxOpenUploads: { total: 5, perRepository: 2 }, minFreeBytes: 512 * 1024 ** 2 })
    const env = loadConfig([], { DRYDOCK_MAX_BLOB_SIZE: '1GiB', DRYDOCK_MIN_FREE_SPACE: '0', DRYDOCK_MAX_OPEN_UPLOADS_PER_REPO: '0' }).limits
    assert.equal(env.maxBlobBytes, 1024 ** 3)
    assert.equal(env.minFreeBytes, 0)
    assert.deepEqual(env.maxOpenUploads, { total: 1000, perRepository: 0 })
    const dir = await mkdtemp(join(tmpdir(), 'drydock-config-'))
    try {
      const file = join(dir, 'drydock.json')
      await writeFile(file, JSON.stringify({ limits: { maxBlobSize: '2GiB', maxOpenUploads: { total: 50, perRepository: 5 }, minFreeSpace: 1000 } }))
      const fromFile = loadConfig(['--config', file], {}).limits
      assert.deepEqual(fromFile, { maxManifestBytes: d.maxManifestBytes, maxBlobBytes: 2 * 1024 ** 3, maxOpenUploads: { total: 50, perRepository: 5 }, minFreeBytes: 1000 })
      await writeFile(file, JSON.stringify({ limits: { maxOpenUploads: 7 } }))
      assert.deepEqual(loadConfig(['--config', file], {}).limits.maxOpenUploads, { total: 7, perRepository: 100 })
      await writeFile(file, JSON.stringify({ limits: { maxOpenUploads: { perRepo: 1 } } }))
      assert.throws(() => loadConfig(['--config', file], {}), /only "total" and "perRepository"/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    assert.throws(() => loadConfig(['--max-blob-size', 'huge'], {}), /max blob size: invalid size/)
    assert.throws(() => loadConfig(['--max-open-uploads', '-1'], {}), /max open uploads: invalid count/)
    assert.throws(() => loadConfig(['--max-manifest-size', '0'], {}), /max manifest size: invalid size/)
  })

  it('rejects bad input with readable messages', () => {
    assert.throws(() => loadConfig(['--listen', 'nope'], {}), /invalid listen address/)
    assert.throws(() => loadConfig(['--bogus', 'x'], {}), /unknown option '--bogus'/)
    assert.throws(() => loadConfig(['--data'], {}), /needs a value/)
    assert.throws(() => loadConfig(['--tls-cert', 'c.pem'], {}), /both a certificate and a key/)
    assert.throws(() => loadConfig(['--log-level', 'loud'], {}), /log level/)
    assert.throws(() => loadConfig(['--config', '/does/not/exist.json'], {}), /cannot read config file/)
    assert.throws(() => loadConfig([], { DRYDOCK_UPLOAD_EXPIRY: 'soon' }), /invalid duration/)
  })

  it('parses listen addresses, durations and sizes', () => {
    assert.deepEqual(parseListen('[::1]:5000'), { host: '::1', port: 5000 })
    assert.deepEqual(parseListen('localhost:0'), { host: 'localhost', port: 0 })
    assert.throws(() => parseListen('host:70000'))
    assert.equal(parseDuration('1.5s', 'x'), 1500)
    assert.equal(parseDuration(250, 'x'), 250)
    assert.equal(parseSize('4MiB', 'x'), 4 * 1024 * 1024)
    assert.equal(parseSize('512kb', 'x'), 512_000)
    assert.throws(() => parseSize('0', 'x'))
  })
})
