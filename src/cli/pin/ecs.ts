/**
 * An ECS task definition as `aws ecs register-task-definition --cli-input-json` reads it (the
 * shape of `--generate-cli-skeleton`), or as `aws ecs describe-task-definition` prints it (the
 * same under `taskDefinition`). Images are `containerDefinitions[].image`.
 */
import { parseDocument } from 'yaml'
import { parseStrictJson } from '../../oci/strict-json.ts'
import { parseFailure, PinFileError, siteAt, type ImageSite } from './pin-format.ts'

export function ecsImageSites(file: string, text: string): ImageSite[] {
  let value: unknown
  try {
    // Strict first: a duplicate key would make the registered definition differ from what was checked.
    value = parseStrictJson(text)
  } catch (err) {
    throw new PinFileError(`${file}: not a valid JSON task definition: ${(err as Error).message}`)
  }
  const doc = parseDocument(text)
  const failed = parseFailure(file, doc)
  if (failed) throw failed
  const root = value as Record<string, unknown> | null
  const wrapped = typeof root === 'object' && root !== null && !Array.isArray(root) && typeof root['taskDefinition'] === 'object' && root['containerDefinitions'] === undefined
  const prefix = wrapped ? ['taskDefinition'] : []
  const definition = (wrapped ? root['taskDefinition'] : root) as Record<string, unknown> | null
  const containers = typeof definition === 'object' && definition !== null ? definition['containerDefinitions'] : undefined
  if (!Array.isArray(containers)) throw new PinFileError(`${file}: not an ECS task definition (no containerDefinitions list)`)
  const sites: ImageSite[] = []
  containers.forEach((_, i) => {
    const where = `${prefix.map((p) => `${p}.`).join('')}containerDefinitions[${i}].image`
    const site = siteAt(doc, [...prefix, 'containerDefinitions', i, 'image'], where)
    if (site) sites.push(site)
  })
  return sites
}
