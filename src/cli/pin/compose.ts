/**
 * A Compose file (docker compose, Docker Swarm's `docker stack deploy`): images are
 * `services.<name>.image`. A service that only has `build:` has no image to pin.
 */
import { isMap, parseDocument } from 'yaml'
import { parseFailure, PinFileError, siteAt, type ImageSite } from './pin-format.ts'

export function composeImageSites(file: string, text: string): ImageSite[] {
  const doc = parseDocument(text)
  const failed = parseFailure(file, doc)
  if (failed) throw failed
  const services = doc.get('services', true)
  if (!isMap(services)) throw new PinFileError(`${file}: not a Compose file (no services map)`)
  const sites: ImageSite[] = []
  for (const pair of services.items) {
    const name = String((pair.key as { value?: unknown } | null)?.value ?? pair.key)
    const site = siteAt(doc, ['services', name, 'image'], `services.${name}.image`)
    if (site) sites.push(site)
  }
  return sites
}
