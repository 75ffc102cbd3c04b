/**
 * The Kubernetes admission webhooks (docs/admission.md): `POST /admission/validate` and
 * `POST /admission/mutate`, speaking admission.k8s.io/v1 AdmissionReview. The kube-apiserver
 * authenticates as a Drydock principal (a robot or a user token, Basic or Bearer, checked as on
 * /api/v1 by callerOf), and the decision is made for that principal: the policies' `appliesTo`
 * apply to it, and it must be able to pull each image (permissions.ts). With access control off,
 * the caller is anonymous on an open registry.
 *
 * A client mistake (not JSON, not an AdmissionReview v1, too large) gets the one error envelope
 * (error-handler.ts) with 400/413/415; the apiserver then applies the webhook's failurePolicy.
 * A well-formed review always gets 200 with `allowed` true or false.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import type { RepositoryName } from '../../../oci/reference.ts'
import { parseAdmissionReview, reviewResponse } from '../../admission/admission-review.ts'
import type { AdmissionConfig } from '../../admission/admission-config.ts'
import { ADMISSION_ROUTES_PATHS } from '../../admission/admission-paths.ts'
import { isUnknownManifest, reviewWorkload, type AdmissionDeps, type AdmissionMode } from '../../admission/review-workload.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { ANONYMOUS, type Principal } from '../../auth/principal.ts'
import type { ManifestService } from '../../distribution/manifest-service.ts'
import type { PolicyGate } from '../../policy/policy-gate.ts'
import { callerOf, json } from '../api/api-context.ts'
import { readSmallBodyBytes } from '../body-deadlines.ts'

export interface AdmissionRouteDeps {
  readonly gate: PolicyGate
  readonly manifests: ManifestService
  readonly auth: AuthService | undefined
}

export function registerAdmissionRoutes(app: FastifyInstance, config: AdmissionConfig, deps: AdmissionRouteDeps): void {
  const { auth } = deps
  const domain: AdmissionDeps = {
    config,
    gate: deps.gate,
    resolve: async (repository, reference) => {
      const ref = 'digest' in reference ? { kind: 'digest' as const, digest: reference.digest } : { kind: 'tag' as const, tag: reference.tag }
      try {
        return (await deps.manifests.resolve(repository, ref)).digest
      } catch (err) {
        if (isUnknownManifest(err)) return undefined
        throw err
      }
    },
    mayPull: async (principal: Principal, repository: RepositoryName) => !auth?.enabled || (await auth.allowed(principal, repository)).includes('pull'),
  }
  const handle = (mode: AdmissionMode) => async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    // Who asks first: an unauthenticated caller learns nothing, not even whether its body parses.
    const principal = auth?.enabled ? await callerOf(auth, request) : ANONYMOUS
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/json') {
      throw new RegistryError('UNSUPPORTED', 'an AdmissionReview must be sent as application/json', { status: 415 })
    }
    const tooLarge = (): Error => new RegistryError('SIZE_INVALID', `AdmissionReview larger than admission.maxReviewSize (${config.maxReviewBytes} bytes)`, { status: 413 })
    const body = await readSmallBodyBytes(request, config.maxReviewBytes, tooLarge)
    const review = parseAdmissionReview(body, app.jsonBodyLimits ?? {})
    const response = await reviewWorkload(review, principal, mode, domain)
    if (!response.allowed) request.log.info({ uid: review.uid, kind: review.kind, namespace: review.namespace, mode }, 'admission refused')
    return json(reply, 200, reviewResponse(response))
  }
  app.post(ADMISSION_ROUTES_PATHS.validate, handle('validate'))
  app.post(ADMISSION_ROUTES_PATHS.mutate, handle('mutate'))
}

