/**
 * The one line a refused `docker pull` prints (the OCI `DENIED` error's message): which policy,
 * which condition failed and where the details are, e.g.
 *
 *   policy 'prod' (acme): 2 CRITICAL vulnerabilities (CVE-2024-1234 in openssl 3.0.2, …);
 *   see GET /api/v1/repositories/acme/app/images/sha256:…/policy
 *
 * (one line in reality). Clients print the message as is, so it is bounded and holds no control
 * characters whatever the scan report contained.
 */
import type { PolicyVerdict } from './evaluate-policy.ts'

/** Failures shown in the line; the details page lists all of them. */
const MAX_SHOWN = 2
const MAX_DETAIL_CHARS = 400

/** Where the full verdict is served (the policy API of the later wiring; docs/policies.md). */
export function policyDetailsPath(repository: string, digest: string): string {
  return `/api/v1/repositories/${repository}/images/${digest}/policy`
}

function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
}

export function refusalMessage(verdict: PolicyVerdict): string {
  const shown = verdict.failures.slice(0, MAX_SHOWN).map((f) => (f.platform === undefined ? f.message : `${f.platform}: ${f.message}`))
  const more = verdict.failures.length - shown.length
  let detail = oneLine(shown.join('; ') + (more > 0 ? `; and ${more} more` : ''))
  if (detail.length > MAX_DETAIL_CHARS) detail = `${detail.slice(0, MAX_DETAIL_CHARS - 1)}…`
  const scope = verdict.scope === '*' ? 'all repositories' : verdict.scope
  return `policy '${verdict.policy}' (${scope}): ${detail}; see GET ${policyDetailsPath(verdict.repository, verdict.digest)}`
}
