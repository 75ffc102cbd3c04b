/**
 * Plugs the deploy gate into the app (issue #13, docs/policies.md "Enforcement at pull"): the
 * DeployGate over the policy source, the scan store and the trust service, exposed as
 * `app.drydockPolicy` (the admission webhook asks it too), the hooks that drop cached verdicts
 * (scan finished, signature or attestation pushed or deleted, policy changed), the pull check the
 * manifest GET/HEAD handler calls, and the details route
 * GET /api/v1/repositories/{name}/images/{digest}/policy.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseDigest } from '../../oci/digest.ts'
import { RegistryError } from '../../oci/errors.ts'
import type { AuthService } from '../auth/auth-service.ts'
import { ANONYMOUS } from '../auth/principal.ts'
import type { RegistryConfig } from '../config/config.ts'
import type { ManifestService } from '../distribution/manifest-service.ts'
import { json } from '../http/api/api-context.ts'
import { clientAddress } from '../http/auth/credentials.ts'
import type { PullGate } from '../http/oci/oci-context.ts'
import { repositoryApi } from '../http/repository-api.ts'
import { requestPrincipalObject } from '../http/request-principal.ts'
import type { EventPublisher } from '../events/domain-event.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { GateMetrics } from '../metrics/registry-metrics.ts'
import type { Clock } from '../ports.ts'
import type { ScanService } from '../scanning/scan-service.ts'
import type { TrustService } from '../trust/trust-service.ts'
import { DeployGate } from './gate/deploy-gate.ts'
import { FactsGatherer } from './gate/gather-facts.ts'
import type { PolicyGate } from './policy-gate.ts'
import type { PolicySource } from './policy-source.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The deploy gate every door asks (policy/policy-gate.ts). */
    drydockPolicy: PolicyGate
  }
}

export interface PolicyDeps {
  readonly source: PolicySource
  readonly services: { readonly manifests: ManifestService }
  readonly store: MetadataStore
  readonly clock: Clock
  readonly auth: AuthService | undefined
  readonly trust: TrustService
  /** Scan on push, when configured: a finished scan drops the cached verdicts of its repository. */
  readonly scanning?: ScanService | undefined
  /** Counts the gate's decisions (docs/metrics.md). */
  readonly metrics?: GateMetrics
  /** Where the gate publishes policy.violation (events/domain-event.ts). */
  readonly events?: EventPublisher
}

/** Cosign's tag forms of a signature, attestation or SBOM for a digest (`sha256-<hex>.sig`). */
const COSIGN_TAG = /^[a-z0-9]+-[a-f0-9]{32,}\.(sig|att|sbom)$/

export function registerPolicy(app: FastifyInstance, _config: RegistryConfig, deps: PolicyDeps): PullGate {
  const facts = new FactsGatherer({ store: deps.store, trust: deps.trust, content: (record) => deps.services.manifests.content(record) })
  const gate = new DeployGate({
    source: deps.source, facts, audit: deps.store.auth.audit, clock: deps.clock,
    log: { error: (o, m) => app.log.error(o, m) },
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.events ? { events: deps.events } : {}),
  })
  app.decorate('drydockPolicy', gate)
  deps.scanning?.onScanFinished((repo) => gate.invalidateRepository(repo))

  repositoryApi(app, deps.auth).add({ method: 'GET', path: 'images/{ref}/policy', needs: 'pull' }, async (_request, reply, { repo, ref, caller }) => {
    const digest = parseDigest(ref ?? '')
    const record = await deps.services.manifests.resolve(repo, { kind: 'digest', digest })
    return json(reply, 200, await gate.decide(repo, record.digest, caller ?? ANONYMOUS, 'check'))
  })

  return {
    checkPull: async (request: FastifyRequest, repository: string, digest: string) => {
      const d = await gate.decideFor(repository, digest, () => requestPrincipalObject(request), 'pull', clientAddress(request))
      if (d.decision === 'deny') throw new RegistryError('DENIED', d.message ?? 'refused by a deploy policy', { detail: { repository, digest } })
      if (d.decision === 'audit-deny') request.log.info({ repository, digest, policy: d.verdict?.policy }, 'deploy policy would refuse this pull (audit mode)')
    },
    manifestPut: (repository, tag, subject) => {
      // A signature, attestation or SBOM for some digest of this repository (tag or referrer form).
      if (subject !== undefined || (tag !== undefined && COSIGN_TAG.test(tag))) gate.invalidateRepository(repository)
    },
    // A deleted signature, a deleted index: which digests it concerned is gone with it.
    manifestDeleted: (repository) => gate.invalidateRepository(repository),
  }
}
