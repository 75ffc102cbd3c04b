/**
 * Matrix rows for the ECR repository configuration operations (docs/ecr.md "Repository
 * configuration"): tag mutability and scan on push need the repository-settings right (as PUT
 * /api/v1/repositories/{name}/settings); resource tags need pull to read and the
 * repository-settings right to change; repository policies need the right to manage the
 * namespace's grants (as PUT /api/v1/orgs/{org}/teams/{team}/grants), and a policy making the
 * repository public hands out `read` on it. Writing rows aim at fresh repositories (created by
 * root when the caller is allowed, absent otherwise) so they never disturb the matrix's own
 * grants; the world runs with the default ECR account and region.
 */
import { DEFAULT_ECR } from '../../../src/registry/ecr/ecr-config.ts'
import type { EcrRow } from './ecr-operations.ts'
import { REPOS, type World } from './world.ts'

const arn = (repo: string): string => `arn:aws:ecr:${DEFAULT_ECR.region}:${DEFAULT_ECR.accountId}:repository/${repo}`
const PUBLIC_PULL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' }] })

export function ecrConfigRows(w: World): EcrRow[] {
  const rows: EcrRow[] = []
  /** `ns/<prefix><n>`, created by root first when the caller is allowed (and made public when asked). */
  const fresh = async (ns: string, prefix: string, yes: boolean, n: string, isPublic = false): Promise<string> => {
    const repo = `${ns}/${yes ? prefix : 'ghost'}${n}`
    if (yes) {
      await w.root('POST', '/api/v1/repositories', { repositoryName: repo })
      if (isPublic) await w.root('PUT', '/api/v1/visibility', { repository: repo, public: true })
    }
    return repo
  }
  for (const repo of REPOS) {
    rows.push({ label: `ListTagsForResource ${repo}`, need: { kind: 'repo', repo, action: 'pull' },
      call: () => ({ target: 'ListTagsForResource', body: { resourceArn: arn(repo) } }) })
  }
  for (const ns of new Set(REPOS.map((r) => r.split('/')[0] ?? ''))) {
    const settings = { kind: 'repository-settings' as const, repo: `${ns}/fresh` }
    rows.push({ label: `PutImageTagMutability in ${ns}`, need: settings,
      call: async (yes, n) => ({ target: 'PutImageTagMutability', body: { repositoryName: await fresh(ns, 'mut', yes, n), imageTagMutability: 'IMMUTABLE' } }) })
    rows.push({ label: `PutImageScanningConfiguration in ${ns}`, need: settings,
      call: async (yes, n) => ({ target: 'PutImageScanningConfiguration', body: { repositoryName: await fresh(ns, 'scan', yes, n), imageScanningConfiguration: { scanOnPush: true } } }) })
    rows.push({ label: `TagResource in ${ns}`, need: settings,
      call: async (yes, n) => ({ target: 'TagResource', body: { resourceArn: arn(await fresh(ns, 'tag', yes, n)), tags: [{ Key: 'k', Value: 'v' }] } }) })
    rows.push({ label: `UntagResource in ${ns}`, need: settings,
      call: async (yes, n) => ({ target: 'UntagResource', body: { resourceArn: arn(await fresh(ns, 'untag', yes, n)), tagKeys: ['k'] } }) })
    rows.push({ label: `SetRepositoryPolicy (public pull) in ${ns}`, need: { kind: 'namespace', org: ns, handsOut: [{ target: `${ns}/fresh`, role: 'read' }] },
      call: async (yes, n) => ({ target: 'SetRepositoryPolicy', body: { repositoryName: await fresh(ns, 'pol', yes, n), policyText: PUBLIC_PULL } }) })
    rows.push({ label: `GetRepositoryPolicy in ${ns}`, need: { kind: 'namespace', org: ns },
      call: async (yes, n) => ({ target: 'GetRepositoryPolicy', body: { repositoryName: await fresh(ns, 'getpol', yes, n, true) } }) })
    rows.push({ label: `DeleteRepositoryPolicy in ${ns}`, need: { kind: 'namespace', org: ns },
      call: async (yes, n) => ({ target: 'DeleteRepositoryPolicy', body: { repositoryName: await fresh(ns, 'delpol', yes, n, true) } }) })
  }
  return rows
}
