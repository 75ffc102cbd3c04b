/**
 * Secrets and misconfigurations of one analysed image, in one call. When the inventory was made
 * with AnalyzeOptions.secrets (one pass: what `drydock scan` does through scanImage), its secrets
 * are used as they are; otherwise the layers are streamed a second time for them.
 */
import { scanImageSecrets, type ImageSecretOptions } from '../analyzers/secret/scan-image-secrets.ts'
import type { SecretFinding } from '../analyzers/secret/secret-finding.ts'
import type { ImageSource } from '../image/source.ts'
import type { ImageInventory } from '../pipeline/analyze-image.ts'
import { checkImage } from './check-image.ts'
import type { MisconfigFinding } from './finding.ts'
import type { MisconfigOptions } from './rule.ts'
import { readWebServerConfigs } from './web-server/config-files.ts'

export interface ImageFindingsOptions {
  readonly secrets?: ImageSecretOptions
  readonly misconfig?: MisconfigOptions
  /** Manifest annotations (ResolvedImage.manifest.annotations), for the base-image check. */
  readonly annotations?: Readonly<Record<string, string>>
}

export interface ImageFindings {
  readonly secrets: readonly SecretFinding[]
  readonly misconfigs: readonly MisconfigFinding[]
}

export async function findImageSecretsAndMisconfigs(source: ImageSource, inventory: ImageInventory, opts: ImageFindingsOptions = {}): Promise<ImageFindings> {
  const secrets = inventory.secrets ?? await scanImageSecrets(source, inventory, opts.secrets)
  const configFiles = await readWebServerConfigs(source, inventory, opts.secrets?.signal ? { signal: opts.secrets.signal } : {})
  const annotations = opts.annotations ?? inventory.image.annotations
  const misconfigs = checkImage(
    { config: inventory.image.config, layerFiles: inventory.layerFiles, configFiles, ...(annotations ? { annotations } : {}) },
    { ...opts.misconfig, ...(opts.secrets?.rules ? { secretRules: opts.secrets.rules } : {}) },
  )
  return { secrets, misconfigs }
}
