// Issue #12, hole 8: deeply nested JSON stalled the server. A 3.8 MB manifest holding 1.9 million
// nested arrays in an unknown field was accepted, and each PUT blocked the event loop for seconds.
// JSON nesting is now bounded (limits.maxJsonDepth, default 64) for manifests, indexes, image
// configs and every JSON request body, by a linear pass that runs before JSON.parse. Attacks go
// through real HTTP to a real `drydock serve`; speed is never asserted, only that the refusal is
// clear and that the server still answers.
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { OciClient, uniqueRepo, type BlobDescriptor, type OciResponse } from '../../src/testkit/oci-client.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { assertOciError, assertStatus } from '../conformance/assert-oci.ts'

const ADMIN = { user: 'root', password: 'nesting-admin-password-1' }
const BASIC = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`

const desc = (d: BlobDescriptor): string => JSON.stringify({ mediaType: d.mediaType, digest: d.digest, size: d.size })

/** `levels` nested arrays: `[[[...]]]`. */
const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`

function message(res: OciResponse): string {
  const body = res.json<{ errors: Array<{ message: string; detail?: { reason?: string } }> }>()
  return `${body.errors[0]?.message ?? ''} | ${body.errors[0]?.detail?.reason ?? ''}`
}

/** Pushes a config and a layer; returns the manifest text with `extra` spliced in as raw JSON members. */
async function manifestWith(client: OciClient, repo: string, extra = '', configText?: string): Promise<{ text: string; config: BlobDescriptor }> {
  const layer = randomBytes(200)
  const config = await client.pushBlob(repo, Buffer.from(configText ?? JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Labels: { nonce: randomUUID() } }, rootfs: { type: 'layers', diff_ids: [digestOf(layer)] },
  })), MediaType.ociConfig)
  const l = await client.pushBlob(repo, layer, MediaType.ociLayerGzip)
  return { text: `{"schemaVersion":2,"mediaType":"${MediaType.ociManifest}","config":${desc(config)},"layers":[${desc(l)}]${extra}}`, config }
}

describe('deeply nested manifests and configs (real HTTP)', { timeout: 180_000 }, () => {
  let server: RunningDrydock
  let client: OciClient
  before(async () => {
    server = await startDrydock()
    client = new OciClient(server.url)
  })
  after(async () => server.stop())

  it('the reported manifest (1.9 M nested arrays in an unknown field, 3.8 MB), eight at once: 400, and /v2/ still answers', async () => {
    const repo = uniqueRepo('nesting')
    const { text } = await manifestWith(client, repo, `,"x":${nested(1_900_000)}`)
    assert.ok(text.length > 3_800_000 && text.length < 4 * 1024 * 1024, `size ${text.length}`)
    const responses = await Promise.all(Array.from({ length: 8 }, () => client.putManifest(repo, 'deep', text)))
    for (const res of responses) {
      assertOciError(res, 400, 'MANIFEST_INVALID')
      assert.match(message(res), /nested deeper than 64 levels/)
    }
    assertStatus(await client.request('GET', '/v2/'), 200)
    assert.equal((await client.request('GET', `/v2/${repo}/manifests/deep`)).status, 404, 'nothing was stored')
  })

  it('a wide manifest (1.3 M empty objects in an unknown field, 3.9 MB): 400 before it is parsed', async () => {
    const repo = uniqueRepo('nesting')
    const { text } = await manifestWith(client, repo, `,"x":[${Array(1_300_000).fill('{}').join(',')}]`)
    assert.ok(text.length < 4 * 1024 * 1024, `size ${text.length}`)
    const res = await client.putManifest(repo, 'wide', text)
    assertOciError(res, 400, 'MANIFEST_INVALID')
    assert.match(message(res), /more than 100000 JSON values/)
  })

  it('a manifest nested within the limit is accepted (control)', async () => {
    const repo = uniqueRepo('nesting')
    const { text } = await manifestWith(client, repo, `,"x":${nested(60)}`)
    assertStatus(await client.putManifest(repo, 'ok', text), 201)
  })

  it('a deeply nested image config: 400 MANIFEST_INVALID naming the config', async () => {
    const repo = uniqueRepo('nesting')
    const { text, config } = await manifestWith(client, repo, '', `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"x":${nested(500_000)}}`)
    const res = await client.putManifest(repo, 'cfg', text)
    assertOciError(res, 400, 'MANIFEST_INVALID')
    assert.ok(message(res).includes(config.digest), message(res))
    assert.match(message(res), /nested deeper than 64 levels/)
  })
})

describe('deeply nested /api/v1 JSON bodies (real HTTP)', { timeout: 120_000 }, () => {
  let server: RunningDrydock
  before(async () => {
    server = await startDrydock({ env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password } })
  })
  after(async () => server.stop())

  const createUser = (body: string): Promise<Response> =>
    fetch(`${server.url}/api/v1/users`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/json' }, body })

  it('a deeply nested body: 400 with a clear error, nothing created, the server still answers', async () => {
    const name = `deep${randomBytes(4).toString('hex')}`
    const res = await createUser(`{"name":"${name}","password":"a-long-enough-password","x":${nested(32_000)}}`)
    const text = await res.text()
    assert.equal(res.status, 400, text)
    assert.match(text, /nested deeper than 64 levels/)
    const list = await fetch(`${server.url}/api/v1/users`, { headers: { authorization: BASIC } })
    assert.equal(list.status, 200)
    assert.ok(!(await list.text()).includes(name), 'the user was not created')
  })

  it('a body with a duplicate key is refused (two readings of one request)', async () => {
    const name = `dup${randomBytes(4).toString('hex')}`
    const res = await createUser(`{"name":"${name}","password":"a-long-enough-password","admin":false,"admin":true}`)
    const text = await res.text()
    assert.equal(res.status, 400, text)
    assert.match(text, /duplicate key \\"admin\\"/)
  })

  it('control: a plain body is accepted', async () => {
    const res = await createUser(`{"name":"ok${randomBytes(4).toString('hex')}","password":"a-long-enough-password"}`)
    assert.equal(res.status, 201, await res.text())
  })
})

describe('the nesting and config size limits are settings (real HTTP)', { timeout: 120_000 }, () => {
  let strict: RunningDrydock
  before(async () => {
    strict = await startDrydock({ args: ['--max-json-depth', '8', '--max-json-values', '1000', '--max-config-size', '1KiB'] })
  })
  after(async () => strict.stop())

  it('--max-json-depth 8 refuses a manifest nested 10 deep', async () => {
    const client = new OciClient(strict.url)
    const repo = uniqueRepo('nesting')
    const { text } = await manifestWith(client, repo, `,"x":${nested(9)}`)
    const res = await client.putManifest(repo, 'ten', text)
    assertOciError(res, 400, 'MANIFEST_INVALID')
    assert.match(message(res), /nested deeper than 8 levels/)
    const { text: ok } = await manifestWith(client, repo, `,"x":${nested(7)}`)
    assertStatus(await client.putManifest(repo, 'eight', ok), 201)
  })

  it('--max-json-values 1000 refuses a manifest holding 1001 values', async () => {
    const client = new OciClient(strict.url)
    const repo = uniqueRepo('nesting')
    const { text } = await manifestWith(client, repo, `,"x":[${Array(1000).fill('0').join(',')}]`)
    const res = await client.putManifest(repo, 'wide', text)
    assertOciError(res, 400, 'MANIFEST_INVALID')
    assert.match(message(res), /more than 1000 JSON values/)
    const { text: ok } = await manifestWith(client, repo, `,"x":[${Array(900).fill('0').join(',')}]`)
    assertStatus(await client.putManifest(repo, 'narrow', ok), 201)
  })

  it('--max-config-size 1KiB refuses a manifest whose image config is larger', async () => {
    const client = new OciClient(strict.url)
    const repo = uniqueRepo('nesting')
    const big = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { Env: ['PAD=' + 'x'.repeat(2000)] } })
    const { text, config } = await manifestWith(client, repo, '', big)
    const res = await client.putManifest(repo, 'big', text)
    assertOciError(res, 400, 'MANIFEST_INVALID')
    assert.ok(message(res).includes(config.digest), message(res))
    assert.match(message(res), /1024-byte limit/)
  })
})
