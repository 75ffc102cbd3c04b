/**
 * POST /api/v1/gc: runs garbage collection now (docs/storage-layout.md "Garbage collection") and
 * answers its report; `{"dryRun": true}` only reports what would be deleted. Server-wide: blobs
 * are shared by every namespace, so only server administrators may run it. A second run while
 * one is in progress gets 409. Real runs are audited.
 */
import type { FastifyInstance } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { principalName } from '../../auth/principal.ts'
import { clientAddress } from '../auth/credentials.ts'
import { readJsonObject } from '../auth/read-small-body.ts'
import { authorizedCaller, json, SERVER } from './api-context.ts'

export function registerGcApi(app: FastifyInstance, auth: AuthService): void {
  app.post('/api/v1/gc', async (request, reply) => {
    const caller = await authorizedCaller(auth, request, SERVER)
    const body = await readJsonObject(request)
    const unknown = Object.keys(body).find((k) => k !== 'dryRun')
    if (unknown !== undefined) throw new RegistryError('UNSUPPORTED', `unknown field '${unknown.slice(0, 64)}' (only 'dryRun')`, { status: 400 })
    if (body['dryRun'] !== undefined && typeof body['dryRun'] !== 'boolean') {
      throw new RegistryError('UNSUPPORTED', "'dryRun' must be a boolean", { status: 400 })
    }
    const dryRun = body['dryRun'] === true
    const report = await app.drydock.gc.run({ dryRun })
    if (!dryRun) {
      await auth.audit({
        actor: principalName(caller), action: 'gc.run', address: clientAddress(request),
        detail: { runId: report.runId, deletedBlobs: report.deletedBlobs, freedBytes: report.freedBytes },
      })
    }
    return json(reply, 200, report)
  })
}
