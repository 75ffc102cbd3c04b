/**
 * The registry the end-to-end tests talk to: Drydock (`drydock serve`) by default. Setting
 * DRYDOCK_E2E_REGISTRY=reference runs the very same tests against the reference registry
 * (distribution, Debian package docker-registry), which tells a harness problem from a
 * Drydock bug.
 */
import { startDrydock } from '../../src/testkit/start-drydock.ts'
import { startReferenceRegistry } from '../../src/testkit/start-reference-registry.ts'

export interface RegistryUnderTest {
  readonly name: 'drydock' | 'reference'
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string
  /** e.g. `127.0.0.1:41234` */
  readonly host: string
  output(): string
  stop(): Promise<void>
}

export async function startRegistryUnderTest(): Promise<RegistryUnderTest> {
  const which = process.env['DRYDOCK_E2E_REGISTRY'] ?? 'drydock'
  if (which === 'reference') {
    const ref = await startReferenceRegistry()
    return { name: 'reference', url: ref.url, host: ref.host, output: ref.output, stop: ref.stop }
  }
  if (which !== 'drydock') throw new Error(`DRYDOCK_E2E_REGISTRY must be 'drydock' or 'reference', not '${which}'`)
  const dd = await startDrydock()
  return { name: 'drydock', url: dd.url, host: dd.host, output: dd.output, stop: dd.stop }
}

/** Fetches a manifest's digest as the registry reports it (Docker-Content-Digest on HEAD). */
export async function remoteManifestDigest(url: string, repo: string, ref: string, accept: readonly string[]): Promise<string> {
  const res = await fetch(`${url}/v2/${repo}/manifests/${ref}`, { method: 'HEAD', headers: { accept: accept.join(', ') } })
  if (res.status !== 200) throw new Error(`HEAD ${repo}:${ref} answered ${res.status}`)
  const digest = res.headers.get('docker-content-digest')
  if (digest === null) throw new Error(`HEAD ${repo}:${ref} has no Docker-Content-Digest header`)
  return digest
}

export const ALL_MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
] as const

/**
 * For afterEach(): when a test failed, attach the tail of each server's log to it, so that a
 * registry-side error (a 500 with a stack trace) shows next to the client's stderr.
 */
export function logsOnFailure(t: object, logs: Readonly<Record<string, (() => string) | undefined>>): void {
  // Node 24 sets `passed` on the test context; @types/node does not declare it yet.
  const ctx = t as { passed?: boolean; diagnostic?: (msg: string) => void }
  if (ctx.passed !== false || typeof ctx.diagnostic !== 'function') return
  for (const [name, output] of Object.entries(logs)) {
    if (output) ctx.diagnostic(`--- last lines of ${name} output ---\n${output().slice(-6000)}`)
  }
}
