// `drydock serve`: start the registry. Options and their env/config-file equivalents are
// listed in --help; precedence is flags > environment > config file > defaults.
import { EXIT, UsageError } from '../exit-codes.ts'

const HELP = `Usage: drydock serve [options]

Options (environment variable in brackets):
  --listen HOST:PORT             address to listen on [DRYDOCK_LISTEN] (default 127.0.0.1:5000)
  --data DIR                     data directory [DRYDOCK_DATA] (default ./data)
  --config FILE                  JSON config file [DRYDOCK_CONFIG]
  --tls-cert FILE, --tls-key FILE  serve HTTPS [DRYDOCK_TLS_CERT, DRYDOCK_TLS_KEY]
  --upload-expiry DURATION       idle upload sessions expire after this [DRYDOCK_UPLOAD_EXPIRY] (default 24h)
  --upload-purge-interval DURATION  how often expired uploads are purged [DRYDOCK_UPLOAD_PURGE_INTERVAL] (default 10m)
  --max-manifest-size SIZE       largest manifest accepted [DRYDOCK_MAX_MANIFEST_SIZE] (default 4MiB)
  --log-level LEVEL              fatal|error|warn|info|debug|trace|silent [DRYDOCK_LOG_LEVEL] (default info)
  --auth auto|on|off             access control [DRYDOCK_AUTH] (default auto: on once a user exists; docs/auth.md)
  --auth-service NAME            service name in the token challenge [DRYDOCK_AUTH_SERVICE] (default drydock)
  --token-ttl DURATION           lifetime of registry tokens [DRYDOCK_TOKEN_TTL] (default 5m)
  --login-password-ttl DURATION  lifetime of \`drydock login-password\` passwords [DRYDOCK_LOGIN_PASSWORD_TTL] (default 12h)
  --allow-insecure-basic BOOL    accept passwords over plain HTTP from non-loopback clients [DRYDOCK_ALLOW_INSECURE_BASIC] (default false)
  The first admin: DRYDOCK_ADMIN_USER and DRYDOCK_ADMIN_PASSWORD (created at start if missing).
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
    if ((err as { code?: unknown }).code === 'DRYDOCK_OPEN_REGISTRY') throw new UsageError((err as Error).message)
    throw err
  }
  return EXIT.ok
}
