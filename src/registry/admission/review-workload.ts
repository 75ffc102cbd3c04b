/**
 * The admission decision (docs/admission.md): every container image of the object is looked at
 * once, and each one is
 *  - on another registry: allowed or denied by `admission.otherRegistries`;
 *  - on this registry: resolved to its digest (a tag through the tag store, a digest checked to
 *    exist), refused as "not found or not permitted" when the webhook's principal may not pull it
 *    or it does not exist (the two are not told apart, so the webhook leaks nothing), then judged
 *    by the deploy gate for that principal. `deny` refuses, `audit-deny` admits with a warning.
 * The validating answer lists every refused image with the gate's one-line reason. The mutating
 * answer gives the same decision and, when admitted, a JSONPatch that replaces each tag on this
 * registry by the digest that was checked, so the kubelet runs exactly what passed.
 *
 * Pure of HTTP: the caller hands in the parsed request, the principal and the lookups.
 */
import type { Digest } from '../../oci/digest.ts'
import { isRegistryError } from '../../oci/errors.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import type { Principal } from '../auth/principal.ts'
import type { GateDoor, PolicyGate } from '../policy/policy-gate.ts'
import type { AdmissionConfig } from './admission-config.ts'
import type { AdmissionRequest, AdmissionResponse } from './admission-review.ts'
import { ImageReferenceError, isOnRegistry, parseKubernetesImage, pinnedImage, type KubernetesImage } from './image-reference.ts'
import { workloadImages, WorkloadShapeError, type WorkloadImage } from './workload-images.ts'

export type AdmissionMode = 'validate' | 'mutate'

export interface AdmissionDeps {
  readonly config: AdmissionConfig
  readonly gate: PolicyGate
  /**
   * The digest a tag or digest of `repository` names on this registry, or undefined when there
   * is no such manifest (or repository).
   */
  resolve(repository: RepositoryName, reference: { readonly tag: Tag } | { readonly digest: Digest }): Promise<Digest | undefined>
  /** May `principal` pull `repository` (permissions.ts, through AuthService.allowed)? */
  mayPull(principal: Principal, repository: RepositoryName): Promise<boolean>
}

/** What was decided about one distinct image string of the object. */
export interface ImageOutcome {
  readonly image: string
  readonly containers: readonly WorkloadImage[]
  readonly decision: 'allow' | 'deny' | 'audit-deny'
  /** Why it is refused (deny) or would be (audit-deny). */
  readonly reason?: string
  /** The digest that was checked (images on this registry that exist and may be pulled). */
  readonly digest?: Digest
  /** The pinned form, when the image on this registry was not written with a digest. */
  readonly pinned?: string
}

/** Refused images named in one status message; the rest are counted. */
const MAX_LISTED = 20
/** The apiserver may truncate a warning over 256 characters and drops them past 4 KiB in all. */
const MAX_WARNING_LENGTH = 256
const MAX_WARNINGS = 10
export const NOT_FOUND_OR_NOT_PERMITTED = 'not found or not permitted'

export async function reviewWorkload(request: AdmissionRequest, principal: Principal, mode: AdmissionMode, deps: AdmissionDeps): Promise<AdmissionResponse> {
  const allow: AdmissionResponse = { uid: request.uid, allowed: true }
  // Deleting and connecting start nothing; a subresource other than ephemeralcontainers (status,
  // scale, binding...) changes no image, and the kubelet must be able to report pod status.
  if (request.operation === 'DELETE' || request.operation === 'CONNECT' || request.object === undefined) return allow
  if (request.subResource !== '' && request.subResource !== 'ephemeralcontainers') return allow
  let found: WorkloadImage[] | undefined
  try {
    found = workloadImages(request.object, request.kind)
  } catch (err) {
    if (err instanceof WorkloadShapeError) return deny(request.uid, `Drydock cannot read the images of this ${request.kind}: ${err.message}`)
    throw err
  }
  if (found === undefined || found.length === 0) return allow
  if (found.length > deps.config.maxImages) {
    return deny(request.uid, `Drydock refused this ${request.kind}: it has ${found.length} container images, more than admission.maxImages (${deps.config.maxImages})`)
  }
  // A dry run deploys nothing: the gate is asked as a question, which is not audited.
  const door: GateDoor = request.dryRun ? 'check' : 'admission'
  const byImage = Map.groupBy(found, (f) => f.image)
  const outcomes = await Promise.all([...byImage].map(([image, containers]) => judgeImage(image, containers, principal, door, deps)))
  const refused = outcomes.filter((o) => o.decision === 'deny')
  if (refused.length > 0) return deny(request.uid, refusalStatus(request.kind, refused), warnings(outcomes))
  const warned = warnings(outcomes)
  const response: AdmissionResponse = { ...allow, ...(warned.length > 0 ? { warnings: warned } : {}) }
  if (mode === 'validate') return response
  const patch = outcomes.flatMap((o) => (o.pinned === undefined ? [] : o.containers.map((c) => ({ op: 'replace', path: c.pointer, value: o.pinned }))))
  if (patch.length === 0) return response
  return { ...response, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') }
}

async function judgeImage(written: string, containers: readonly WorkloadImage[], principal: Principal, door: GateDoor, deps: AdmissionDeps): Promise<ImageOutcome> {
  const base = { image: written, containers }
  let image: KubernetesImage
  try {
    image = parseKubernetesImage(written)
  } catch (err) {
    if (err instanceof ImageReferenceError) return { ...base, decision: 'deny', reason: err.message }
    throw err
  }
  const { registryHosts, otherRegistries } = deps.config
  if (!isOnRegistry(image, registryHosts)) {
    if (otherRegistries === 'allow') return { ...base, decision: 'allow' }
    const ours = registryHosts.length === 0 ? 'admission.registryHosts is empty' : `this registry is ${registryHosts.join(', ')}`
    return { ...base, decision: 'deny', reason: `on another registry (${image.registry}), and admission.otherRegistries is deny (${ours})` }
  }
  const hidden = { ...base, decision: 'deny', reason: NOT_FOUND_OR_NOT_PERMITTED } as const
  if (!(await deps.mayPull(principal, image.repository))) return hidden
  const digest = await deps.resolve(image.repository, image.digest ? { digest: image.digest } : { tag: image.tag ?? ('latest' as Tag) })
  if (digest === undefined) return hidden
  const pinned = image.digest ? {} : { pinned: pinnedImage(image, digest) }
  const gate = await deps.gate.decide(image.repository, digest, principal, door)
  if (gate.decision === 'allow') return { ...base, decision: 'allow', digest, ...pinned }
  const reason = gate.message ?? 'refused by a deploy policy'
  return { ...base, decision: gate.decision, reason, digest, ...(gate.decision === 'audit-deny' ? pinned : {}) }
}

function deny(uid: string, message: string, warned: readonly string[] = []): AdmissionResponse {
  return { uid, allowed: false, status: { code: 403, reason: 'Forbidden', message }, ...(warned.length > 0 ? { warnings: warned } : {}) }
}

function where(o: ImageOutcome): string {
  const names = [...new Set(o.containers.map((c) => c.container || c.pointer))]
  return `${names.length === 1 ? 'container' : 'containers'} ${names.join(', ')}`
}

/** One line per refused image: `image "X" (container app): reason`. */
function refusalStatus(kind: string, refused: readonly ImageOutcome[]): string {
  const lines = refused.slice(0, MAX_LISTED).map((o) => `image ${JSON.stringify(o.image)} (${where(o)}): ${o.reason ?? ''}`)
  if (refused.length > MAX_LISTED) lines.push(`and ${refused.length - MAX_LISTED} more refused images`)
  const count = refused.length === 1 ? '1 image' : `${refused.length} images`
  return `Drydock refused ${count} of this ${kind}:\n${lines.join('\n')}`
}

function warnings(outcomes: readonly ImageOutcome[]): string[] {
  const audited = outcomes.filter((o) => o.decision === 'audit-deny')
  const lines = audited.slice(0, MAX_WARNINGS).map((o) => truncate(`Drydock audit: image ${JSON.stringify(o.image)} would be refused: ${o.reason ?? ''}`))
  if (audited.length > MAX_WARNINGS) lines[MAX_WARNINGS - 1] = `Drydock audit: ${audited.length - MAX_WARNINGS + 1} more images would be refused`
  return lines
}

function truncate(line: string): string {
  return line.length <= MAX_WARNING_LENGTH ? line : `${line.slice(0, MAX_WARNING_LENGTH - 1)}…`
}

/** For resolve(): a missing repository or manifest is `undefined`, anything else is an error. */
export function isUnknownManifest(err: unknown): boolean {
  return isRegistryError(err, 'NAME_UNKNOWN') || isRegistryError(err, 'MANIFEST_UNKNOWN')
}
