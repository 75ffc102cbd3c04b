/**
 * Plugs the Kubernetes admission webhooks into the app (docs/admission.md): the routes of
 * http/admission/ over the deploy gate (`app.drydockPolicy`), the manifest service that resolves
 * tags, and the access control that says who the apiserver is.
 */
import type { FastifyInstance } from 'fastify'
import type { AuthService } from '../auth/auth-service.ts'
import type { RegistryConfig } from '../config/config.ts'
import type { ManifestService } from '../distribution/manifest-service.ts'
import { registerAdmissionRoutes } from '../http/admission/admission-routes.ts'
import type { PolicyGate } from '../policy/policy-gate.ts'
import { DEFAULT_ADMISSION } from './admission-config.ts'

export interface AdmissionAppDeps {
  readonly gate: PolicyGate
  readonly manifests: ManifestService
  readonly auth: AuthService | undefined
}

export function registerAdmission(app: FastifyInstance, config: RegistryConfig, deps: AdmissionAppDeps): void {
  registerAdmissionRoutes(app, config.admission ?? DEFAULT_ADMISSION, deps)
}
