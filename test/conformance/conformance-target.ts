/**
 * Which registry the conformance suite talks to. By default (npm test) a fresh Drydock server per
 * test file; `CONFORMANCE_TARGET=reference` runs the same tests against the reference registry
 * (distribution 2.8) for manual comparison, where its known gaps are reported as `todo`.
 */
import { after, before } from 'node:test'
import { startDrydock } from '../../src/testkit/start-drydock.ts'
import { startReferenceRegistry } from '../../src/testkit/start-reference-registry.ts'
import { OciClient } from '../../src/testkit/oci-client.ts'

export type TargetKind = 'drydock' | 'reference'

export const TARGET_KIND: TargetKind = process.env['CONFORMANCE_TARGET'] === 'reference' ? 'reference' : 'drydock'

export interface ConformanceTarget {
  readonly kind: TargetKind
  readonly client: OciClient
  /** Server log so far, for failure messages. */
  output(): string
  stop(): Promise<void>
}

export async function startTarget(): Promise<ConformanceTarget> {
  const server = TARGET_KIND === 'reference' ? await startReferenceRegistry() : await startDrydock()
  return { kind: TARGET_KIND, client: new OciClient(server.url), output: () => server.output(), stop: () => server.stop() }
}

/**
 * Test options for behaviour the reference registry is known not to implement: the test still
 * runs everywhere, but against the reference its failure is reported as todo, not as a failure.
 * Against Drydock (the default) it is an ordinary test.
 */
export function referenceGap(reason: string): { todo?: string } {
  return TARGET_KIND === 'reference' ? { todo: `reference registry: ${reason}` } : {}
}

/**
 * Registers before/after hooks that start one target for the calling test file and stop it at
 * the end; `handle.client` is valid inside tests.
 */
export function useTarget(): { readonly client: OciClient } {
  let target: ConformanceTarget | undefined
  before(async () => {
    target = await startTarget()
  })
  after(async () => {
    await target?.stop()
  })
  return {
    get client(): OciClient {
      if (!target) throw new Error('conformance target not started (use inside a test)')
      return target.client
    },
  }
}
