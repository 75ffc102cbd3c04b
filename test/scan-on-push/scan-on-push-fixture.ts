/**
 * Shared set-up for the scan-on-push black-box tests: an advisory DB built from the shared
 * records by the production importers, a real `drydock serve` process with scan on push on, and
 * helpers to read the findings API as a client would.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildVulndbFixture, type VulndbFixture } from '../../src/scanner/vuln/db/vulndb-fixture.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'

/** Hand-read from ../shared/testdata/vulndb/npm (see test/cli/scan-cli.test.ts): id → package. */
export const NPM_EXPECTED: ReadonlyArray<readonly [string, string, string]> = [
  ['GHSA-xvch-5gv4-984h', 'minimist', 'CRITICAL'],
  ['GHSA-35jh-r3h4-6jhm', 'lodash', 'HIGH'],
  ['GHSA-p6mc-m468-83gw', 'lodash', 'HIGH'],
  ['GHSA-29mw-wpgm-hmr9', 'lodash', 'MEDIUM'],
  ['GHSA-vh95-rmgr-6w4m', 'minimist', 'MEDIUM'],
]

/**
 * Hand-read from ../shared/testdata/vulndb/Debian for the bookworm-slim package versions in the
 * images README: apt 2.6.2, coreutils 9.1-1 and tar 1.34+dfsg-1.2+deb12u1 are unfixed in
 * bookworm (LOW urgency); zlib 1:1.2.13.dfsg-1 is below the unstable fix 1:1.3.dfsg-2. The DSAs
 * (glibc, openssl, expat …) are all fixed at or below the 12.15 versions, so none applies.
 */
export const DEBIAN_EXPECTED: ReadonlyArray<readonly [string, string]> = [
  ['DEBIAN-CVE-2011-3374', 'apt'],
  ['DEBIAN-CVE-2016-2781', 'coreutils'],
  ['DEBIAN-CVE-2005-2541', 'tar'],
  ['DEBIAN-CVE-2023-45853', 'zlib1g'],
]

export interface ScanServer {
  readonly drydock: RunningDrydock
  readonly vulndb: VulndbFixture
  close(): Promise<void>
}

/**
 * Starts drydock with scan on push and the advisory DB; `config` is merged into the config file's
 * `scanning`. `withoutAdvisoryDb` leaves `scanning.advisoryDb` unset (the DB is still built).
 * Access control is off unless `extraArgs` turns it on (later flags win); `env` is the server's.
 */
export async function startScanServer(
  scanning: Record<string, unknown> = {}, extraArgs: readonly string[] = [],
  opts: { withoutAdvisoryDb?: boolean; env?: Readonly<Record<string, string>> } = {},
): Promise<ScanServer> {
  const vulndb = await buildVulndbFixture()
  const dir = await mkdtemp(join(tmpdir(), 'drydock-sop-'))
  const configFile = join(dir, 'config.json')
  await writeFile(configFile, JSON.stringify({ scanning: { scanOnPush: true, ...(opts.withoutAdvisoryDb ? {} : { advisoryDb: vulndb.path }), ...scanning } }))
  let drydock: RunningDrydock
  try {
    drydock = await startDrydock({ args: ['--config', configFile, '--auth', 'off', ...extraArgs], ...(opts.env ? { env: opts.env } : {}) })
  } catch (err) {
    vulndb.close()
    await rm(dir, { recursive: true, force: true })
    throw err
  }
  return {
    drydock,
    vulndb,
    close: async () => {
      await drydock.stop()
      vulndb.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

export type Json = Record<string, any>

export async function getJson(url: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(url)
  const text = await res.text()
  try {
    return { status: res.status, body: JSON.parse(text) as Json }
  } catch {
    throw new Error(`GET ${url}: ${res.status}, not JSON: ${text.slice(0, 300)}`)
  }
}

export function findingsUrl(base: string, repo: string, ref: string): string {
  return `${base}/api/v1/repositories/${repo}/images/${encodeURIComponent(ref)}/scan-findings`
}

/** Polls scan-findings until the status is final (or `until` says stop); fails after timeoutMs. */
export async function waitForScan(base: string, repo: string, ref: string, timeoutMs = 240_000, until?: (status: string) => boolean): Promise<Json> {
  const deadline = Date.now() + timeoutMs
  let last: Json | undefined
  const done = until ?? ((s: string) => s !== 'PENDING' && s !== 'IN_PROGRESS')
  while (Date.now() < deadline) {
    const r = await getJson(findingsUrl(base, repo, ref))
    if (r.status === 200) {
      last = r.body
      if (done(String(r.body['imageScanStatus']?.status))) return r.body
    } else if (r.status !== 404) {
      assert.fail(`scan-findings answered ${r.status}: ${JSON.stringify(r.body)}`)
    }
    await new Promise((res) => setTimeout(res, 50))
  }
  throw new Error(`scan of ${repo}:${ref} not finished within ${timeoutMs} ms; last: ${JSON.stringify(last)}`)
}

/** `[id, package_name]` pairs of an ECR findings page. */
export function idsAndPackages(body: Json): string[][] {
  return (body['imageScanFindings']?.findings as Json[] ?? []).map((f) => [
    f['name'] as string, (f['attributes'] as Json[]).find((a) => a['key'] === 'package_name')?.['value'] as string,
  ])
}
