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
  await serveUntilSignal(config)
  return EXIT.ok
}
