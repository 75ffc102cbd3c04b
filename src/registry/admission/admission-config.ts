/**
 * The config file's `admission` section (docs/admission.md "Configuration"):
 *   "admission": {
 *     "registryHosts": ["registry.example.com", "registry.example.com:5000"],
 *     "otherRegistries": "deny",
 *     "maxImages": 100,
 *     "maxReviewSize": "3MiB"
 *   }
 * `registryHosts` are the names by which clusters address this registry in image strings: an
 * image on one of them is checked against the deploy policies, an image anywhere else is
 * allowed or denied as a whole by `otherRegistries` (deny by default: a cluster that should
 * run only what passed must not fall back to Docker Hub).
 */
import { parseCount, parseSize } from '../config/parse-units.ts'

export interface AdmissionConfig {
  /** Host names (with port when not 443) clusters use for this registry; compared without case. */
  readonly registryHosts: readonly string[]
  /** What happens to an image on another registry. */
  readonly otherRegistries: 'allow' | 'deny'
  /** Images one object may hold; more is denied (a pod has a handful). */
  readonly maxImages: number
  /** Largest AdmissionReview body accepted (an UPDATE carries the object twice); more: 413. */
  readonly maxReviewBytes: number
}

/** Objects are at most ~1.5 MiB in etcd; an UPDATE review carries the old and the new one. */
export const DEFAULT_ADMISSION: AdmissionConfig = { registryHosts: [], otherRegistries: 'deny', maxImages: 100, maxReviewBytes: 3 * 1024 * 1024 }

const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]{1,5})?$/

/** The raw section → AdmissionConfig. Throws Error with a user-facing message. */
export function admissionConfig(raw: { registryHosts?: unknown; otherRegistries?: unknown; maxImages?: unknown; maxReviewSize?: unknown }): AdmissionConfig {
  const d = DEFAULT_ADMISSION
  let registryHosts = d.registryHosts
  if (raw.registryHosts !== undefined) {
    if (!Array.isArray(raw.registryHosts) || raw.registryHosts.length > 64) throw new Error('admission.registryHosts must be a list of at most 64 host names')
    registryHosts = raw.registryHosts.map((h: unknown, i) => {
      if (typeof h !== 'string' || !HOST.test(h)) throw new Error(`admission.registryHosts[${i}] must be a host name with an optional port (registry.example.com:5000), got ${JSON.stringify(h)}`)
      return h.toLowerCase()
    })
  }
  const other = raw.otherRegistries ?? d.otherRegistries
  if (other !== 'allow' && other !== 'deny') throw new Error('admission.otherRegistries must be "allow" or "deny"')
  const maxImages = raw.maxImages === undefined ? d.maxImages : parseCount(raw.maxImages, 'admission.maxImages')
  if (maxImages < 1 || maxImages > 1000) throw new Error('admission.maxImages must be from 1 to 1000')
  const maxReviewBytes = raw.maxReviewSize === undefined ? d.maxReviewBytes : parseSize(raw.maxReviewSize, 'admission.maxReviewSize')
  if (maxReviewBytes < 64 * 1024 || maxReviewBytes > 64 * 1024 * 1024) throw new Error('admission.maxReviewSize must be from 64KiB to 64MiB')
  return { registryHosts, otherRegistries: other, maxImages, maxReviewBytes }
}
