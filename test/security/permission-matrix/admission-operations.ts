/**
 * Matrix rows for the Kubernetes admission webhooks (docs/admission.md): any valid credential may
 * ask (the apiserver authenticates as a robot or a user token); anonymous callers get 401. The
 * answer is made for the caller: an image of a repository it may not pull is refused "not found
 * or not permitted", so each row also checks that the verdict matches the model's pull right.
 * The world (world.ts) configures `admission.registryHosts: [MATRIX_REGISTRY_HOST]`.
 */
import { mayOnRepo, type Need } from './model.ts'
import type { Operation } from './operations.ts'
import { MATRIX_REGISTRY_HOST, PUBLIC, REPOS } from './world.ts'

const reviewOf = (repo: string): string => JSON.stringify({
  apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
  request: {
    uid: `uid-${repo.replace('/', '-')}`, kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'CREATE', namespace: 'ns',
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: `${MATRIX_REGISTRY_HOST}/${repo}:v1` }] } },
  },
})

export function admissionOperations(): Operation[] {
  const authenticated = (): Need => ({ kind: 'authenticated' })
  return REPOS.flatMap((repo) => (['validate', 'mutate'] as const).map((mode): Operation => ({
    label: `admission ${mode} of a pod running ${repo}:v1`,
    surface: { api: 'fastify', route: `POST /admission/${mode}` },
    need: authenticated,
    ok: [200],
    request: () => ({ method: 'POST', path: `/admission/${mode}`, body: reviewOf(repo) }),
    check: (c, text) => {
      const admitted = (JSON.parse(text) as { response: { allowed: boolean } }).response.allowed
      const mayPull = mayOnRepo(c, repo, 'pull', PUBLIC)
      return admitted === mayPull ? undefined : `admitted ${String(admitted)}, but may pull ${repo}: ${String(mayPull)}`
    },
  })))
}
