/** `--format auto`: which of the formats a file is, from its name and its content. */
import { parseAllDocuments } from 'yaml'
import { composeImageSites } from './compose.ts'
import { ecsImageSites } from './ecs.ts'
import { kubernetesImageSites } from './k8s.ts'
import { PinFileError, type ImageSite, type PinFormatName } from './pin-format.ts'

export const PIN_FORMATS: readonly PinFormatName[] = ['ecs', 'compose', 'k8s']

export function detectFormat(file: string, text: string): PinFormatName {
  if (/\.json$/i.test(file) || text.trimStart().startsWith('{')) return 'ecs'
  if (/(^|[/\\])(docker-)?compose[^/\\]*\.ya?ml$/i.test(file)) return 'compose'
  for (const doc of parseAllDocuments(text)) {
    const v = doc.errors.length === 0 ? (doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null) : null
    if (typeof v !== 'object' || v === null || Array.isArray(v)) continue
    if (typeof v['kind'] === 'string' && typeof v['apiVersion'] === 'string') return 'k8s'
    if (typeof v['services'] === 'object' && v['services'] !== null) return 'compose'
  }
  throw new PinFileError(`${file}: cannot tell whether this is an ECS task definition, a Compose file or Kubernetes YAML; say which with --format`)
}

export function imageSites(format: PinFormatName, file: string, text: string): ImageSite[] {
  switch (format) {
    case 'ecs': return ecsImageSites(file, text)
    case 'compose': return composeImageSites(file, text)
    case 'k8s': return kubernetesImageSites(file, text)
  }
}
