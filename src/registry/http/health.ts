// GET /healthz (the process is up) and GET /readyz (the metadata store and blob storage answer).
import type { FastifyInstance } from 'fastify'
import type { MetadataStore } from '../metadata/store.ts'
import type { StorageDriver } from '../storage/driver.ts'

export function registerHealthRoutes(app: FastifyInstance, deps: { readonly store: MetadataStore; readonly driver: StorageDriver }): void {
  app.get('/healthz', async (_request, reply) => reply.code(200).send({ status: 'ok' }))
  app.get('/readyz', async (request, reply) => {
    const checks: Record<string, string> = {}
    try {
      await deps.store.ping()
      checks['metadata'] = 'ok'
    } catch (err) {
      request.log.warn({ err }, 'metadata store not ready')
      checks['metadata'] = 'failed'
    }
    try {
      // A write proves the data dir exists, is mounted and is writable.
      await deps.driver.putContent('_probe/readyz', new TextEncoder().encode(new Date(0).toISOString()))
      checks['storage'] = 'ok'
    } catch (err) {
      request.log.warn({ err }, 'storage not ready')
      checks['storage'] = 'failed'
    }
    const ok = Object.values(checks).every((c) => c === 'ok')
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks })
  })
}
