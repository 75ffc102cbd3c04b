/**
 * The registry's configuration, one section per concern. Every value has a default so that
 * `drydock serve` with no options starts a working registry on 127.0.0.1:5000 with ./data.
 * Precedence (see load-config.ts): flags > environment > JSON config file > defaults.
 */

export interface ServerConfig {
  /** `HOST:PORT` to listen on; `[::1]:5000` for IPv6. */
  readonly listen: string
  /** PEM certificate and key files; both or neither. HSTS is only sent over TLS. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string }
  /** How long graceful shutdown waits for in-flight requests before closing sockets. */
  readonly shutdownTimeoutMs: number
}

export interface StorageConfig {
  /** Root of blobs (filesystem driver) and the SQLite metadata database. */
  readonly dataDir: string
}

export interface UploadsConfig {
  /** Absolute expiry: a session this old is expired (BLOB_UPLOAD_UNKNOWN) and purged, however busy. */
  readonly expiryMs: number
  /**
   * Idle timeout: a session that received no bytes for this long is expired and purged (a chunk
   * still streaming in counts as activity). Also the grace before an upload directory without
   * a session is purged.
   */
  readonly idleTimeoutMs: number
  /** How often the purge job runs. */
  readonly purgeIntervalMs: number
}

export interface LimitsConfig {
  /** Largest manifest accepted on PUT (bytes). */
  readonly maxManifestBytes: number
  /** Largest blob an upload may reach (bytes); 0 = unlimited. Refused with 413 SIZE_INVALID. */
  readonly maxBlobBytes: number
  /** Open (unexpired) upload sessions allowed; 0 = unlimited. Beyond: 429 TOOMANYREQUESTS. */
  readonly maxOpenUploads: { readonly total: number; readonly perRepository: number; readonly perPrincipal: number }
  /** Uploads are refused to start (503 UNAVAILABLE) while the data dir has less free space; 0 = off. */
  readonly minFreeBytes: number
  /** Open connections per client address (IPv6: per /64); 0 = unlimited. Beyond: refused at accept. */
  readonly maxConnectionsPerAddress: number
  /** Time a small body (token form, manifest, API JSON) has to arrive in full; then 408. */
  readonly bodyTimeoutMs: number
  /** A blob upload body must deliver `bytes` in every `windowMs`, or its connection is cut. */
  readonly uploadMinProgress: { readonly bytes: number; readonly windowMs: number }
  /**
   * Deepest JSON nesting accepted in manifests, indexes, image configs and JSON request bodies
   * (checked in one linear pass before parsing); deeper: 400.
   */
  readonly maxJsonDepth: number
  /** JSON values (objects, arrays, strings, numbers...) one such document may hold; more: 400. */
  readonly maxJsonValues: number
  /** Largest image config blob a manifest may name (it is read and validated at PUT); bigger: 400 MANIFEST_INVALID. */
  readonly maxConfigBytes: number
}

/** Online garbage collection (docs/storage-layout.md "Garbage collection"). */
export interface GcConfig {
  /** How often the scheduled collection runs; 0 = never (on demand only: `drydock gc`). */
  readonly intervalMs: number
  /**
   * A blob linked or pinned (uploaded, mounted, HEADed, referenced by a manifest PUT) this
   * recently is kept even when no manifest references it: longer than any push (first blob to
   * manifest PUT) plus the clock skew between replicas.
   */
  readonly gracePeriodMs: number
  /** How long an upload/mount of a blob the collector is deleting waits for it before 503. */
  readonly deletionWaitMs: number
}

export const DEFAULT_GC: GcConfig = { intervalMs: 24 * 60 * 60 * 1000, gracePeriodMs: 24 * 60 * 60 * 1000, deletionWaitMs: 30_000 }

/** Running lifecycle policies (docs/lifecycle.md "Running", "Restore window"). */
export interface LifecycleConfig {
  /** Run policies on the schedule; false: only on demand (`drydock repo expire`). */
  readonly enabled: boolean
  /** How often every repository's policy runs (and ended restore windows are deleted); 0 = never. */
  readonly intervalMs: number
  /** How long an expired image can be restored before it is deleted for real. */
  readonly restoreWindowMs: number
}

export const DEFAULT_LIFECYCLE: LifecycleConfig = { enabled: true, intervalMs: 60 * 60 * 1000, restoreWindowMs: 7 * 24 * 60 * 60 * 1000 }

/** Last pull time per image, for sinceImagePulled lifecycle rules (docs/lifecycle.md "Last pull"). */
export interface PullsConfig {
  /** Record manifest GETs as pulls. */
  readonly record: boolean
  /** How often the pulls noted in memory are written to the metadata store. */
  readonly flushIntervalMs: number
}

export const DEFAULT_PULLS: PullsConfig = { record: true, flushIntervalMs: 10_000 }

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export interface LogConfig {
  readonly level: LogLevel
}

/** Access control (docs/auth.md). */
export interface AuthConfig {
  /**
   * `on`: every /v2 request needs a token (public repositories excepted, pull only); `off`: open
   * registry, no /token and no /api/v1; `auto` (default): on as soon as one user exists (for
   * example the admin bootstrapped from DRYDOCK_ADMIN_USER / DRYDOCK_ADMIN_PASSWORD at start).
   */
  readonly mode: 'auto' | 'on' | 'off'
  /** The `service` of the Bearer challenge and the tokens' audience. */
  readonly service: string
  /** Lifetime of the registry tokens issued by /token. */
  readonly tokenTtlMs: number
  /** Lifetime of the passwords printed by `drydock login-password`. */
  readonly loginPasswordTtlMs: number
  /** Longest expiry a personal access token may be given. */
  readonly maxTokenTtlMs: number
  /** Accept Basic credentials over plain HTTP from non-loopback clients (off: refused). */
  readonly allowInsecureBasic: boolean
  /** Failed logins allowed per (account, address) before exponential backoff starts (auth/login-throttle.ts). */
  readonly lockoutThreshold: number
  /** Distinct accounts with failed logins allowed per address before the whole address backs off. */
  readonly lockoutAccountsPerAddress: number
  /** First admin created at start when no such user exists (never logged). */
  readonly bootstrapAdmin?: { readonly user: string; readonly password: string }
}

import { DEFAULT_MANIFEST_LIMITS } from '../distribution/image-config-check.ts'
import { DEFAULT_SCANNING, type ScanningConfig } from '../scanning/scanning-config.ts'
import type { TrustConfig } from '../trust/trust-config.ts'
import type { RepositoriesConfig } from '../settings/settings-config.ts'
import type { EcrConfig } from '../ecr/ecr-config.ts'
import type { PolicyConfig } from '../policy/store/policy-config.ts'
import type { AdmissionConfig } from '../admission/admission-config.ts'
import type { WebhooksConfig } from '../webhooks/webhooks-config.ts'
import { DEFAULT_METRICS, type MetricsConfig } from '../metrics/metrics-config.ts'

export interface RegistryConfig {
  readonly server: ServerConfig
  readonly storage: StorageConfig
  readonly uploads: UploadsConfig
  readonly limits: LimitsConfig
  readonly log: LogConfig
  readonly auth: AuthConfig
  /** Scan on push (docs/scan-on-push.md); scanning/scanning-config.ts defaults when absent. */
  readonly scanning?: ScanningConfig
  /** Trusted signing keys per namespace (docs/signing.md "In the registry"); none when absent. */
  readonly trust?: TrustConfig
  /** Online garbage collection; DEFAULT_GC when absent. */
  readonly gc?: GcConfig
  /** Lifecycle policy runs and the restore window; DEFAULT_LIFECYCLE when absent. */
  readonly lifecycle?: LifecycleConfig
  /** Last pull times; DEFAULT_PULLS when absent. */
  readonly pulls?: PullsConfig
  /** Repository settings defaults per namespace (settings/settings-config.ts); none when absent. */
  readonly repositories?: RepositoriesConfig
  /** The ECR-compatible API (docs/ecr.md); ecr/ecr-config.ts DEFAULT_ECR when absent. */
  readonly ecr?: EcrConfig
  /** Deploy policy defaults (`policies`) and `policy.maxExemption` (policy/store/policy-config.ts); DEFAULT_POLICY_CONFIG when absent. */
  readonly policy?: PolicyConfig
  /** Kubernetes admission webhooks (admission/admission-config.ts); DEFAULT_ADMISSION when absent. */
  readonly admission?: AdmissionConfig
  /** Event notifications by webhook (docs/events.md); webhooks/webhooks-config.ts DEFAULT_WEBHOOKS when absent. */
  readonly webhooks?: WebhooksConfig
  /** GET /metrics and who may read it (metrics/metrics-config.ts); DEFAULT_METRICS (on, open) when absent. */
  readonly metrics?: MetricsConfig
}

export const DEFAULT_CONFIG: RegistryConfig = {
  server: { listen: '127.0.0.1:5000', shutdownTimeoutMs: 10_000 },
  storage: { dataDir: './data' },
  uploads: { expiryMs: 24 * 60 * 60 * 1000, idleTimeoutMs: 15 * 60 * 1000, purgeIntervalMs: 10 * 60 * 1000 },
  limits: {
    maxManifestBytes: 4 * 1024 * 1024,
    maxBlobBytes: 10 * 1024 ** 3,
    maxOpenUploads: { total: 1000, perRepository: 100, perPrincipal: 100 },
    minFreeBytes: 1024 ** 3,
    maxConnectionsPerAddress: 256,
    bodyTimeoutMs: 60_000,
    uploadMinProgress: { bytes: 16 * 1024, windowMs: 60_000 },
    ...DEFAULT_MANIFEST_LIMITS,
  },
  log: { level: 'info' },
  auth: {
    mode: 'auto',
    service: 'drydock',
    tokenTtlMs: 5 * 60 * 1000,
    loginPasswordTtlMs: 12 * 60 * 60 * 1000,
    maxTokenTtlMs: 366 * 24 * 60 * 60 * 1000,
    allowInsecureBasic: false,
    lockoutThreshold: 5,
    lockoutAccountsPerAddress: 20,
  },
  scanning: DEFAULT_SCANNING,
  gc: DEFAULT_GC,
  pulls: DEFAULT_PULLS,
  lifecycle: DEFAULT_LIFECYCLE,
  metrics: DEFAULT_METRICS,
}

/** Splits `HOST:PORT` (IPv6 in brackets). Throws on anything else. */
export function parseListen(listen: string): { readonly host: string; readonly port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen)
  const port = Number(m?.[3])
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new Error(`invalid listen address '${listen}' (expected HOST:PORT)`)
  }
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port }
}
