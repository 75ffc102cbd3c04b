/**
 * `drydock pin`'s decision for each image site of a file: pin it (a tag on the Drydock registry
 * whose policy allows it), keep it (already pinned by digest, and allowed), leave it alone (another
 * registry; refused with `strict`), or refuse it with the reason. Every site is judged before
 * anything is written, so a refusal lists everything to fix at once and leaves the file untouched.
 * A reference named several times is checked once.
 */
import { ImageReferenceError, isOnRegistry, parseKubernetesImage, pinnedImage, type KubernetesImage } from '../../registry/admission/image-reference.ts'
import type { ImageReference } from '../../oci/reference.ts'
import { EXIT, ExitError } from '../exit-codes.ts'
import type { CheckedImage } from './image-policy-client.ts'
import type { ImageSite } from './pin-format.ts'

export type PinOutcome =
  | { readonly kind: 'pinned'; readonly site: ImageSite; readonly pinned: string; readonly checked: CheckedImage }
  | { readonly kind: 'kept'; readonly site: ImageSite; readonly checked: CheckedImage }
  | { readonly kind: 'foreign'; readonly site: ImageSite; readonly note: string }
  | { readonly kind: 'refused'; readonly site: ImageSite; readonly reason: string; readonly exitCode: number; readonly checked?: CheckedImage }

export interface PinOptions {
  /** The Drydock registry's host[:port]. */
  readonly registry: string
  /** Refuse images on other registries instead of leaving them alone. */
  readonly strict: boolean
  /** The policy check of one image on the Drydock registry (ImagePolicyClient.check). */
  check(image: ImageReference): Promise<CheckedImage>
}

export async function decidePins(sites: readonly ImageSite[], opts: PinOptions): Promise<PinOutcome[]> {
  const checks = new Map<string, Promise<CheckedImage>>()
  const outcomes: PinOutcome[] = []
  for (const site of sites) outcomes.push(await decideOne(site, opts, checks))
  return outcomes
}

async function decideOne(site: ImageSite, opts: PinOptions, checks: Map<string, Promise<CheckedImage>>): Promise<PinOutcome> {
  if (site.image.includes('$')) {
    return { kind: 'refused', site, reason: 'uses variable interpolation; pin the file the variables produce (docker compose config, envsubst)', exitCode: EXIT.usage }
  }
  let image: KubernetesImage
  try {
    image = parseKubernetesImage(site.image)
  } catch (err) {
    if (err instanceof ImageReferenceError) return { kind: 'refused', site, reason: err.message, exitCode: EXIT.usage }
    throw err
  }
  if (!isOnRegistry(image, [opts.registry])) {
    return opts.strict
      ? { kind: 'refused', site, reason: `is not on the Drydock registry ${opts.registry} (--strict)`, exitCode: EXIT.violation }
      : { kind: 'foreign', site, note: `left alone: not on the Drydock registry ${opts.registry}` }
  }
  const key = `${image.repository}@${image.digest ?? `:${image.tag ?? 'latest'}`}`
  let pending = checks.get(key)
  if (!pending) {
    pending = opts.check({ registry: opts.registry, repository: image.repository, ...(image.tag ? { tag: image.tag } : {}), ...(image.digest ? { digest: image.digest } : {}) })
    checks.set(key, pending)
  }
  let checked: CheckedImage
  try {
    checked = await pending
  } catch (err) {
    // An image the registry does not have is this file's problem; a registry that is down or
    // refuses our credentials is everyone's, and ends the run.
    if (err instanceof ExitError && err.exitCode === EXIT.usage) return { kind: 'refused', site, reason: err.message, exitCode: EXIT.usage }
    throw err
  }
  if (checked.decision.decision === 'deny') {
    return { kind: 'refused', site, reason: checked.decision.message ?? 'refused by policy', exitCode: EXIT.violation, checked }
  }
  if (image.digest !== undefined) return { kind: 'kept', site, checked }
  return { kind: 'pinned', site, pinned: pinnedImage(image, checked.digest), checked }
}

/** The exit code of a run with refusals: a policy refusal is 1; otherwise the first refusal's own code. */
export function refusalExitCode(outcomes: readonly PinOutcome[]): number {
  const refused = outcomes.filter((o) => o.kind === 'refused')
  if (refused.length === 0) return EXIT.ok
  return refused.some((o) => o.exitCode === EXIT.violation) ? EXIT.violation : (refused[0]?.exitCode ?? EXIT.violation)
}
