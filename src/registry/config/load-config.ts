/**
 * Builds a RegistryConfig from command-line flags, environment variables and an optional JSON
 * config file. Precedence: flags > env > file > defaults. Every source is first reduced to the
 * same flat set of settings, so precedence is a plain object spread.
 *
 * JSON file shape (every key optional):
 *   { "listen": "0.0.0.0:5000", "data": "/var/lib/drydock",
 *     "tls": { "cert": "cert.pem", "key": "key.pem" },
 *     "uploads": { "expiry": "24h", "idleTimeout": "15m", "purgeInterval": "10m" },
 *     "limits": { "maxManifestSize": "4MiB", "maxBlobSize": "10GiB", "minFreeSpace": "1GiB",
 *                 "maxOpenUploads": { "total": 1000, "perRepository": 100, "perPrincipal": 100 },
 *                 "maxJsonDepth": 64, "maxJsonValues": 100000, "maxConfigSize": "4MiB",
 *                 "maxConnectionsPerAddress": 256, "bodyTimeout": "60s",
 *                 "uploadStallTimeout": "60s", "uploadMinProgress": "16KiB" },
 *     "auth": { "lockoutThreshold": 5, "lockoutAccountsPerAddress": 20 },
 *     "gc": { "interval": "24h", "gracePeriod": "24h", "deletionWait": "30s" },
 *     "pulls": { "record": true, "flushInterval": "10s" },
 *     "metrics": { "enabled": true, "auth": "token,admin", "tokenFile": "/run/secrets/metrics-token" },
 *     "log": { "level": "info" },
 *     "trust": { "namespaces": { "team-a": ["<PEM>", { "file": "team-a.pub" }] } },
 *     "policies": [{ "name": "prod", "scope": "acme", "require": { "signed": true } }],
 *     "policy": { "maxExemption": "24h" },
 *     "admission": { "registryHosts": ["registry.example.com"], "otherRegistries": "deny" },
 *     "webhooks": { "enabled": true, "maxAttempts": 8, "retryBaseDelay": "10s", "timeout": "10s",
 *                   "allowedDestinations": ["hooks.internal.example", "10.0.0.0/8"] } }
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { DEFAULT_CONFIG, DEFAULT_GC, LOG_LEVELS, parseListen, type AuthConfig, type LimitsConfig, type LogLevel, type RegistryConfig } from './config.ts'
import { KeyTracker, closest } from './known-keys.ts'
import { parseCount, parseDuration, parseSize } from './parse-units.ts'
import { scanningConfig } from '../scanning/scanning-config.ts'
import { trustConfig } from '../trust/trust-config.ts'
import { repositoriesConfig } from '../settings/settings-config.ts'
import { ecrConfig } from '../ecr/ecr-config.ts'
import { admissionConfig } from '../admission/admission-config.ts'
import { webhooksConfig } from '../webhooks/webhooks-config.ts'
import { policyConfig } from '../policy/store/policy-config.ts'
import { pullsConfig } from './pulls-config.ts'
import { lifecycleConfig } from './lifecycle-config.ts'
import { metricsConfig } from '../metrics/metrics-config.ts'

/** The settings every source can provide, as raw values. */
interface Settings {
  listen?: unknown
  data?: unknown
  tlsCert?: unknown
  tlsKey?: unknown
  uploadExpiry?: unknown
  uploadIdleTimeout?: unknown
  uploadPurgeInterval?: unknown
  maxManifestSize?: unknown
  maxBlobSize?: unknown
  maxOpenUploads?: unknown
  maxOpenUploadsPerRepo?: unknown
  maxOpenUploadsPerPrincipal?: unknown
  minFreeSpace?: unknown
  maxConnectionsPerAddress?: unknown
  bodyTimeout?: unknown
  uploadStallTimeout?: unknown
  uploadMinProgress?: unknown
  lockoutThreshold?: unknown
  lockoutAccountsPerAddress?: unknown
  maxJsonDepth?: unknown
  maxJsonValues?: unknown
  maxConfigSize?: unknown
  logLevel?: unknown
  authMode?: unknown
  authService?: unknown
  tokenTtl?: unknown
  loginPasswordTtl?: unknown
  allowInsecureBasic?: unknown
  scanOnPush?: unknown
  advisoryDb?: unknown
  scanRules?: unknown
  scanConcurrency?: unknown
  scanLease?: unknown
  scanTeeMaxStall?: unknown
  scanMaxFindingsPerLayer?: unknown
  scanMaxFindingsPerImage?: unknown
  scanMaxCacheEntrySize?: unknown
  scanMaxBaseCandidates?: unknown
  gcInterval?: unknown
  gcGracePeriod?: unknown
  gcDeletionWait?: unknown
  ecrAccountId?: unknown
  ecrRegion?: unknown
  ecrAuthorizationTokenTtl?: unknown
  ecrMaxClockSkew?: unknown
  ecrDownloadUrlTtl?: unknown
  ecrPublicUrl?: unknown
  ecrScanType?: unknown
  pullsRecord?: unknown
  pullsFlushInterval?: unknown
  lifecycleEnabled?: unknown
  lifecycleInterval?: unknown
  lifecycleRestoreWindow?: unknown
  metricsEnabled?: unknown
  metricsAuth?: unknown
  metricsTokenFile?: unknown
  /** Only from the file: `trust.namespaces`, and the directory its key files are relative to. */
  trustNamespaces?: unknown
  trustBaseDir?: unknown
  /** Only from the file: `repositories.defaults` and `repositories.templates` (settings per namespace). */
  repositoryDefaults?: unknown
  repositoryTemplates?: unknown
  /** Only from the file: deploy policy defaults (`policies`) and `policy.maxExemption`. */
  policies?: unknown
  policyMaxExemption?: unknown
  /** Only from the file: the `admission` section (admission/admission-config.ts). */
  admission?: unknown
  /** Only from the file: the `webhooks` section (webhooks/webhooks-config.ts). */
  webhooks?: unknown
}
type SettingKey = keyof Settings

/** Flag name → setting. `--config` is handled apart. */
export const FLAGS: Readonly<Record<string, SettingKey>> = {
  '--listen': 'listen',
  '--data': 'data',
  '--tls-cert': 'tlsCert',
  '--tls-key': 'tlsKey',
  '--upload-expiry': 'uploadExpiry',
  '--upload-idle-timeout': 'uploadIdleTimeout',
  '--upload-purge-interval': 'uploadPurgeInterval',
  '--max-manifest-size': 'maxManifestSize',
  '--max-blob-size': 'maxBlobSize',
  '--max-open-uploads': 'maxOpenUploads',
  '--max-open-uploads-per-repo': 'maxOpenUploadsPerRepo',
  '--max-open-uploads-per-principal': 'maxOpenUploadsPerPrincipal',
  '--min-free-space': 'minFreeSpace',
  '--max-connections-per-address': 'maxConnectionsPerAddress',
  '--body-timeout': 'bodyTimeout',
  '--upload-stall-timeout': 'uploadStallTimeout',
  '--upload-min-progress': 'uploadMinProgress',
  '--lockout-threshold': 'lockoutThreshold',
  '--lockout-accounts-per-address': 'lockoutAccountsPerAddress',
  '--max-json-depth': 'maxJsonDepth',
  '--max-json-values': 'maxJsonValues',
  '--max-config-size': 'maxConfigSize',
  '--log-level': 'logLevel',
  '--auth': 'authMode',
  '--auth-service': 'authService',
  '--token-ttl': 'tokenTtl',
  '--login-password-ttl': 'loginPasswordTtl',
  '--allow-insecure-basic': 'allowInsecureBasic',
  '--scan-on-push': 'scanOnPush',
  '--advisory-db': 'advisoryDb',
  '--gc-interval': 'gcInterval',
  '--gc-grace-period': 'gcGracePeriod',
  '--gc-deletion-wait': 'gcDeletionWait',
  '--ecr-account-id': 'ecrAccountId',
  '--ecr-region': 'ecrRegion',
  '--ecr-public-url': 'ecrPublicUrl',
  '--ecr-scan-type': 'ecrScanType',
  '--pulls-record': 'pullsRecord',
  '--pulls-flush-interval': 'pullsFlushInterval',
  '--lifecycle-enabled': 'lifecycleEnabled',
  '--lifecycle-interval': 'lifecycleInterval',
  '--lifecycle-restore-window': 'lifecycleRestoreWindow',
  '--metrics-enabled': 'metricsEnabled',
  '--metrics-auth': 'metricsAuth',
  '--metrics-token-file': 'metricsTokenFile',
}

const ENV: Readonly<Record<string, SettingKey>> = {
  DRYDOCK_LISTEN: 'listen',
  DRYDOCK_DATA: 'data',
  DRYDOCK_TLS_CERT: 'tlsCert',
  DRYDOCK_TLS_KEY: 'tlsKey',
  DRYDOCK_UPLOAD_EXPIRY: 'uploadExpiry',
  DRYDOCK_UPLOAD_IDLE_TIMEOUT: 'uploadIdleTimeout',
  DRYDOCK_UPLOAD_PURGE_INTERVAL: 'uploadPurgeInterval',
  DRYDOCK_MAX_MANIFEST_SIZE: 'maxManifestSize',
  DRYDOCK_MAX_BLOB_SIZE: 'maxBlobSize',
  DRYDOCK_MAX_OPEN_UPLOADS: 'maxOpenUploads',
  DRYDOCK_MAX_OPEN_UPLOADS_PER_REPO: 'maxOpenUploadsPerRepo',
  DRYDOCK_MAX_OPEN_UPLOADS_PER_PRINCIPAL: 'maxOpenUploadsPerPrincipal',
  DRYDOCK_MIN_FREE_SPACE: 'minFreeSpace',
  DRYDOCK_MAX_CONNECTIONS_PER_ADDRESS: 'maxConnectionsPerAddress',
  DRYDOCK_BODY_TIMEOUT: 'bodyTimeout',
  DRYDOCK_UPLOAD_STALL_TIMEOUT: 'uploadStallTimeout',
  DRYDOCK_UPLOAD_MIN_PROGRESS: 'uploadMinProgress',
  DRYDOCK_LOCKOUT_THRESHOLD: 'lockoutThreshold',
  DRYDOCK_LOCKOUT_ACCOUNTS_PER_ADDRESS: 'lockoutAccountsPerAddress',
  DRYDOCK_MAX_JSON_DEPTH: 'maxJsonDepth',
  DRYDOCK_MAX_JSON_VALUES: 'maxJsonValues',
  DRYDOCK_MAX_CONFIG_SIZE: 'maxConfigSize',
  DRYDOCK_LOG_LEVEL: 'logLevel',
  DRYDOCK_AUTH: 'authMode',
  DRYDOCK_AUTH_SERVICE: 'authService',
  DRYDOCK_TOKEN_TTL: 'tokenTtl',
  DRYDOCK_LOGIN_PASSWORD_TTL: 'loginPasswordTtl',
  DRYDOCK_ALLOW_INSECURE_BASIC: 'allowInsecureBasic',
  DRYDOCK_SCAN_ON_PUSH: 'scanOnPush',
  DRYDOCK_ADVISORY_DB: 'advisoryDb',
  DRYDOCK_GC_INTERVAL: 'gcInterval',
  DRYDOCK_GC_GRACE_PERIOD: 'gcGracePeriod',
  DRYDOCK_GC_DELETION_WAIT: 'gcDeletionWait',
  DRYDOCK_ECR_ACCOUNT_ID: 'ecrAccountId',
  DRYDOCK_ECR_REGION: 'ecrRegion',
  DRYDOCK_ECR_PUBLIC_URL: 'ecrPublicUrl',
  DRYDOCK_ECR_SCAN_TYPE: 'ecrScanType',
  DRYDOCK_PULLS_RECORD: 'pullsRecord',
  DRYDOCK_PULLS_FLUSH_INTERVAL: 'pullsFlushInterval',
  DRYDOCK_LIFECYCLE_ENABLED: 'lifecycleEnabled',
  DRYDOCK_LIFECYCLE_INTERVAL: 'lifecycleInterval',
  DRYDOCK_LIFECYCLE_RESTORE_WINDOW: 'lifecycleRestoreWindow',
  DRYDOCK_METRICS_ENABLED: 'metricsEnabled',
  DRYDOCK_METRICS_AUTH: 'metricsAuth',
  DRYDOCK_METRICS_TOKEN_FILE: 'metricsTokenFile',
}

export interface ParsedArgs {
  readonly settings: Settings
  readonly configFile?: string
  readonly help: boolean
}

/** Parses `--flag value` and `--flag=value`. Throws Error on unknown flags or missing values. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const settings: Settings = {}
  let configFile: string | undefined
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--help' || arg === '-h') {
      help = true
      continue
    }
    const eq = arg.indexOf('=')
    const name = eq > 0 ? arg.slice(0, eq) : arg
    const key = FLAGS[name]
    if (key === undefined && name !== '--config') {
      const hint = closest(name, [...Object.keys(FLAGS), '--config'])
      throw new Error(`unknown option '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`)
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined || value === '') throw new Error(`option '${name}' needs a value`)
    if (key === undefined) configFile = value
    else settings[key] = value
  }
  return { settings, ...(configFile === undefined ? {} : { configFile }), help }
}

function fromEnv(env: NodeJS.ProcessEnv): Settings {
  const s: Settings = {}
  for (const [name, key] of Object.entries(ENV)) {
    const v = env[name]
    if (v !== undefined && v !== '') s[key] = v
  }
  return s
}

function fromFile(path: string): Settings {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new Error(`cannot read config file ${path}: ${(err as Error).message}`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`config file ${path}: top level must be an object`)
  const keys = new KeyTracker()
  const o = keys.track(json as Record<string, Record<string, unknown> | undefined>, '')
  const section = (k: string): Record<string, unknown> => {
    const v = o[k]
    if (v === undefined) return {}
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`config file ${path}: "${k}" must be an object`)
    return keys.track(v, k)
  }
  const all: Settings = {
    listen: o['listen'],
    data: o['data'],
    tlsCert: section('tls')['cert'],
    tlsKey: section('tls')['key'],
    uploadExpiry: section('uploads')['expiry'],
    uploadIdleTimeout: section('uploads')['idleTimeout'],
    uploadPurgeInterval: section('uploads')['purgeInterval'],
    maxManifestSize: section('limits')['maxManifestSize'],
    maxBlobSize: section('limits')['maxBlobSize'],
    ...openUploadsFromFile(section('limits')['maxOpenUploads'], path),
    minFreeSpace: section('limits')['minFreeSpace'],
    maxConnectionsPerAddress: section('limits')['maxConnectionsPerAddress'],
    bodyTimeout: section('limits')['bodyTimeout'],
    uploadStallTimeout: section('limits')['uploadStallTimeout'],
    uploadMinProgress: section('limits')['uploadMinProgress'],
    maxJsonDepth: section('limits')['maxJsonDepth'],
    maxJsonValues: section('limits')['maxJsonValues'],
    maxConfigSize: section('limits')['maxConfigSize'],
    logLevel: section('log')['level'],
    authMode: section('auth')['mode'],
    authService: section('auth')['service'],
    tokenTtl: section('auth')['tokenTtl'],
    loginPasswordTtl: section('auth')['loginPasswordTtl'],
    allowInsecureBasic: section('auth')['allowInsecureBasic'],
    lockoutThreshold: section('auth')['lockoutThreshold'],
    lockoutAccountsPerAddress: section('auth')['lockoutAccountsPerAddress'],
    scanOnPush: section('scanning')['scanOnPush'],
    advisoryDb: section('scanning')['advisoryDb'],
    scanRules: section('scanning')['repositories'],
    scanConcurrency: section('scanning')['concurrency'],
    scanLease: section('scanning')['lease'],
    scanTeeMaxStall: section('scanning')['teeMaxStall'],
    scanMaxFindingsPerLayer: section('scanning')['maxFindingsPerLayer'],
    scanMaxFindingsPerImage: section('scanning')['maxFindingsPerImage'],
    scanMaxCacheEntrySize: section('scanning')['maxCacheEntrySize'],
    scanMaxBaseCandidates: section('scanning')['maxBaseCandidates'],
    gcInterval: section('gc')['interval'],
    gcGracePeriod: section('gc')['gracePeriod'],
    gcDeletionWait: section('gc')['deletionWait'],
    ecrAccountId: section('ecr')['accountId'],
    ecrRegion: section('ecr')['region'],
    ecrAuthorizationTokenTtl: section('ecr')['authorizationTokenTtl'],
    ecrMaxClockSkew: section('ecr')['maxClockSkew'],
    ecrDownloadUrlTtl: section('ecr')['downloadUrlTtl'],
    ecrPublicUrl: section('ecr')['publicUrl'],
    ecrScanType: section('ecr')['scanType'],
    pullsRecord: section('pulls')['record'],
    pullsFlushInterval: section('pulls')['flushInterval'],
    lifecycleEnabled: section('lifecycle')['enabled'],
    lifecycleInterval: section('lifecycle')['interval'],
    lifecycleRestoreWindow: section('lifecycle')['restoreWindow'],
    metricsEnabled: section('metrics')['enabled'],
    metricsAuth: section('metrics')['auth'],
    metricsTokenFile: section('metrics')['tokenFile'],
    trustNamespaces: section('trust')['namespaces'],
    trustBaseDir: dirname(resolve(path)),
    repositoryDefaults: section('repositories')['defaults'],
    repositoryTemplates: section('repositories')['templates'],
    policies: o['policies'],
    policyMaxExemption: section('policy')['maxExemption'],
    ...(o['admission'] === undefined ? {} : {
      admission: {
        registryHosts: section('admission')['registryHosts'],
        otherRegistries: section('admission')['otherRegistries'],
        maxImages: section('admission')['maxImages'],
        maxReviewSize: section('admission')['maxReviewSize'],
      },
    }),
    ...(o['webhooks'] === undefined ? {} : {
      webhooks: {
        enabled: section('webhooks')['enabled'],
        maxAttempts: section('webhooks')['maxAttempts'],
        retryBaseDelay: section('webhooks')['retryBaseDelay'],
        timeout: section('webhooks')['timeout'],
        allowedDestinations: section('webhooks')['allowedDestinations'],
      },
    }),
  }
  keys.assertAllRead(path)
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined))
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`${what} must be a non-empty string`)
  return v
}

/** Loads the full configuration. Throws Error with a user-facing message on bad input. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const args = parseArgs(argv)
  const configFile = args.configFile ?? env['DRYDOCK_CONFIG']
  const s: Settings = { ...(configFile ? fromFile(configFile) : {}), ...fromEnv(env), ...args.settings }
  const d = DEFAULT_CONFIG
  const listen = s.listen === undefined ? d.server.listen : str(s.listen, 'listen')
  parseListen(listen)
  if ((s.tlsCert === undefined) !== (s.tlsKey === undefined)) throw new Error('TLS needs both a certificate and a key')
  const logLevel = s.logLevel === undefined ? d.log.level : str(s.logLevel, 'log level')
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new Error(`log level must be one of ${LOG_LEVELS.join(', ')}`)
  return {
    server: {
      listen,
      shutdownTimeoutMs: d.server.shutdownTimeoutMs,
      ...(s.tlsCert === undefined ? {} : { tls: { certFile: str(s.tlsCert, 'TLS cert'), keyFile: str(s.tlsKey, 'TLS key') } }),
    },
    storage: { dataDir: s.data === undefined ? d.storage.dataDir : str(s.data, 'data dir') },
    uploads: {
      expiryMs: s.uploadExpiry === undefined ? d.uploads.expiryMs : parseDuration(s.uploadExpiry, 'upload expiry'),
      idleTimeoutMs: s.uploadIdleTimeout === undefined ? d.uploads.idleTimeoutMs : parseDuration(s.uploadIdleTimeout, 'upload idle timeout'),
      purgeIntervalMs: s.uploadPurgeInterval === undefined
        ? d.uploads.purgeIntervalMs
        : parseDuration(s.uploadPurgeInterval, 'upload purge interval'),
    },
    limits: limitsConfig(s),
    log: { level: logLevel as LogLevel },
    auth: authConfig(s, env),
    scanning: scanningConfig(s),
    gc: {
      intervalMs: s.gcInterval === undefined ? DEFAULT_GC.intervalMs : parseDuration(s.gcInterval, 'gc interval'),
      gracePeriodMs: s.gcGracePeriod === undefined ? DEFAULT_GC.gracePeriodMs : parseDuration(s.gcGracePeriod, 'gc grace period'),
      deletionWaitMs: s.gcDeletionWait === undefined ? DEFAULT_GC.deletionWaitMs : parseDuration(s.gcDeletionWait, 'gc deletion wait'),
    },
    pulls: pullsConfig(s.pullsRecord, s.pullsFlushInterval),
    lifecycle: lifecycleConfig(s.lifecycleEnabled, s.lifecycleInterval, s.lifecycleRestoreWindow),
    metrics: metricsConfig({ enabled: s.metricsEnabled, auth: s.metricsAuth, tokenFile: s.metricsTokenFile }, env),
    // Absent unless set: the ECR door then uses DEFAULT_ECR (ecr/ecr-config.ts).
    ...([s.ecrAccountId, s.ecrRegion, s.ecrAuthorizationTokenTtl, s.ecrMaxClockSkew, s.ecrDownloadUrlTtl, s.ecrPublicUrl, s.ecrScanType].every((v) => v === undefined)
      ? {}
      : { ecr: ecrConfig({ accountId: s.ecrAccountId, region: s.ecrRegion, authorizationTokenTtl: s.ecrAuthorizationTokenTtl, maxClockSkew: s.ecrMaxClockSkew, downloadUrlTtl: s.ecrDownloadUrlTtl, publicUrl: s.ecrPublicUrl, scanType: s.ecrScanType }) }),
    ...(s.trustNamespaces === undefined ? {} : { trust: trustConfig(s.trustNamespaces, String(s.trustBaseDir)) }),
    ...(s.repositoryDefaults === undefined && s.repositoryTemplates === undefined
      ? {}
      : { repositories: repositoriesConfig(s.repositoryDefaults, s.repositoryTemplates) }),
    ...(s.policies === undefined && s.policyMaxExemption === undefined
      ? {}
      : { policy: policyConfig(s.policies, s.policyMaxExemption) }),
    ...(s.admission === undefined ? {} : { admission: admissionConfig(s.admission as Record<string, unknown>) }),
    ...(s.webhooks === undefined ? {} : { webhooks: webhooksConfig(s.webhooks as Record<string, unknown>) }),
  }
}

/** `limits.maxOpenUploads` is a total count or `{ total, perRepository, perPrincipal }`. */
function openUploadsFromFile(v: unknown, path: string): Settings {
  if (v === undefined || typeof v !== 'object' || v === null) return v === undefined ? {} : { maxOpenUploads: v }
  const o = v as Record<string, unknown>
  if (Object.keys(o).some((k) => k !== 'total' && k !== 'perRepository' && k !== 'perPrincipal')) {
    throw new Error(`config file ${path}: "limits.maxOpenUploads" takes only "total", "perRepository" and "perPrincipal"`)
  }
  return { maxOpenUploads: o['total'], maxOpenUploadsPerRepo: o['perRepository'], maxOpenUploadsPerPrincipal: o['perPrincipal'] }
}

function limitsConfig(s: Settings): LimitsConfig {
  const d = DEFAULT_CONFIG.limits
  const size = (v: unknown, dflt: number, what: string, allowZero: boolean): number => v === undefined ? dflt : parseSize(v, what, { allowZero })
  const count = (v: unknown, dflt: number, what: string): number => v === undefined ? dflt : parseCount(v, what)
  return {
    maxManifestBytes: size(s.maxManifestSize, d.maxManifestBytes, 'max manifest size', false),
    maxBlobBytes: size(s.maxBlobSize, d.maxBlobBytes, 'max blob size', true),
    maxOpenUploads: {
      total: count(s.maxOpenUploads, d.maxOpenUploads.total, 'max open uploads'),
      perRepository: count(s.maxOpenUploadsPerRepo, d.maxOpenUploads.perRepository, 'max open uploads per repository'),
      perPrincipal: count(s.maxOpenUploadsPerPrincipal, d.maxOpenUploads.perPrincipal, 'max open uploads per principal'),
    },
    minFreeBytes: size(s.minFreeSpace, d.minFreeBytes, 'min free space', true),
    maxConnectionsPerAddress: count(s.maxConnectionsPerAddress, d.maxConnectionsPerAddress, 'max connections per address'),
    bodyTimeoutMs: positiveDuration(s.bodyTimeout, d.bodyTimeoutMs, 'body timeout'),
    uploadMinProgress: {
      bytes: size(s.uploadMinProgress, d.uploadMinProgress.bytes, 'upload min progress', true),
      windowMs: positiveDuration(s.uploadStallTimeout, d.uploadMinProgress.windowMs, 'upload stall timeout'),
    },
    maxJsonDepth: jsonDepth(s.maxJsonDepth, d.maxJsonDepth),
    maxJsonValues: jsonValues(s.maxJsonValues, d.maxJsonValues),
    maxConfigBytes: size(s.maxConfigSize, d.maxConfigBytes, 'max config size', false),
  }
}

/** A duration that must not be 0 (a timeout of 0 would refuse every request). */
function positiveDuration(v: unknown, dflt: number, what: string): number {
  if (v === undefined) return dflt
  const ms = parseDuration(v, what)
  if (ms <= 0) throw new Error(`${what} must be more than 0`)
  return ms
}

/** JSON nesting bound: at least 2 (a manifest holds objects in arrays), at most 1024 levels. */
function jsonDepth(v: unknown, dflt: number): number {
  if (v === undefined) return dflt
  const n = parseCount(v, 'max JSON depth')
  if (n < 2 || n > 1024) throw new Error('max JSON depth must be between 2 and 1024')
  return n
}

/** JSON values bound: at least 1000 (a small manifest), at most 10 million. */
function jsonValues(v: unknown, dflt: number): number {
  if (v === undefined) return dflt
  const n = parseCount(v, 'max JSON values')
  if (n < 1000 || n > 10_000_000) throw new Error('max JSON values must be between 1000 and 10000000')
  return n
}

function authConfig(s: Settings, env: NodeJS.ProcessEnv): AuthConfig {
  const d = DEFAULT_CONFIG.auth
  const mode = s.authMode === undefined ? d.mode : str(s.authMode, 'auth mode')
  if (mode !== 'auto' && mode !== 'on' && mode !== 'off') throw new Error('auth mode must be one of auto, on, off')
  const insecure = s.allowInsecureBasic === undefined ? d.allowInsecureBasic : s.allowInsecureBasic
  if (typeof insecure !== 'boolean' && insecure !== 'true' && insecure !== 'false') throw new Error('allow-insecure-basic must be true or false')
  const user = env['DRYDOCK_ADMIN_USER']
  const password = env['DRYDOCK_ADMIN_PASSWORD']
  if ((user === undefined || user === '') !== (password === undefined || password === '')) {
    throw new Error('DRYDOCK_ADMIN_USER and DRYDOCK_ADMIN_PASSWORD must be set together')
  }
  return {
    ...d,
    mode,
    service: s.authService === undefined ? d.service : str(s.authService, 'auth service'),
    tokenTtlMs: s.tokenTtl === undefined ? d.tokenTtlMs : parseDuration(s.tokenTtl, 'token ttl'),
    loginPasswordTtlMs: s.loginPasswordTtl === undefined ? d.loginPasswordTtlMs : parseDuration(s.loginPasswordTtl, 'login password ttl'),
    allowInsecureBasic: insecure === true || insecure === 'true',
    lockoutThreshold: atLeastOne(s.lockoutThreshold, d.lockoutThreshold, 'lockout threshold'),
    lockoutAccountsPerAddress: atLeastOne(s.lockoutAccountsPerAddress, d.lockoutAccountsPerAddress, 'lockout accounts per address'),
    ...(user && password ? { bootstrapAdmin: { user, password } } : {}),
  }
}

function atLeastOne(v: unknown, dflt: number, what: string): number {
  if (v === undefined) return dflt
  const n = parseCount(v, what)
  if (n < 1) throw new Error(`${what} must be at least 1`)
  return n
}
