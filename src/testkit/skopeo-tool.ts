/**
 * skopeo for end-to-end tests, independent of the machine's /etc/containers: every call gets a
 * trust policy file (accept anything; we test transport, not signatures) written to a temp dir,
 * TLS verification off (the registries under test speak plain HTTP on 127.0.0.1), and a
 * private auth file so no credentials from the host are ever read.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mustRun, requireTool, runTool, type ToolResult } from './run-tool.ts'

export interface Skopeo {
  /** `skopeo copy [--all] SRC DST`; throws with skopeo's stderr on failure. */
  copy(src: string, dst: string, opts?: CopyOptions): Promise<ToolResult>
  /** The same copy, resolving with the result whatever the exit code (crash tests). */
  tryCopy(src: string, dst: string, opts?: CopyOptions): Promise<ToolResult>
  /** Any other skopeo command (inspect, list-tags, delete …) with the same private config. */
  run(args: readonly string[], opts?: { timeoutMs?: number }): Promise<ToolResult>
  /** Removes the temp dir holding the policy and auth files. */
  dispose(): Promise<void>
}

export interface CopyOptions {
  /** `--all`: copy every image of an index. */
  readonly all?: boolean
  /** `--format`: convert the manifest (`v2s2` = Docker schema 2, `oci`). */
  readonly format?: 'oci' | 'v2s2'
  readonly timeoutMs?: number
  /** `USER:PASSWORD` for the docker:// side(s) (`--src-creds` / `--dest-creds`). */
  readonly creds?: string
}

export async function createSkopeo(): Promise<Skopeo> {
  const bin = requireTool('skopeo')
  const dir = await mkdtemp(join(tmpdir(), 'drydock-skopeo-'))
  const policy = join(dir, 'policy.json')
  await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }))
  const authfile = join(dir, 'auth.json')
  await writeFile(authfile, '{"auths":{}}')

  const args = (src: string, dst: string, o: CopyOptions): string[] => [
    '--policy',
    policy,
    'copy',
    '--retry-times',
    '0',
    '--authfile',
    authfile,
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    ...(o.all === true ? ['--all'] : []),
    ...(o.format !== undefined ? ['--format', o.format] : []),
    ...(o.creds !== undefined && src.startsWith('docker://') ? ['--src-creds', o.creds] : []),
    ...(o.creds !== undefined && dst.startsWith('docker://') ? ['--dest-creds', o.creds] : []),
    src,
    dst,
  ]
  // Keep registries.conf from the host out of it; explicit host:port references need no search list.
  const env = { CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf') }
  await writeFile(env.CONTAINERS_REGISTRIES_CONF, 'unqualified-search-registries = []\n')

  return {
    copy: (src, dst, opts = {}) => mustRun(bin, args(src, dst, opts), { env, timeoutMs: opts.timeoutMs ?? 300_000 }),
    tryCopy: (src, dst, opts = {}) => runTool(bin, args(src, dst, opts), { env, timeoutMs: opts.timeoutMs ?? 300_000 }),
    run: (a, opts = {}) => mustRun(bin, ['--policy', policy, ...a], { env, timeoutMs: opts.timeoutMs ?? 120_000 }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}
