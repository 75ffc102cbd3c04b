// The management API under /api/v1 (documented in docs/api.md). Every route authenticates the
// caller and asks the one permission check (api-context.ts requirePermission → permissions.ts
// mayManage): the owner's rights and the credential's own actions and targets (docs/auth.md).
import type { FastifyInstance } from 'fastify'
import type { AuthService } from '../../auth/auth-service.ts'
import { registerAuditApi } from './audit-api.ts'
import { registerGcApi } from './gc-api.ts'
import { registerOrgsApi } from './orgs-api.ts'
import { registerRobotsApi } from './robots-api.ts'
import { registerTokensApi } from './tokens-api.ts'
import { registerUsersApi } from './users-api.ts'

export function registerApiRoutes(app: FastifyInstance, auth: AuthService): void {
  registerUsersApi(app, auth)
  registerOrgsApi(app, auth)
  registerRobotsApi(app, auth)
  registerTokensApi(app, auth)
  registerAuditApi(app, auth)
  registerGcApi(app, auth)
}
