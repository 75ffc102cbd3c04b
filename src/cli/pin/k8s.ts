/**
 * Kubernetes YAML: any number of documents (`---`), and `kind: List` documents as kubectl prints
 * them. Which paths hold images is the admission webhook's rule (workload-images.ts), so `drydock
 * pin` and the webhook pin the same containers of every workload kind.
 */
import { parseAllDocuments } from 'yaml'
import { workloadImages, WorkloadShapeError } from '../../registry/admission/workload-images.ts'
import { parseFailure, PinFileError, siteAt, type ImageSite } from './pin-format.ts'

/** RFC 6901 pointer → path for the yaml Document API (array indices as numbers). */
function pathOf(pointer: string): (string | number)[] {
  return pointer.split('/').slice(1).map((t) => (/^\d+$/.test(t) ? Number(t) : t.replaceAll('~1', '/').replaceAll('~0', '~')))
}

function objectsOf(value: unknown): Array<{ object: unknown; prefix: (string | number)[] }> {
  const v = value as { kind?: unknown; items?: unknown } | null
  if (typeof v === 'object' && v !== null && v.kind === 'List' && Array.isArray(v.items)) {
    return v.items.map((object, i) => ({ object, prefix: ['items', i] }))
  }
  return [{ object: value, prefix: [] }]
}

export function kubernetesImageSites(file: string, text: string): ImageSite[] {
  const docs = parseAllDocuments(text)
  if (!Array.isArray(docs)) throw new PinFileError(`${file}: not valid YAML`)
  const sites: ImageSite[] = []
  docs.forEach((doc, d) => {
    const failed = parseFailure(file, doc)
    if (failed) throw failed
    const value: unknown = doc.toJS({ maxAliasCount: 100 })
    if (value === null || value === undefined) return
    for (const { object, prefix } of objectsOf(value)) {
      if (typeof object !== 'object' || object === null || Array.isArray(object)) continue
      const o = object as { kind?: unknown; metadata?: { name?: unknown } }
      const label = `document ${d + 1} (${String(o.kind ?? '?')} ${String(o.metadata?.name ?? '')})`.replace(' )', ')')
      let images
      try {
        images = workloadImages(object)
      } catch (err) {
        if (err instanceof WorkloadShapeError) throw new PinFileError(`${file}: ${label}: ${err.message}`)
        throw err
      }
      for (const image of images ?? []) {
        const site = siteAt(doc, [...prefix, ...pathOf(image.pointer)], `${label} ${prefix.length ? `/items/${prefix[1]}` : ''}${image.pointer}`)
        if (site) sites.push(site)
      }
    }
  })
  return sites
}
