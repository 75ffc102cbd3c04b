// `drydock serve`: start the registry. Options and their env/config-file equivalents are
// listed in --help; precedence is flags > environment > config file > defaults.
import { EXIT, UsageError } from '../exit-codes.ts'

const HELP = `Usage: drydock serve [options]

Options (environment variable in brackets; every one also has a config-file key: docs/configuration.md):
  --listen HOST:PORT             address to listen on [DRYDOCK_LISTEN] (default 127.0.0.1:5000)
  --data DIR                     data directory [DRYDOCK_DATA] (default ./data)
  --config FILE                  JSON config file [DRYDOCK_CONFIG]
  --tls-cert FILE, --tls-key FILE  serve HTTPS [DRYDOCK_TLS_CERT, DRYDOCK_TLS_KEY]
  --log-level LEVEL              fatal|error|warn|info|debug|trace|silent [DRYDOCK_LOG_LEVEL] (default info)

Access control (docs/auth.md):
  --auth auto|on|off             [DRYDOCK_AUTH] (default auto: on once a user exists)
  --auth-service NAME            service name in the token challenge [DRYDOCK_AUTH_SERVICE] (default drydock)
  --token-ttl DURATION           lifetime of registry tokens [DRYDOCK_TOKEN_TTL] (default 5m)
  --login-password-ttl DURATION  lifetime of \`drydock login-password\` passwords [DRYDOCK_LOGIN_PASSWORD_TTL] (default 12h)
  --allow-insecure-basic BOOL    accept passwords over plain HTTP from non-loopback clients [DRYDOCK_ALLOW_INSECURE_BASIC] (default false)
  --lockout-threshold N          failed logins per account and address before back-off [DRYDOCK_LOCKOUT_THRESHOLD] (default 5)
  --lockout-accounts-per-address N  failing account names per address before it backs off [DRYDOCK_LOCKOUT_ACCOUNTS_PER_ADDRESS] (default 20)
  The first admin: DRYDOCK_ADMIN_USER and DRYDOCK_ADMIN_PASSWORD (created at start if missing).

Uploads:
  --upload-idle-timeout DURATION  a session with no new bytes ends [DRYDOCK_UPLOAD_IDLE_TIMEOUT] (default 15m)
  --upload-expiry DURATION       a session ends, however busy [DRYDOCK_UPLOAD_EXPIRY] (default 24h)
  --upload-purge-interval DURATION  how often ended sessions are purged [DRYDOCK_UPLOAD_PURGE_INTERVAL] (default 10m)
  --upload-stall-timeout DURATION  window for an upload body's minimum progress [DRYDOCK_UPLOAD_STALL_TIMEOUT] (default 60s)
  --upload-min-progress SIZE     minimum bytes per window, 0 = no check [DRYDOCK_UPLOAD_MIN_PROGRESS] (default 16KiB)
  --max-blob-size SIZE           largest blob, 0 = unlimited [DRYDOCK_MAX_BLOB_SIZE] (default 10GiB)
  --max-open-uploads N           open sessions in total, 0 = unlimited [DRYDOCK_MAX_OPEN_UPLOADS] (default 1000)
  --max-open-uploads-per-repo N  open sessions per repository [DRYDOCK_MAX_OPEN_UPLOADS_PER_REPO] (default 100)
  --max-open-uploads-per-principal N  open sessions per user or robot [DRYDOCK_MAX_OPEN_UPLOADS_PER_PRINCIPAL] (default 100)
  --min-free-space SIZE          free space uploads and the scan cache keep, 0 = no check [DRYDOCK_MIN_FREE_SPACE] (default 1GiB)

Requests (docs/security.md):
  --max-connections-per-address N  open connections per client address, 0 = unlimited [DRYDOCK_MAX_CONNECTIONS_PER_ADDRESS] (default 256)
  --body-timeout DURATION        time a token, manifest or API body has to arrive [DRYDOCK_BODY_TIMEOUT] (default 60s)
  --max-manifest-size SIZE       largest manifest accepted [DRYDOCK_MAX_MANIFEST_SIZE] (default 4MiB)
  --max-config-size SIZE         largest image config a manifest may name [DRYDOCK_MAX_CONFIG_SIZE] (default 4MiB)
  --max-json-depth N             deepest JSON nesting in documents and bodies [DRYDOCK_MAX_JSON_DEPTH] (default 64)
  --max-json-values N            most JSON values in one document or body [DRYDOCK_MAX_JSON_VALUES] (default 100000)

Scanning (docs/scan-on-push.md):
  --scan-on-push BOOL            scan every pushed image [DRYDOCK_SCAN_ON_PUSH] (default false)
  --advisory-db FILE             advisory DB built by \`drydock db\` [DRYDOCK_ADVISORY_DB]

Garbage collection (docs/storage-layout.md):
  --gc-interval DURATION         how often unreferenced blobs are collected, 0s = never [DRYDOCK_GC_INTERVAL] (default 24h)
  --gc-grace-period DURATION     a blob linked or pinned this recently is kept [DRYDOCK_GC_GRACE_PERIOD] (default 24h)
  --gc-deletion-wait DURATION    how long an upload or mount waits for a blob being deleted, then 503 [DRYDOCK_GC_DELETION_WAIT] (default 30s)
  --ecr-account-id DIGITS        the 12-digit account id of ECR repository ARNs (docs/ecr.md) [DRYDOCK_ECR_ACCOUNT_ID] (default 000000000000)
  --ecr-region REGION            the region of ECR ARNs, checked in SigV4 scopes [DRYDOCK_ECR_REGION] (default us-east-1)
  --ecr-public-url URL           http(s)://HOST[:PORT] of proxyEndpoint and repositoryUri [DRYDOCK_ECR_PUBLIC_URL] (default: the request's)
  --ecr-scan-type TYPE           BASIC or ENHANCED findings in DescribeImageScanFindings [DRYDOCK_ECR_SCAN_TYPE] (default BASIC)

Last pull times, for sinceImagePulled lifecycle rules (docs/lifecycle.md):
  --pulls-record true|false      record manifest GETs as pulls [DRYDOCK_PULLS_RECORD] (default true)
  --pulls-flush-interval DURATION  how often recorded pulls are written to the metadata store [DRYDOCK_PULLS_FLUSH_INTERVAL] (default 10s)

Lifecycle policies (docs/lifecycle.md "Running", "Restore window"):
  --lifecycle-enabled true|false  run every repository's lifecycle policy on a schedule [DRYDOCK_LIFECYCLE_ENABLED] (default true)
  --lifecycle-interval DURATION   how often scheduled runs happen, 0s = never [DRYDOCK_LIFECYCLE_INTERVAL] (default 1h)
  --lifecycle-restore-window DURATION  how long an expired image can be restored before it is deleted [DRYDOCK_LIFECYCLE_RESTORE_WINDOW] (default 7d)

Prometheus metrics at GET /metrics (docs/metrics.md):
  --metrics-enabled true|false   serve /metrics and count [DRYDOCK_METRICS_ENABLED] (default true)
  --metrics-auth MODE            off (open; nothing sensitive is exposed), token, admin or token,admin [DRYDOCK_METRICS_AUTH] (default off)
  --metrics-token-file FILE      the bearer token for 'token' [DRYDOCK_METRICS_TOKEN_FILE]; or the token itself in DRYDOCK_METRICS_TOKEN
`

export async function run(argv: readonly string[]): Promise<number> {
  const { loadConfig, parseArgs } = await import('../../registry/config/load-config.ts')
  let config
  try {
    if (parseArgs(argv).help) {
      process.stdout.write(HELP)
      return EXIT.ok
    }
    config = loadConfig(argv)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { serveUntilSignal } = await import('../../registry/server.ts')
  try {
    await serveUntilSignal(config)
  } catch (err) {
    // A configuration the server refuses to run with is the user's to fix, not a crash.
    const expected = startFailure(err as NodeJS.ErrnoException, config)
    if (expected !== undefined) throw new UsageError(expected)
    throw err
  }
  return EXIT.ok
}

const LISTEN_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use (is another registry running?)',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address does not belong to this machine',
}
const DATA_DIR_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOTDIR: 'a path component is not a directory',
  ENOSPC: 'no space left on the device',
}

/** The one-line message for a start-up failure the user can fix, or undefined for a bug. */
function startFailure(err: NodeJS.ErrnoException, config: { server: { listen: string }; storage: { dataDir: string } }): string | undefined {
  if (err.code === 'DRYDOCK_OPEN_REGISTRY') return err.message
  const code = err.code ?? ''
  if (err.syscall === 'listen' && LISTEN_ERRORS[code]) return `cannot listen on ${config.server.listen}: ${LISTEN_ERRORS[code]}`
  if (err.syscall !== 'listen' && DATA_DIR_ERRORS[code]) {
    return `cannot use the data directory ${config.storage.dataDir}: ${DATA_DIR_ERRORS[code]}${err.path ? ` (${err.path})` : ''}`
  }
  return undefined
}
