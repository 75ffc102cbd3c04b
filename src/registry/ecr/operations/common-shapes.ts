/**
 * Member shapes several ECR operations share, as the service model defines them
 * (test/ecr/shapes.test.ts checks them against the model).
 */
import { EcrError } from '../ecr-error.ts'
import type { RegistryIdentity } from '../operation.ts'
import type { Shape } from '../shape.ts'

export const REGISTRY_ID: Shape = { type: 'string', pattern: '[0-9]{12}' }
export const REPOSITORY_NAME: Shape = {
  type: 'string', min: 2, max: 256, pattern: '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*',
}
export const MAX_RESULTS: Shape = { type: 'integer', min: 1, max: 1000 }
export const NEXT_TOKEN: Shape = { type: 'string' }

/** A registryId other than this registry's account id names a registry Drydock is not. */
export function checkRegistryId(registry: RegistryIdentity, registryId: unknown): void {
  if (registryId !== undefined && registryId !== null && registryId !== registry.accountId) {
    throw new EcrError('InvalidParameterException', `Invalid parameter at 'registryId' failed to satisfy constraint: 'this registry is ${registry.accountId}'`)
  }
}

export function repositoryArn(registry: RegistryIdentity, name: string): string {
  return `arn:aws:ecr:${registry.region}:${registry.accountId}:repository/${name}`
}

/** Timestamps are epoch seconds (with milliseconds) in the AWS JSON protocol. */
export function epochSeconds(d: Date): number {
  return d.getTime() / 1000
}
