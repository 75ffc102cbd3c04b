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
  /** An upload session untouched for this long is expired (BLOB_UPLOAD_UNKNOWN) and purged. */
  readonly expiryMs: number
  /** How often the purge job runs. */
  readonly purgeIntervalMs: number
}

export interface LimitsConfig {
  /** Largest manifest accepted on PUT (bytes). */
  readonly maxManifestBytes: number
  /** Largest blob an upload may reach (bytes); 0 = unlimited. Refused with 413 SIZE_INVALID. */
  readonly maxBlobBytes: number
  /** Open (unexpired) upload sessions allowed; 0 = unlimited. Beyond: 429 TOOMANYREQUESTS. */
  readonly maxOpenUploads: { readonly total: number; readonly perRepository: number }
  /** Uploads are refused to start (503 UNAVAILABLE) while the data dir has less free space; 0 = off. */
  readonly minFreeBytes: number
}

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
  /** Failed logins allowed per user and per address before exponential backoff starts. */
  readonly lockoutThreshold: number
  /** First admin created at start when no such user exists (never logged). */
  readonly bootstrapAdmin?: { readonly user: string; readonly password: string }
}

import { DEFAULT_SCANNING, type ScanningConfig } from '../scanning/scanning-config.ts'
import type { TrustConfig } from '../trust/trust-config.ts'

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
}

export const DEFAULT_CONFIG: RegistryConfig = {
  server: { listen: '127.0.0.1:5000', shutdownTimeoutMs: 10_000 },
  storage: { dataDir: './data' },
  uploads: { expiryMs: 24 * 60 * 60 * 1000, purgeIntervalMs: 10 * 60 * 1000 },
  limits: {
    maxManifestBytes: 4 * 1024 * 1024,
    maxBlobBytes: 10 * 1024 ** 3,
    maxOpenUploads: { total: 1000, perRepository: 100 },
    minFreeBytes: 1024 ** 3,
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
  },
  scanning: DEFAULT_SCANNING,
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
