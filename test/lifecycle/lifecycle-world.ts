// A registry for the lifecycle run tests: the in-process app (real SQLite and filesystem storage
// in a temp dir) listening on 127.0.0.1 with a fake clock, so `sinceImagePushed` ages and the
// restore window are set by the test, not waited for. The CLI runs as a child process against it.
// Access control is off (auto mode without users): any credentials do; the permission matrix
// covers who may run, list and restore.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { DEFAULT_LIFECYCLE, type RegistryConfig } from '../../src/registry/config/config.ts'
import { imageManifest, putManifest, startFixture, type RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'
import type { EcrExample } from './ecr-examples.ts'

export const DAY = 86_400_000
export const MANIFEST_ACCEPT = 'application/vnd.oci.image.manifest.v1+json'

export interface LifecycleWorld {
  readonly fx: RegistryFixture
  readonly url: string
  readonly cliEnv: Readonly<Record<string, string>>
  /** Pushes one image (a config, a layer, the manifest) at `at`, under each tag, or by digest when untagged. */
  push(repo: string, seed: string, tags: readonly string[], at?: Date): Promise<string>
  setPolicy(repo: string, policyText: string): Promise<void>
  api(method: string, path: string): Promise<{ status: number; body: any }>
  /** GET or HEAD of a manifest: the status. */
  pull(repo: string, ref: string, method?: 'GET' | 'HEAD'): Promise<number>
  close(): Promise<void>
}

export async function startLifecycleWorld(overrides: Partial<RegistryConfig> = {}): Promise<LifecycleWorld> {
  const fx = await startFixture({
    // Runs are driven by the tests; GC keeps nothing for a grace period, so freed bytes show at once.
    lifecycle: { ...DEFAULT_LIFECYCLE, enabled: false },
    gc: { intervalMs: 0, gracePeriodMs: 0, deletionWaitMs: 1000 },
    ...overrides,
  })
  await fx.app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(fx.app.server.address() as AddressInfo).port}`
  const api = async (method: string, path: string) => {
    const res = await fetch(`${url}${path}`, { method })
    const text = await res.text()
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) }
  }
  return {
    fx, url,
    cliEnv: { DRYDOCK_REGISTRY: url, DRYDOCK_USERNAME: 'anyone', DRYDOCK_PASSWORD: 'anything-goes-here' },
    push: async (repo, seed, tags, at) => {
      if (at !== undefined) fx.clock.set(at)
      const image = await imageManifest(fx.app, repo, seed)
      for (const ref of tags.length === 0 ? [image.digest] : tags) {
        const res = await putManifest(fx.app, repo, ref, image.manifest)
        assert.equal(res.statusCode, 201, res.body)
      }
      return image.digest
    },
    setPolicy: async (repo, policyText) => {
      const res = await fetch(`${url}/api/v1/repositories/${repo}/settings`, {
        method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lifecyclePolicy: policyText }),
      })
      assert.equal(res.status, 200, await res.text())
    },
    api,
    pull: async (repo, ref, method = 'GET') => (await fetch(`${url}/v2/${repo}/manifests/${ref}`, { method, headers: { accept: MANIFEST_ACCEPT } })).status,
    close: () => fx.close(),
  }
}

/** Pushes an example's images into `repo` at their ages before the clock's now (then sets it back); name → digest. */
export async function pushExample(w: LifecycleWorld, repo: string, example: EcrExample, policyText: string): Promise<Map<string, string>> {
  const now = w.fx.clock.now()
  const digests = new Map<string, string>()
  for (const image of [...example.images].sort((a, b) => b.daysAgo - a.daysAgo)) {
    digests.set(image.name, await w.push(repo, `${repo}-${image.name}`, image.tags, new Date(now.getTime() - image.daysAgo * DAY)))
  }
  w.fx.clock.set(now)
  await w.setPolicy(repo, policyText)
  return digests
}

/** The example's policy text (the seed verbatim; the others padded to ECR's 100-character minimum). */
export function policyTextOf(example: EcrExample, seed: string): string {
  return example.name.startsWith('the seed policy') ? seed : JSON.stringify({ rules: example.rules }).padEnd(100, ' ')
}

/** digest → name for the digests `expired` lists, with their rule: the shape of EcrExample.expires. */
export function expiredByName(digests: ReadonlyMap<string, string>, expired: readonly { digest: string; rulePriority: number }[]): Record<string, number> {
  const byDigest = new Map([...digests].map(([name, digest]) => [digest, name]))
  return Object.fromEntries(expired.map((e) => [byDigest.get(e.digest) ?? e.digest, e.rulePriority]))
}
