/**
 * The `drydock serve` runtime: opens the embedded storage (filesystem blobs + SQLite metadata)
 * in the data dir, builds the app, listens, and shuts down gracefully on SIGTERM/SIGINT: stop
 * accepting, let in-flight requests finish (bounded by shutdownTimeoutMs), then close the store.
 * An upload interrupted by shutdown stays resumable: its bytes and offset are already durable.
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from './app.ts'
import { parseListen, type RegistryConfig } from './config/config.ts'
import { limitConnectionsPerAddress } from './http/connection-limit.ts'
import { SqliteStore } from './metadata/sqlite/sqlite-store.ts'
import { FilesystemDriver } from './storage/filesystem/filesystem-driver.ts'

/** The embedded default: `<data>/storage` for blobs and `<data>/metadata.db` for metadata. */
export function openDefaultDeps(config: RegistryConfig): AppDeps & { readonly store: SqliteStore } {
  const dataDir = resolve(config.storage.dataDir)
  mkdirSync(join(dataDir, 'storage'), { recursive: true, mode: 0o750 })
  return { store: new SqliteStore(join(dataDir, 'metadata.db')), driver: new FilesystemDriver(join(dataDir, 'storage')), jobs: true }
}

export interface RunningServer {
  readonly app: FastifyInstance
  /** The bound address, e.g. `http://127.0.0.1:5000`. */
  readonly url: string
  /** Graceful stop; resolves when everything is closed. Idempotent. */
  close(): Promise<void>
}

export async function startServer(config: RegistryConfig, deps: AppDeps = openDefaultDeps(config)): Promise<RunningServer> {
  const app = buildApp(config, deps)
  limitConnectionsPerAddress(app.server, config.limits.maxConnectionsPerAddress, app.log)
  const { host, port } = parseListen(config.server.listen)
  const url = await app.listen({ host, port })
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const timer = setTimeout(() => {
        app.log.warn('shutdown timeout: closing remaining connections')
        app.server.closeAllConnections()
      }, config.server.shutdownTimeoutMs)
      // Connections that finish their last request during shutdown become idle later; close
      // them as they do, instead of waiting for the keep-alive timeout.
      const sweeper = setInterval(() => app.server.closeIdleConnections(), 100)
      try {
        await app.close()
      } finally {
        clearTimeout(timer)
        clearInterval(sweeper)
        await deps.store.close()
      }
    })()
    return closing
  }
  return { app, url, close }
}

/** Runs until SIGTERM/SIGINT; resolves after a graceful shutdown. */
export async function serveUntilSignal(config: RegistryConfig): Promise<void> {
  const server = await startServer(config)
  await new Promise<void>((resolveStop) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      server.app.log.info({ signal }, 'shutting down')
      process.removeListener('SIGTERM', onSignal)
      process.removeListener('SIGINT', onSignal)
      server.close().then(resolveStop, (err: unknown) => {
        server.app.log.error({ err }, 'error during shutdown')
        resolveStop()
      })
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
}
