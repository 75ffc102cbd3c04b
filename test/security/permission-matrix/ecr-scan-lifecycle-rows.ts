/**
 * Matrix rows for ECR's scan and lifecycle operations (docs/ecr.md "Scans and lifecycle
 * policies"), with the rights of the /api/v1 routes they share a house with:
 * DescribeImageScanFindings needs pull and StartImageScan push (…/scan-findings, POST …/scan);
 * GetLifecyclePolicy needs pull (GET …/settings); putting and deleting the policy and the preview
 * need the management right (PUT …/settings, GET …/lifecycle-policy/preview).
 *
 * Allowed rows act on something made for them (a scan queued first, a fresh manifest to scan, a
 * repository created for the policy or its preview); refused rows name a tag or a repository that
 * does not exist, so a wrong "yes" shows as ImageNotFound/RepositoryNotFound, and nothing changes.
 */
import type { RepositoryName } from '../../../src/oci/reference.ts'
import type { EcrRow } from './ecr-operations.ts'
import { REPOS, type World } from './world.ts'

/** Keeps 100 images, as the world's namespace defaults do: no other row's images go. */
const POLICY = JSON.stringify({ rules: [{ rulePriority: 1, description: 'keep the last 100 images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 100 }, action: { type: 'expire' } }] })

export function ecrScanLifecycleRows(w: World): EcrRow[] {
  const rows: EcrRow[] = []
  for (const repo of REPOS) {
    rows.push(
      { label: `DescribeImageScanFindings ${repo}`, need: { kind: 'repo', repo, action: 'pull' },
        call: async (yes, n) => {
          if (yes) await w.root('POST', `/api/v1/repositories/${repo}/images/v1/scan`, undefined, [202])
          return { target: 'DescribeImageScanFindings', body: { repositoryName: repo, imageId: { imageTag: yes ? 'v1' : `ghost-${n}` } } }
        } },
      { label: `StartImageScan ${repo}`, need: { kind: 'repo', repo, action: 'push' },
        call: async (yes, n) => ({ target: 'StartImageScan', body: {
          repositoryName: repo, imageId: yes ? { imageDigest: await w.pushUniqueManifest(repo, `ecr-scan-${n}`) } : { imageTag: `ghost-${n}` },
        } }) },
      { label: `GetLifecyclePolicy ${repo}`, need: { kind: 'repo', repo, action: 'pull' },
        call: () => ({ target: 'GetLifecyclePolicy', body: { repositoryName: repo } }) },
    )
  }
  for (const ns of new Set(REPOS.map((r) => r.split('/')[0] ?? ''))) {
    const need = { kind: 'repository-settings', repo: `${ns}/fresh` } as const
    /** A repository made for an allowed row (with the policy when asked), or a name that does not exist. */
    const target = async (yes: boolean, name: string, settings: Record<string, unknown> = {}): Promise<string> => {
      if (yes) await w.root('POST', '/api/v1/repositories', { repositoryName: `${ns}/${name}`, ...settings }, [201])
      return `${ns}/${yes ? name : `ghost-${name}`}`
    }
    rows.push(
      { label: `PutLifecyclePolicy in ${ns}`, need,
        call: async (yes, n) => ({ target: 'PutLifecyclePolicy', body: { repositoryName: await target(yes, `lcput${n}`), lifecyclePolicyText: POLICY } }) },
      { label: `DeleteLifecyclePolicy in ${ns}`, need,
        call: async (yes, n) => ({ target: 'DeleteLifecyclePolicy', body: { repositoryName: await target(yes, `lcdel${n}`, { lifecyclePolicy: POLICY }) } }) },
      { label: `StartLifecyclePolicyPreview in ${ns}`, need,
        call: async (yes, n) => ({ target: 'StartLifecyclePolicyPreview', body: { repositoryName: await target(yes, `lcpre${n}`), lifecyclePolicyText: POLICY } }) },
      { label: `GetLifecyclePolicyPreview in ${ns}`, need,
        call: async (yes, n) => {
          const repositoryName = await target(yes, `lcget${n}`)
          if (yes) {
            // A finished preview to read, written through the store as a start on any replica would.
            const at = new Date()
            await w.store.lifecyclePreviews.start(repositoryName as RepositoryName, POLICY, at, at)
            await w.store.lifecyclePreviews.finish(repositoryName as RepositoryName, at, { status: 'COMPLETE', at, result: '{"expired":[]}' })
          }
          return { target: 'GetLifecyclePolicyPreview', body: { repositoryName } }
        } },
    )
  }
  return rows
}
