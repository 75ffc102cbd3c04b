// The management API under /api/v1 (documented in docs/api.md). Every route authenticates the
// caller itself (api-context.ts) and applies the same permission rules as the registry.
import type { FastifyInstance } from 'fastify'
import type { AuthService } from '../../auth/auth-service.ts'
import { registerAuditApi } from './audit-api.ts'
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
}
