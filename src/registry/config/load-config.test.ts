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
    assert.equal(c.uploads.idleTimeoutMs, 15 * 60 * 1000)
    assert.equal(c.limits.maxManifestBytes, 4 * 1024 * 1024)
  })

  it('applies flags over env over file over defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-config-'))
    try {
      const file = join(dir, 'drydock.json')
      await writeFile(file, JSON.stringify({
        listen: '0.0.0.0:6000', data: '/from/file', uploads: { expiry: '2h', idleTimeout: '20m', purgeInterval: '5m' },
        limits: { maxManifestSize: '1MiB' }, log: { level: 'warn' },
      }))
      const fromFile = loadConfig(['--config', file], {})
      assert.equal(fromFile.server.listen, '0.0.0.0:6000')
      assert.equal(fromFile.uploads.expiryMs, 2 * 3600 * 1000)
      assert.equal(fromFile.uploads.purgeIntervalMs, 5 * 60 * 1000)
      assert.equal(fromFile.uploads.idleTimeoutMs, 20 * 60 * 1000)
      assert.equal(loadConfig(['--upload-idle-timeout', '90s'], { DRYDOCK_UPLOAD_IDLE_TIMEOUT: '1h' }).uploads.idleTimeoutMs, 90_000)
      assert.equal(loadConfig([], { DRYDOCK_UPLOAD_IDLE_TIMEOUT: '1h' }).uploads.idleTimeoutMs, 3600_000)
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

  /** The connection and body limits (issue #12), at their defaults. */
  const CONNECTION_DEFAULTS = { maxConnectionsPerAddress: 256, bodyTimeoutMs: 60_000, uploadMinProgress: { bytes: 16 * 1024, windowMs: 60_000 } }

  it('reads the connection, body and login throttling limits from flags, env and file', async () => {
    const flags = loadConfig(['--max-connections-per-address', '0', '--body-timeout', '2s', '--upload-stall-timeout', '5s', '--upload-min-progress', '1KiB',
      '--lockout-threshold', '3', '--lockout-accounts-per-address', '7'], {})
    assert.deepEqual([flags.limits.maxConnectionsPerAddress, flags.limits.bodyTimeoutMs, flags.limits.uploadMinProgress], [0, 2000, { bytes: 1024, windowMs: 5000 }])
    assert.deepEqual([flags.auth.lockoutThreshold, flags.auth.lockoutAccountsPerAddress], [3, 7])
    const env = loadConfig([], { DRYDOCK_MAX_CONNECTIONS_PER_ADDRESS: '32', DRYDOCK_BODY_TIMEOUT: '10s', DRYDOCK_LOCKOUT_ACCOUNTS_PER_ADDRESS: '50' })
    assert.deepEqual([env.limits.maxConnectionsPerAddress, env.limits.bodyTimeoutMs, env.auth.lockoutAccountsPerAddress], [32, 10_000, 50])
    const d = loadConfig([], {})
    assert.deepEqual([d.auth.lockoutThreshold, d.auth.lockoutAccountsPerAddress], [5, 20])
    const dir = await mkdtemp(join(tmpdir(), 'drydock-config-'))
    try {
      const file = join(dir, 'drydock.json')
      await writeFile(file, JSON.stringify({
        limits: { maxConnectionsPerAddress: 64, bodyTimeout: '1m', uploadStallTimeout: '2m', uploadMinProgress: '64KiB' },
        auth: { lockoutThreshold: 10, lockoutAccountsPerAddress: 40 },
      }))
      const fromFile = loadConfig(['--config', file], {})
      assert.deepEqual([fromFile.limits.maxConnectionsPerAddress, fromFile.limits.bodyTimeoutMs, fromFile.limits.uploadMinProgress], [64, 60_000, { bytes: 64 * 1024, windowMs: 120_000 }])
      assert.deepEqual([fromFile.auth.lockoutThreshold, fromFile.auth.lockoutAccountsPerAddress], [10, 40])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    assert.throws(() => loadConfig(['--body-timeout', '0s'], {}), /body timeout must be more than 0/)
    assert.throws(() => loadConfig(['--upload-stall-timeout', '0s'], {}), /upload stall timeout must be more than 0/)
    assert.throws(() => loadConfig(['--lockout-accounts-per-address', '0'], {}), /at least 1/)
    assert.throws(() => loadConfig(['--max-connections-per-address', 'many'], {}), /invalid count/)
  })

  it('reads the upload limits from flags, env and file; 0 turns a limit off', async () => {
    const d = loadConfig([], {}).limits
    assert.deepEqual(d, { maxManifestBytes: 4 * 1024 ** 2, maxBlobBytes: 10 * 1024 ** 3, maxOpenUploads: { total: 1000, perRepository: 100, perPrincipal: 100 }, minFreeBytes: 1024 ** 3, maxJsonDepth: 64, maxJsonValues: 100_000, maxConfigBytes: 4 * 1024 ** 2, ...CONNECTION_DEFAULTS })
    const flags = loadConfig(['--max-blob-size', '0', '--max-open-uploads=5', '--max-open-uploads-per-repo', '2', '--max-open-uploads-per-principal', '3', '--min-free-space', '512MiB'], {}).limits
    assert.deepEqual(flags, { maxManifestBytes: d.maxManifestBytes, maxBlobBytes: 0, maxOpenUploads: { total: 5, perRepository: 2, perPrincipal: 3 }, minFreeBytes: 512 * 1024 ** 2, maxJsonDepth: 64, maxJsonValues: 100_000, maxConfigBytes: 4 * 1024 ** 2, ...CONNECTION_DEFAULTS })
    const env = loadConfig([], { DRYDOCK_MAX_BLOB_SIZE: '1GiB', DRYDOCK_MIN_FREE_SPACE: '0', DRYDOCK_MAX_OPEN_UPLOADS_PER_REPO: '0', DRYDOCK_MAX_OPEN_UPLOADS_PER_PRINCIPAL: '0' }).limits
    assert.equal(env.maxBlobBytes, 1024 ** 3)
    assert.equal(env.minFreeBytes, 0)
    assert.deepEqual(env.maxOpenUploads, { total: 1000, perRepository: 0, perPrincipal: 0 })
    const dir = await mkdtemp(join(tmpdir(), 'drydock-config-'))
    try {
      const file = join(dir, 'drydock.json')
      await writeFile(file, JSON.stringify({ limits: { maxBlobSize: '2GiB', maxOpenUploads: { total: 50, perRepository: 5, perPrincipal: 4 }, minFreeSpace: 1000 } }))
      const fromFile = loadConfig(['--config', file], {}).limits
      assert.deepEqual(fromFile, { maxManifestBytes: d.maxManifestBytes, maxBlobBytes: 2 * 1024 ** 3, maxOpenUploads: { total: 50, perRepository: 5, perPrincipal: 4 }, minFreeBytes: 1000, maxJsonDepth: 64, maxJsonValues: 100_000, maxConfigBytes: 4 * 1024 ** 2, ...CONNECTION_DEFAULTS })
      await writeFile(file, JSON.stringify({ limits: { maxOpenUploads: 7 } }))
      assert.deepEqual(loadConfig(['--config', file], {}).limits.maxOpenUploads, { total: 7, perRepository: 100, perPrincipal: 100 })
      await writeFile(file, JSON.stringify({ limits: { maxOpenUploads: { perRepo: 1 } } }))
      assert.throws(() => loadConfig(['--config', file], {}), /only "total", "perRepository" and "perPrincipal"/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    assert.throws(() => loadConfig(['--max-blob-size', 'huge'], {}), /max blob size: invalid size/)
    assert.throws(() => loadConfig(['--max-open-uploads', '-1'], {}), /max open uploads: invalid count/)
    assert.throws(() => loadConfig(['--max-manifest-size', '0'], {}), /max manifest size: invalid size/)
  })

  it('reads the JSON depth, JSON values and image config size limits from flags, env and file, within bounds', async () => {
    assert.equal(loadConfig(['--max-json-depth', '16', '--max-config-size', '1MiB'], {}).limits.maxJsonDepth, 16)
    assert.equal(loadConfig(['--max-config-size', '1MiB'], {}).limits.maxConfigBytes, 1024 ** 2)
    const env = loadConfig([], { DRYDOCK_MAX_JSON_DEPTH: '100', DRYDOCK_MAX_JSON_VALUES: '5000', DRYDOCK_MAX_CONFIG_SIZE: '64KiB' }).limits
    assert.deepEqual([env.maxJsonDepth, env.maxJsonValues, env.maxConfigBytes], [100, 5000, 64 * 1024])
    const dir = await mkdtemp(join(tmpdir(), 'drydock-config-'))
    try {
      const file = join(dir, 'drydock.json')
      await writeFile(file, JSON.stringify({ limits: { maxJsonDepth: 32, maxJsonValues: 250000, maxConfigSize: '2MiB' } }))
      const fromFile = loadConfig(['--config', file], {}).limits
      assert.deepEqual([fromFile.maxJsonDepth, fromFile.maxJsonValues, fromFile.maxConfigBytes], [32, 250_000, 2 * 1024 ** 2])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    assert.throws(() => loadConfig(['--max-json-depth', '1'], {}), /max JSON depth must be between 2 and 1024/)
    assert.throws(() => loadConfig(['--max-json-depth', '5000'], {}), /between 2 and 1024/)
    assert.throws(() => loadConfig(['--max-config-size', '0'], {}), /max config size: invalid size/)
    assert.equal(loadConfig(['--max-json-values', '2000'], {}).limits.maxJsonValues, 2000)
    assert.throws(() => loadConfig(['--max-json-values', '10'], {}), /max JSON values must be between 1000 and 10000000/)
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

  it('refuses unknown config-file keys and flags, suggesting the setting that was meant', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-config-'))
    try {
      const file = join(dir, 'drydock.json')
      const withFile = async (json: unknown): Promise<void> => {
        await writeFile(file, JSON.stringify(json))
        loadConfig(['--config', file], {})
      }
      await assert.rejects(withFile({ scaning: { scanOnPush: true } }), /unknown setting "scaning" \(did you mean "scanning"\?\)/)
      await assert.rejects(withFile({ limits: { maxManifestSzie: '1MiB' } }), /unknown setting "limits.maxManifestSzie" \(did you mean "maxManifestSize"\?\)/)
      await assert.rejects(withFile({ log: { level: 'info', colour: true } }), /unknown setting "log.colour"; known here: "level"/)
      await assert.rejects(withFile({ tls: 'cert.pem' }), /"tls" must be an object/)
      await withFile({ log: { level: 'info' }, limits: { maxManifestSize: '1MiB' } })
      assert.throws(() => loadConfig(['--scan-on-psuh', 'true'], {}), /unknown option '--scan-on-psuh' \(did you mean '--scan-on-push'\?\)/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
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
