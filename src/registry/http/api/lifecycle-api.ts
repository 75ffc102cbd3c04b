/**
 * Lifecycle policy preview (docs/lifecycle.md "Preview", docs/api.md):
 *   GET /api/v1/repositories/{name}/lifecycle-policy/preview
 * What the repository's effective lifecycle policy would expire now, and the rule that takes each
 * image; read-only. It needs `manage` (a namespace admin; a token needs `admin`), not `pull`:
 * ECR guards it with its own permission (ecr:GetLifecyclePolicyPreview), and the list of what is
 * about to be deleted is a management view, for whoever may change the policy.
 */
import type { FastifyInstance } from 'fastify'
import type { AuthService } from '../../auth/auth-service.ts'
import type { ExpiredImage } from '../../lifecycle/lifecycle-image.ts'
import type { LifecyclePreviewService } from '../../lifecycle/lifecycle-preview.ts'
import { repositoryApi } from '../repository-api.ts'
import { json } from './api-context.ts'

export interface LifecycleApiDeps {
  readonly preview: LifecyclePreviewService
  readonly auth: AuthService | undefined
}

const wireImage = (e: ExpiredImage) => ({ ...e, pushedAt: e.pushedAt.toISOString() })

export function registerLifecycleApi(app: FastifyInstance, deps: LifecycleApiDeps): void {
  repositoryApi(app, deps.auth).add({ method: 'GET', path: 'lifecycle-policy/preview', needs: 'manage' }, async (_request, reply, { repo }) => {
    const p = await deps.preview.preview(repo)
    return json(reply, 200, {
      repositoryName: p.repositoryName,
      policyText: p.policyText,
      evaluatedAt: p.evaluatedAt.toISOString(),
      expired: p.expired.map(wireImage),
      kept: p.kept.length,
    })
  })
}
