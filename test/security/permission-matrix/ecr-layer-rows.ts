/**
 * Matrix rows for ECR's layer operations and the pre-signed download route (docs/ecr.md "Layers").
 *
 * BatchCheckLayerAvailability and GetDownloadUrlForLayer need pull; InitiateLayerUpload,
 * UploadLayerPart and CompleteLayerUpload need push, as the /v2 blob and upload endpoints do. A
 * row's call does not know its caller, and an upload session belongs to whoever started it, so
 * the allowed UploadLayerPart/CompleteLayerUpload rows use sessions started with no owner
 * (as a session from before access control was on: usable by any principal allowed to push);
 * the session owner rule itself is tested in test/ecr/layers.test.ts. Refused rows name an
 * upload id that does not exist: the check comes first, so a wrong "yes" shows as UploadNotFound.
 *
 * GET /ecr-download/* carries its credential in the URL: a URL minted (for root) works for any
 * caller with no Authorization header, and a tampered one is 403 whatever credential comes along.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { RepositoryName } from '../../../src/oci/reference.ts'
import { signedCall, type AccessKey } from '../../ecr/ecr-fixture.ts'
import type { EcrRow } from './ecr-operations.ts'
import type { Operation } from './operations.ts'
import { basic, password, REPOS, type World } from './world.ts'

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

/** An upload session in `repo` with no owner, holding `bytes`. */
async function ownerlessSession(w: World, repo: string, bytes?: Buffer): Promise<string> {
  const uploads = w.app.drydock.uploads
  const s = await uploads.start(repo as RepositoryName)
  if (bytes) await uploads.append(repo as RepositoryName, s.id, (async function* () { yield bytes })(), 0)
  return s.id
}

export function ecrLayerRows(w: World): EcrRow[] {
  const rows: EcrRow[] = []
  for (const repo of REPOS) {
    const layer = () => w.v1[repo]?.layer ?? ''
    const pull = { kind: 'repo', repo, action: 'pull' } as const
    const push = { kind: 'repo', repo, action: 'push' } as const
    rows.push(
      { label: `BatchCheckLayerAvailability ${repo}`, need: pull, call: () => ({ target: 'BatchCheckLayerAvailability', body: { repositoryName: repo, layerDigests: [layer()] } }) },
      { label: `GetDownloadUrlForLayer ${repo}`, need: pull, call: () => ({ target: 'GetDownloadUrlForLayer', body: { repositoryName: repo, layerDigest: layer() } }) },
      { label: `InitiateLayerUpload ${repo}`, need: push, call: () => ({ target: 'InitiateLayerUpload', body: { repositoryName: repo } }) },
      { label: `UploadLayerPart ${repo}`, need: push,
        call: async (yes) => ({ target: 'UploadLayerPart', body: {
          repositoryName: repo, uploadId: yes ? await ownerlessSession(w, repo) : randomUUID(), partFirstByte: 0, partLastByte: 3, layerPartBlob: Buffer.from('part').toString('base64'),
        } }) },
      { label: `CompleteLayerUpload ${repo}`, need: push,
        call: async (yes, n) => {
          const bytes = Buffer.from(`layer ${n} of ${repo}`)
          return { target: 'CompleteLayerUpload', body: { repositoryName: repo, uploadId: yes ? await ownerlessSession(w, repo, bytes) : randomUUID(), layerDigests: [sha256(bytes)] } }
        } },
    )
  }
  return rows
}

/** The download route's rows, run like the other Fastify routes (permission-matrix.test.ts). */
export function ecrDownloadOperations(w: World): Operation[] {
  let minted: Promise<string> | undefined
  const url = () => (minted ??= (async () => {
    const res = await w.send({ method: 'POST', path: '/api/v1/access-keys', authorization: basic('root', password('root')), body: '{}' })
    const k = JSON.parse(res.text) as { accessKeyId: string; secretAccessKey: string }
    const key: AccessKey = { id: k.accessKeyId, secret: k.secretAccessKey }
    const got = await signedCall(w.url, key, 'GetDownloadUrlForLayer', { repositoryName: 'acme/private', layerDigest: w.v1['acme/private']?.layer })
    if (got.status !== 200) throw new Error(`setup download URL: ${got.status} ${JSON.stringify(got.json)}`)
    return new URL(String(got.json['downloadUrl'])).pathname
  })())
  const surface = { api: 'fastify', route: 'GET /ecr-download/*' } as const
  return [
    { label: 'GET a layer of acme/private through a URL minted for root, no credentials sent', surface, need: () => ({ kind: 'open' }), ok: [200],
      request: async () => ({ method: 'GET', path: await url(), authorization: '' }) },
    { label: 'GET /ecr-download/* with a tampered token, whatever credential comes along', surface, need: () => ({ kind: 'open' }), ok: [403],
      request: async () => {
        const path = await url()
        return { method: 'GET', path: `${path.slice(0, -4)}${randomBytes(3).toString('base64url')}` }
      } },
  ]
}
