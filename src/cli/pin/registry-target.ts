/**
 * Which registry is "the Drydock registry" for `drydock policy check` and `drydock pin`:
 * `--registry URL`, else DRYDOCK_REGISTRY. `policy check` can also take it from the image's
 * host (https, or http for loopback and `--insecure`).
 */
import { ImageReferenceError, parseKubernetesImage, type KubernetesImage } from '../../registry/admission/image-reference.ts'
import { UsageError } from '../exit-codes.ts'
import { ImagePolicyClient } from './image-policy-client.ts'

/** The registry URL's origin, or undefined when neither the flag nor DRYDOCK_REGISTRY names one. */
export function registryOrigin(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = flag ?? (env['DRYDOCK_REGISTRY'] || undefined)
  if (raw === undefined) return undefined
  const trimmed = raw.replace(/\/+$/, '')
  if (!/^https?:\/\/[^/]+$/.test(trimmed)) throw new UsageError(`--registry (or DRYDOCK_REGISTRY) must be a URL like https://registry.example.com, got '${raw}'`)
  return new URL(trimmed).origin
}

export function parseImageArg(raw: string): KubernetesImage {
  try {
    return parseKubernetesImage(raw)
  } catch (err) {
    if (err instanceof ImageReferenceError) throw new UsageError(err.message)
    throw err
  }
}

/**
 * IMAGE as `host/name:tag` (or `@digest`), or `name:tag` on the `--registry` registry. Returns the
 * image with its host filled in and the origin to reach it at.
 */
export function checkTarget(raw: string, origin: string | undefined, insecure: boolean): { image: KubernetesImage; origin: string } {
  let image = parseImageArg(raw)
  const hostWritten = raw.startsWith(`${image.host}/`)
  if (!hostWritten) {
    if (origin === undefined) throw new UsageError(`${raw} names no registry: write it as HOST/NAME:TAG, or give --registry URL (or DRYDOCK_REGISTRY)`)
    image = parseImageArg(`${new URL(origin).host}/${raw}`)
  }
  if (origin !== undefined && new URL(origin).host.toLowerCase() === image.registry) return { image, origin }
  return { image, origin: ImagePolicyClient.originOf(image.host, insecure) }
}
