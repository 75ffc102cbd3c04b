/**
 * The compliance checklist: one pass/fail line per requirement for one image, each with the
 * evidence that decided it. It reads what the scan already produced (secret, misconfiguration
 * and vulnerability findings) plus the config, and adds no detection of its own.
 *
 *   base-image     the base is an official image (docker.io/library/…) or in the allowlist
 *   no-secrets     no secret findings (files, config, history) and no CIS-DI-0010
 *   non-root       config.User is set and is not root/0
 *   healthcheck    config.Healthcheck is set and not NONE
 *   scan-reviewed  no remaining (not ignored / VEX-mitigated) finding at a failing severity
 *   versioned-tag  the image is referenced by a version tag or a digest, not `latest` or no tag
 *
 * An unknown base image fails: compliance is something to show, not to assume. When the image
 * does not record its base (docker build, classic or BuildKit), a catalog of known images
 * (ComplianceOptions.baseImages, which a registry can fill) may still name it by its layers;
 * without one the evidence says plainly that the base cannot be known and what that leaves
 * unchecked.
 */
import type { SecretFinding } from '../analyzers/secret/secret-finding.ts'
import type { ImageConfig } from '../image/source.ts'
import { formatLocation, type MisconfigFinding } from '../misconfig/finding.ts'
import { isRootUser } from '../misconfig/rules/run-as-root-rule.ts'
import { matchBaseByLayers, type BaseImageCatalog } from './base-image-catalog.ts'
import { baseImageName, imageTag, isOfficialImage, matchesAllowedBase } from './image-names.ts'

export type ComplianceStatus = 'pass' | 'fail'

export interface ComplianceItem {
  readonly id: 'base-image' | 'no-secrets' | 'non-root' | 'healthcheck' | 'scan-reviewed' | 'versioned-tag'
  readonly title: string
  readonly status: ComplianceStatus
  readonly evidence: readonly string[]
}

export interface ComplianceReport {
  readonly image: string
  readonly passed: boolean
  readonly items: readonly ComplianceItem[]
}

export interface ComplianceInput {
  /** The reference as typed (oci:DIR:TAG, registry/repo:tag, repo@sha256:…). */
  readonly reference: string
  readonly config: ImageConfig
  /** Manifest annotations; `org.opencontainers.image.base.name` names the base. */
  readonly annotations?: Readonly<Record<string, string>>
  readonly secrets: readonly SecretFinding[]
  readonly misconfigs: readonly MisconfigFinding[]
  /** Vulnerability findings that remain after ignore files and VEX (ScanReport.findings). */
  readonly vulnerabilities: readonly { readonly id: string; readonly severity: string }[]
}

export interface ComplianceOptions {
  /** Base image names (globs with `*`) accepted besides official images, e.g. `registry.example.com/base/*`. */
  readonly allowedBases?: readonly string[]
  /** Severities that fail `scan-reviewed` (default CRITICAL, HIGH). */
  readonly failSeverities?: readonly string[]
  /** Known images to find an unrecorded base by its layers (a registry has them; a local scan does not). */
  readonly baseImages?: BaseImageCatalog
}

const MAX_EVIDENCE = 10
const item = (id: ComplianceItem['id'], title: string, ok: boolean, evidence: string[]): ComplianceItem => ({ id, title, status: ok ? 'pass' : 'fail', evidence })

const UNRECORDED = 'base image unknown: the image does not record its base (no org.opencontainers.image.base.name annotation or label; docker build, classic or BuildKit, writes neither; buildah and podman do)'
const UNCHECKED = 'cannot be checked: whether the base is official or allowed, and whether it is pinned (DKL-DI-0006, `latest`); build with buildah or podman, or set LABEL org.opencontainers.image.base.name'

/** Whether a base name is official or allowed, with the evidence line. */
function judgeBase(base: string, opts: ComplianceOptions): { ok: boolean; evidence: string } {
  if (isOfficialImage(base)) return { ok: true, evidence: `${base} is an official image` }
  const allowed = matchesAllowedBase(base, opts.allowedBases ?? [])
  return { ok: allowed !== undefined, evidence: allowed ? `${base} matches allowed base ${allowed}` : `${base} is neither official nor in the allowlist` }
}

function baseItem(input: ComplianceInput, opts: ComplianceOptions): ComplianceItem {
  const title = 'Base image is official or allowed'
  const base = baseImageName(input.config, input.annotations)
  if (base !== undefined) {
    const judged = judgeBase(base, opts)
    return item('base-image', title, judged.ok, [judged.evidence])
  }
  if (opts.baseImages === undefined) {
    return item('base-image', title, false, [`${UNRECORDED}, and a local scan cannot tell it from the layers`, UNCHECKED])
  }
  const match = matchBaseByLayers(input.config.rootfs.diff_ids, opts.baseImages, input.reference)
  if (match === undefined) return item('base-image', title, false, [`${UNRECORDED}, and no image in the catalog has the same first layers`, UNCHECKED])
  const judged = match.names.map((n) => judgeBase(n, opts))
  return item('base-image', title, judged.every((j) => j.ok), [
    `base image not recorded; its first ${match.layers} of ${match.of} layers are those of ${match.names.join(', ')}`,
    ...judged.map((j) => j.evidence),
  ].slice(0, MAX_EVIDENCE))
}

export function evaluateCompliance(input: ComplianceInput, opts: ComplianceOptions = {}): ComplianceReport {
  const c = input.config.config ?? {}
  const user = typeof c['User'] === 'string' ? c['User'] : undefined
  const hc = c['Healthcheck'] as { Test?: unknown } | undefined
  const test = Array.isArray(hc?.Test) ? hc.Test.map(String) : []
  const envSecrets = input.misconfigs.filter((m) => m.id === 'CIS-DI-0010')
  const secretEvidence = [
    ...input.secrets.map((s) => `${s.id} ${s.match} at ${formatLocation(s.location)}`),
    ...envSecrets.map((m) => `${m.id} ${m.evidence}`),
  ]
  const failing = new Set((opts.failSeverities ?? ['CRITICAL', 'HIGH']).map((s) => s.toUpperCase()))
  const open = input.vulnerabilities.filter((v) => failing.has(v.severity.toUpperCase()))
  const tag = imageTag(input.reference)
  const items: ComplianceItem[] = [
    baseItem(input, opts),
    item('no-secrets', 'No secrets in the image', secretEvidence.length === 0, secretEvidence.length === 0 ? ['no secret findings'] : secretEvidence.slice(0, MAX_EVIDENCE)),
    item('non-root', 'Runs as a non-root user', !isRootUser(user), [user ? `config.User is "${user}"` : 'config.User is not set']),
    item('healthcheck', 'Has a HEALTHCHECK', test.length > 0 && test[0] !== 'NONE', [test.length === 0 ? 'config.Healthcheck is not set' : `config.Healthcheck.Test is ${JSON.stringify(test)}`]),
    item('scan-reviewed', 'No unmitigated CRITICAL/HIGH vulnerabilities', open.length === 0,
      open.length === 0 ? [`no remaining ${[...failing].join('/')} vulnerabilities`] : [`${open.length} remaining: ${open.slice(0, MAX_EVIDENCE).map((v) => `${v.id} (${v.severity})`).join(', ')}`]),
    item('versioned-tag', 'Referenced by a version tag or digest', tag.kind === 'digest' || (tag.kind === 'tag' && tag.value !== 'latest'),
      [tag.kind === 'none' ? 'no tag (means latest)' : `${tag.kind} ${tag.value}`]),
  ]
  return { image: input.reference, passed: items.every((i) => i.status === 'pass'), items }
}

/** A text rendering: one line per item, evidence indented below. */
export function formatCompliance(r: ComplianceReport): string {
  const lines = [`Compliance of ${r.image}: ${r.passed ? 'PASS' : 'FAIL'}`]
  for (const i of r.items) {
    lines.push(`  [${i.status === 'pass' ? 'PASS' : 'FAIL'}] ${i.id.padEnd(14)} ${i.title}`)
    for (const e of i.evidence) lines.push(`         ${e}`)
  }
  return `${lines.join('\n')}\n`
}
