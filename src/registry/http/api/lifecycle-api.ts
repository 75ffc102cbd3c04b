/**
 * Lifecycle policy API (docs/lifecycle.md "Preview", "Running", "Restore window", docs/api.md):
 *   GET  /api/v1/repositories/{name}/lifecycle-policy/preview           what a run would expire now
 *   POST /api/v1/repositories/{name}/lifecycle-policy/run               expire it now
 *   GET  /api/v1/repositories/{name}/expired-images[?n=&last=]          expired images still restorable
 *   POST /api/v1/repositories/{name}/expired-images/{digest}/restore[?force=true]
 * All need `manage` (a namespace admin; a token needs `admin`), not `pull`: ECR guards the
 * preview with its own permission (ecr:GetLifecyclePolicyPreview), and what is, or is about to
 * be, deleted is a management view, for whoever may change the policy.
 */
import type { FastifyInstance } from 'fastify'
import { isDigest, type Digest } from '../../../oci/digest.ts'
import { RegistryError } from '../../../oci/errors.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { principalName, type Principal } from '../../auth/principal.ts'
import type { ExpiredImages, ExpiredImageView } from '../../lifecycle/expired-images.ts'
import type { LifecycleExpiry } from '../../lifecycle/lifecycle-expiry.ts'
import type { ExpiredImage } from '../../lifecycle/lifecycle-image.ts'
import type { LifecyclePreviewService } from '../../lifecycle/lifecycle-preview.ts'
import { repositoryApi } from '../repository-api.ts'
import { json } from './api-context.ts'

export interface LifecycleApiDeps {
  readonly preview: LifecyclePreviewService
  readonly expiry: LifecycleExpiry
  readonly expired: ExpiredImages
  readonly auth: AuthService | undefined
}

const MAX_PAGE = 1000

const wireImage = (e: ExpiredImage) => ({
  ...e, pushedAt: e.pushedAt.toISOString(), ...(e.lastPulledAt === undefined ? {} : { lastPulledAt: e.lastPulledAt.toISOString() }),
})
const wireExpired = (e: ExpiredImageView) => ({ ...e, expiredAt: e.expiredAt.toISOString(), restoreUntil: e.restoreUntil.toISOString() })
/** Access control off: nobody is named, the audit log says so. */
const actorOf = (caller: Principal | undefined): string => (caller === undefined ? 'anonymous' : principalName(caller))

function digestParam(raw: string | undefined, what: string): Digest {
  if (raw === undefined || !isDigest(raw)) throw new RegistryError('DIGEST_INVALID', `${what} must be a digest (sha256:<64 hex>)`)
  return raw
}

function pageOf(query: URLSearchParams) {
  const nText = query.get('n')
  const n = nText === null ? 100 : Number(nText)
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw new RegistryError('PAGINATION_NUMBER_INVALID', `n must be an integer from 1 to ${MAX_PAGE}`)
  const last = query.get('last')
  return { n, ...(last === null ? {} : { last: digestParam(last, 'last') }) }
}

export function registerLifecycleApi(app: FastifyInstance, deps: LifecycleApiDeps): void {
  const api = repositoryApi(app, deps.auth)
  api.add({ method: 'GET', path: 'lifecycle-policy/preview', needs: 'manage' }, async (_request, reply, { repo }) => {
    const p = await deps.preview.preview(repo)
    return json(reply, 200, {
      repositoryName: p.repositoryName,
      policyText: p.policyText,
      evaluatedAt: p.evaluatedAt.toISOString(),
      expired: p.expired.map(wireImage),
      kept: p.kept.length,
    })
  })
  api.add({ method: 'POST', path: 'lifecycle-policy/run', needs: 'manage' }, async (_request, reply, { repo, caller }) => {
    // Images of this repository whose restore window has passed go for good first (the schedule
    // does this for every repository).
    const deleted = await deps.expired.deleteEnded(actorOf(caller), repo)
    const r = await deps.expiry.run(repo, actorOf(caller))
    return json(reply, 200, {
      repositoryName: r.repositoryName,
      evaluatedAt: r.evaluatedAt.toISOString(),
      expired: r.expired.map(wireImage),
      skipped: r.skipped,
      kept: r.kept,
      restoreUntil: r.restoreUntil.toISOString(),
      deleted,
    })
  })
  api.add({ method: 'GET', path: 'expired-images', needs: 'manage' }, async (_request, reply, { repo, query }) => {
    const images = await deps.expired.list(repo, pageOf(query))
    return json(reply, 200, { repositoryName: repo, images: images.map(wireExpired) })
  })
  api.add({ method: 'POST', path: 'expired-images/{ref}/restore', needs: 'manage' }, async (_request, reply, { repo, ref, query, caller }) => {
    const force = query.get('force')
    if (force !== null && force !== 'true' && force !== 'false') throw new RegistryError('UNSUPPORTED', 'force must be true or false', { status: 400 })
    const r = await deps.expired.restore(repo, digestParam(ref, 'the image'), { force: force === 'true', actor: actorOf(caller) })
    return json(reply, 200, r)
  })
}
