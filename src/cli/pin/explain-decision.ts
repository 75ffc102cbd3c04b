/**
 * The readable explanation of a gate decision that `drydock policy check` prints and `drydock pin`
 * prints for each refused image: the verdict, every failure (with its platform for an index), every
 * allowlist entry that was used or has expired, and an exemption if one let the image through.
 * Text from the registry (finding titles, reasons) is printed on one line with control characters
 * replaced, so a report cannot move the cursor or fake lines in a CI log.
 */
import type { CheckedImage } from './image-policy-client.ts'

export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
}

function headline(c: CheckedImage): string {
  const v = c.decision.verdict
  const policy = v ? `policy '${printable(v.policy)}' (${v.scope === '*' ? 'all repositories' : printable(v.scope)}, ${v.mode})` : 'no policy governs this repository'
  switch (c.decision.decision) {
    case 'allow': return `allowed: ${c.reference}: ${policy}${v?.exempt ? ': the policy does not apply to you' : ''}`
    case 'deny': return `refused: ${c.reference}: ${policy}`
    case 'audit-deny': return `would be refused (audit mode, allowed for now): ${c.reference}: ${policy}`
  }
}

/** The explanation, one item per line, ending with a newline. */
export function explainDecision(c: CheckedImage): string {
  const v = c.decision.verdict
  const lines = [headline(c)]
  if (v && !v.exempt && v.checked.length > 0) lines.push(`  checked: ${v.checked.join(', ')}`)
  for (const f of v?.failures ?? []) {
    lines.push(`  - ${f.condition}: ${f.platform === undefined ? '' : `${printable(f.platform)}: `}${printable(f.message)}`)
  }
  for (const a of v?.allowlist ?? []) {
    const state = a.expired ? `expired ${printable(a.expiresAt)}, no longer waives` : `waives until ${printable(a.expiresAt)}`
    lines.push(`  allowlist: ${printable(a.id)} (${state}; ${a.findings} finding${a.findings === 1 ? '' : 's'}): ${printable(a.reason)}`)
  }
  const e = c.decision.exemption
  if (e) lines.push(`  exemption ${printable(e.id)} by ${printable(e.createdBy)} until ${printable(e.expiresAt)}: ${printable(e.reason)}`)
  if (c.decision.decision !== 'allow' || (v?.failures.length ?? 0) > 0) {
    lines.push(`  details: GET /api/v1/repositories/${printable(c.decision.repository)}/images/${c.digest}/policy`)
  }
  return `${lines.join('\n')}\n`
}
