/**
 * A real `drydock serve` with access control on (bootstrap admin) and the ECR API, plus what the
 * ECR tests share: the Debian AWS CLI v2 (/usr/bin/aws, never the `aws` first on PATH) run with a
 * private HOME and config, access keys made through `drydock access-key create` (eval-able lines),
 * and a SigV4-signed call made with the AWS SDK's own signer (@smithy/signature-v4) for what the
 * CLI cannot send (a skewed clock, an unknown operation, a malformed body).
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Sha256 } from '@aws-crypto/sha256-js'
import { ECRClient } from '@aws-sdk/client-ecr'
import { SignatureV4 } from '@smithy/signature-v4'
import { runTool, type ToolResult } from '../../src/testkit/run-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { mustCli } from '../auth/run-drydock-cli.ts'

export const AWS = '/usr/bin/aws'
export const ACCOUNT = '123456789012'
export const REGION = 'us-east-1'
export const ADMIN = { user: 'root', password: 'admin-password-for-ecr-tests' }
export const ECR_MODEL = '/usr/lib/python3/dist-packages/awscli/botocore/data/ecr/2015-09-21/service-2.json'

export interface AccessKey {
  readonly id: string
  readonly secret: string
}

export interface EcrServer {
  readonly drydock: RunningDrydock
  readonly home: string
  /** Runs `/usr/bin/aws ARGS --endpoint-url URL` as `key`. */
  aws(args: readonly string[], key: AccessKey, input?: string): Promise<ToolResult>
  /** Runs a shell pipeline with AWS_* set for `key` and ENDPOINT set to the server's URL. */
  sh(script: string, key: AccessKey): Promise<ToolResult>
  /** `drydock access-key create ARGS` as `user` (password); parses the eval-able lines. */
  newKey(user: { user: string; password: string }, args?: readonly string[]): Promise<AccessKey>
  /** The management API as `user`. */
  api(user: { user: string; password: string }, method: string, path: string, body?: unknown): Promise<Response>
  stop(): Promise<void>
}

export function requireAwsCli(): void {
  if (!existsSync(AWS)) throw new Error(`${AWS} is missing: install Debian's awscli (scripts/test.sh does)`)
}

export interface EcrServerOptions {
  /** Written as the server's config file (`--config`), e.g. `{ scanning: { advisoryDb } }`. */
  readonly config?: Record<string, unknown>
  /** More flags (after the fixture's own, so they win). */
  readonly args?: readonly string[]
}

export async function startEcrServer(options: EcrServerOptions = {}): Promise<EcrServer> {
  requireAwsCli()
  const home = await mkdtemp(join(tmpdir(), 'drydock-ecr-home-'))
  await writeFile(join(home, 'config'), '[default]\noutput = json\n')
  const configArgs: string[] = []
  if (options.config !== undefined) {
    await writeFile(join(home, 'drydock.json'), JSON.stringify(options.config))
    configArgs.push('--config', join(home, 'drydock.json'))
  }
  const drydock = await startDrydock({
    // Debug level: the tests check that no secret reaches even the most talkative log.
    args: [...configArgs, '--ecr-account-id', ACCOUNT, '--ecr-region', REGION, '--log-level', 'debug', ...(options.args ?? [])],
    env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password },
  })
  const awsEnv = (key: AccessKey): Record<string, string | undefined> => ({
    HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: key.id, AWS_SECRET_ACCESS_KEY: key.secret, AWS_DEFAULT_REGION: REGION,
    AWS_PAGER: '', AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined, AWS_ENDPOINT_URL: undefined,
  })
  return {
    drydock,
    home,
    aws: (args, key, input) => runTool(AWS, [...args, '--endpoint-url', drydock.url], { env: awsEnv(key), timeoutMs: 60_000, ...(input === undefined ? {} : { input }) }),
    sh: (script, key) => runTool('/bin/bash', ['-o', 'pipefail', '-c', script], { env: { ...awsEnv(key), ENDPOINT: drydock.url, HOST: drydock.host, PATH: process.env['PATH'] }, timeoutMs: 120_000 }),
    newKey: async (user, args = []) => {
      const out = await mustCli(['access-key', 'create', ...args], { DRYDOCK_REGISTRY: drydock.url, DRYDOCK_USERNAME: user.user, DRYDOCK_PASSWORD: user.password })
      const id = /^AWS_ACCESS_KEY_ID=(\S+)$/m.exec(out)?.[1]
      const secret = /^AWS_SECRET_ACCESS_KEY=(\S+)$/m.exec(out)?.[1]
      if (!id || !secret) throw new Error(`unexpected access-key output: ${out}`)
      return { id, secret }
    },
    api: (user, method, path, body) => fetch(`${drydock.url}${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${user.user}:${user.password}`).toString('base64')}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
    stop: async () => {
      await drydock.stop()
      await rm(home, { recursive: true, force: true })
    },
  }
}

export interface SignedCallOptions {
  /** The signing time (default now). */
  readonly date?: Date
  readonly contentType?: string
  /** The raw body (default: JSON of `body`). */
  readonly raw?: string
  readonly region?: string
}

/** POST / signed with SigV4 by the AWS SDK's signer, as the SDK would send it. */
export async function signedCall(url: string, key: AccessKey, target: string, body: unknown, o: SignedCallOptions = {}): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const u = new URL(url)
  const payload = o.raw ?? JSON.stringify(body)
  const signer = new SignatureV4({ credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, region: o.region ?? REGION, service: 'ecr', sha256: Sha256 })
  const request = {
    method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: '/', query: {},
    headers: {
      host: u.host, 'content-type': o.contentType ?? 'application/x-amz-json-1.1',
      'x-amz-target': target.includes('.') ? target : `AmazonEC2ContainerRegistry_V20150921.${target}`,
    },
    body: payload,
  }
  const signed = await signer.sign(request, { signingDate: o.date ?? new Date() })
  const res = await fetch(`${url}/`, { method: 'POST', headers: signed.headers as Record<string, string>, body: payload })
  const text = await res.text()
  return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: res.headers }
}

/** The ECR error name in the AWS CLI's stderr: `An error occurred (Name) when calling …`. */
export function cliError(r: ToolResult): string {
  return /An error occurred \((\w+)\)/.exec(r.stderr)?.[1] ?? `no error (exit ${r.code}): ${r.stderr.slice(0, 300)}`
}

/**
 * The AWS SDK for JavaScript v3's ECR client aimed at the server, signing as `key` (the SDK's own
 * SigV4, retries off so a refusal surfaces at once).
 */
export function sdkClient(url: string, key: AccessKey): ECRClient {
  return new ECRClient({
    endpoint: url, region: REGION, maxAttempts: 1,
    credentials: { accessKeyId: key.id, secretAccessKey: key.secret },
  })
}
