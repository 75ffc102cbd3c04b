/**
 * Plugs signature verification into the app: the TrustService built from the config's trust
 * policy over the registry's own services, exposed as `app.drydockTrust` (for the pull and
 * deploy gates) and through the signatures API (http/trust/signature-routes.ts).
 */
import type { FastifyInstance } from 'fastify'
import { createTrustPolicy } from '../../trust/policy/trust-policy.ts'
import type { AuthService } from '../auth/auth-service.ts'
import type { RegistryConfig } from '../config/config.ts'
import { registerSignatureRoutes } from '../http/trust/signature-routes.ts'
import { RegistryTrustReader, type TrustReaderServices } from './registry-trust-reader.ts'
import { TrustService } from './trust-service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** "Is this digest signed by a trusted key, and by which" (trust/trust-service.ts). */
    drydockTrust: TrustService
  }
}

export function registerTrust(app: FastifyInstance, config: RegistryConfig, deps: { readonly services: TrustReaderServices; readonly auth: AuthService | undefined }): TrustService {
  const trust = new TrustService(createTrustPolicy(config.trust ?? { namespaces: {} }), new RegistryTrustReader(deps.services))
  app.decorate('drydockTrust', trust)
  registerSignatureRoutes(app, { trust, manifests: deps.services.manifests, auth: deps.auth })
  return trust
}
