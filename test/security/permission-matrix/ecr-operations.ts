/**
 * Matrix rows for the ECR door (docs/ecr.md) and the access-key API.
 *
 * Access keys (/api/v1/access-keys) are management rows like the tokens': one's own key needs the
 * password (kind new-credentials), listing and deleting one's own needs what one's tokens need,
 * and a robot's keys need the management right on its org (creating one: holding its grants).
 *
 * The door (`POST /`, SigV4) is a principal x operation sample run by runEcrMatrix: an access key
 * speaks for its owner with the owner's rights and no limits of its own, so the callers are the
 * matrix's password callers (users and robots) signing with a key of their own, plus an anonymous
 * unsigned request. An allowed call answers 200; a refused one 403 AccessDeniedException (an
 * unsigned one MissingAuthenticationTokenException). Refused rows aim at repositories that do not
 * exist: the check comes first, so a wrong "yes" shows as RepositoryNotFoundException.
 */
import { randomBytes } from 'node:crypto'
import { BUILTIN_OPERATIONS } from '../../../src/registry/ecr/builtin-operations.ts'
import { signedCall, type AccessKey } from '../../ecr/ecr-fixture.ts'
import { ecrConfigRows } from './ecr-config-rows.ts'
import { ecrImageRows } from './ecr-image-rows.ts'
import { ecrLayerRows } from './ecr-layer-rows.ts'
import { ecrScanLifecycleRows } from './ecr-scan-lifecycle-rows.ts'
import { allowed, type Need } from './model.ts'
import type { Operation } from './operations.ts'
import { basic, password, PUBLIC, REPOS, ROBOTS, type MatrixCaller, type World } from './world.ts'

const json = (v: unknown): string => JSON.stringify(v)
const fastify = (route: string) => ({ api: 'fastify' as const, route })
const userName = (c: MatrixCaller): string => (c.owner.kind === 'user' ? c.owner.name : 'bystander')
const CI = `robot$acme+${ROBOTS[0]?.short ?? 'ci'}`
const CI_GRANTS = ROBOTS[0]?.grants ?? []
const ghostKey = (): string => `DDAK${randomBytes(10).toString('hex').toUpperCase().replace(/[^A-Z2-7]/g, 'A').slice(0, 16)}`

async function newKey(w: World, authorization: string, body: Record<string, unknown> = {}): Promise<AccessKey> {
  const res = await w.send({ method: 'POST', path: '/api/v1/access-keys', authorization, body: json(body) })
  if (res.status !== 201) throw new Error(`setup access key: ${res.status} ${res.text.slice(0, 200)}`)
  const k = JSON.parse(res.text) as { accessKeyId: string; secretAccessKey: string }
  return { id: k.accessKeyId, secret: k.secretAccessKey }
}

export function accessKeyOperations(w: World): Operation[] {
  let victim: Promise<AccessKey> | undefined
  // A robot key the refused rows aim at: it must survive them.
  const robotVictim = () => (victim ??= newKey(w, basic('root', password('root')), { robot: CI }))
  return [
    { label: 'create an access key for oneself', surface: fastify('POST /api/v1/access-keys'), need: (c) => ({ kind: 'new-credentials', user: userName(c) }), ok: [201],
      request: () => ({ method: 'POST', path: '/api/v1/access-keys', body: json({ expiresIn: 3600 }) }) },
    { label: `create an access key for ${CI} (hands out its grants)`, surface: fastify('POST /api/v1/access-keys'),
      need: () => ({ kind: 'namespace', org: 'acme', handsOut: CI_GRANTS }), ok: [201],
      request: () => ({ method: 'POST', path: '/api/v1/access-keys', body: json({ robot: CI }) }) },
    { label: 'list one\'s access keys', surface: fastify('GET /api/v1/access-keys'), need: (c) => ({ kind: 'own-tokens', owner: c.owner.name }), ok: [200],
      request: () => ({ method: 'GET', path: '/api/v1/access-keys' }) },
    { label: `list the access keys of ${CI}`, surface: fastify('GET /api/v1/access-keys'), need: () => ({ kind: 'namespace', org: 'acme' }), ok: [200],
      request: () => ({ method: 'GET', path: `/api/v1/access-keys?robot=${encodeURIComponent(CI)}` }) },
    { label: 'delete an access key of one\'s own', surface: fastify('DELETE /api/v1/access-keys/:id'), need: (c) => ({ kind: 'own-tokens', owner: userName(c) }), ok: [204],
      request: async (c, yes) => {
        const id = yes ? (await newKey(w, basic(userName(c), password(userName(c))))).id : ghostKey()
        return { method: 'DELETE', path: `/api/v1/access-keys/${id}` }
      } },
    { label: `delete an access key of ${CI}`, surface: fastify('DELETE /api/v1/access-keys/:id'), need: () => ({ kind: 'namespace', org: 'acme' }), ok: [204],
      request: async (_c, yes) => {
        const id = yes ? (await newKey(w, basic('root', password('root')), { robot: CI })).id : (await robotVictim()).id
        return { method: 'DELETE', path: `/api/v1/access-keys/${id}` }
      } },
  ]
}

export interface EcrRow {
  readonly label: string
  readonly need: Need
  readonly call: (yes: boolean, n: string) => Promise<{ target: string; body: unknown }> | { target: string; body: unknown }
}

/** The door's surface, for the coverage guard only: its rows are run by runEcrMatrix. */
export function ecrDoorOperations(): Operation[] {
  return [{ label: 'the ECR API (POST /, SigV4): see runEcrMatrix', surface: fastify('POST /'), need: () => ({ kind: 'authenticated' }), ok: [200],
    request: () => ({ method: 'POST', path: '/' }) }]
}

function ecrRows(w: World): EcrRow[] {
  // Each operation family adds its rows from its own file (one import, one spread here).
  const rows: EcrRow[] = [
    { label: 'GetAuthorizationToken', need: { kind: 'authenticated' }, call: () => ({ target: 'GetAuthorizationToken', body: {} }) },
    { label: 'DescribeRegistry', need: { kind: 'authenticated' }, call: () => ({ target: 'DescribeRegistry', body: {} }) },
    ...ecrConfigRows(w),
    ...ecrLayerRows(w),
    ...ecrImageRows(w),
    ...ecrScanLifecycleRows(w),
  ]
  for (const repo of REPOS) {
    rows.push({ label: `DescribeRepositories ${repo}`, need: { kind: 'repo', repo, action: 'pull' },
      call: () => ({ target: 'DescribeRepositories', body: { repositoryNames: [repo] } }) })
  }
  for (const ns of new Set(REPOS.map((r) => r.split('/')[0] ?? ''))) {
    rows.push({ label: `CreateRepository in ${ns}`, need: { kind: 'repository-settings', repo: `${ns}/fresh` },
      call: (_yes, n) => ({ target: 'CreateRepository', body: { repositoryName: `${ns}/ecr${n}` } }) })
    rows.push({ label: `DeleteRepository in ${ns}`, need: { kind: 'repository-settings', repo: `${ns}/fresh` },
      call: async (yes, n) => {
        if (yes) await w.root('POST', '/api/v1/repositories', { repositoryName: `${ns}/gone${n}` })
        return { target: 'DeleteRepository', body: { repositoryName: `${ns}/${yes ? 'gone' : 'ghost'}${n}`, force: true } }
      } })
  }
  return rows
}

/**
 * Runs every ECR row for every caller with a key; returns the rows that differ from the model,
 * and every implemented operation (builtin-operations.ts) that has no row.
 */
export async function runEcrMatrix(w: World): Promise<string[]> {
  const callers = w.callers.filter((c) => c.via === 'password' || c.owner.kind === 'anonymous')
  const keys = new Map<MatrixCaller, AccessKey>()
  for (const c of callers) {
    if (c.owner.kind === 'user') keys.set(c, await newKey(w, basic(c.owner.name, password(c.owner.name))))
    else if (c.owner.kind === 'robot') keys.set(c, await newKey(w, basic('root', password('root')), { robot: c.owner.name }))
  }
  const problems: string[] = []
  const rows = ecrRows(w)
  const covered = new Set<string>()
  for (const row of rows) covered.add((await row.call(false, 'probe')).target)
  for (const op of BUILTIN_OPERATIONS) if (!covered.has(op.name)) problems.push(`ECR operation ${op.name} has no permission-matrix row`)
  let n = 0
  for (const row of rows) {
    for (const c of callers) {
      const key = keys.get(c)
      const yes = key !== undefined && allowed(c, row.need, PUBLIC)
      const { target, body } = await row.call(yes, `m${++n}`)
      const res = key
        ? await signedCall(w.url, key, target, body)
        : await fetch(`${w.url}/`, { method: 'POST', body: json(body), headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${target}` } })
          .then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }))
      const expected = yes ? 'ok' : key ? 'AccessDeniedException' : 'MissingAuthenticationTokenException'
      const got = res.status === 200 ? 'ok' : String(res.json['__type'])
      if (got !== expected || (!yes && res.status !== 403)) problems.push(`${row.label} as ${c.label}: expected ${expected}, got ${res.status} ${got}`)
    }
  }
  return problems
}
