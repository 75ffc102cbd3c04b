// Issue #12, hole 1 (scan bypass through keys Go clients read differently) and hole 10 (a
// manifest with a UTF-8 BOM). Go clients (skopeo, podman, docker, containerd: encoding/json v1)
// match object keys to struct fields case-insensitively, fold U+017F to 's' and U+212A to 'k',
// and take the last of duplicate keys; Drydock read the exact lower-case keys. A manifest, index
// or image config that two parsers could read differently must be refused, so what is scanned
// is what clients pull. Every attack is a real HTTP request to a real `drydock serve`.
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'
import { OciClient, uniqueRepo, type BlobDescriptor, type OciResponse } from '../../src/testkit/oci-client.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { assertOciError, assertStatus } from '../conformance/assert-oci.ts'

interface Pushed {
  readonly repo: string
  readonly cleanConfig: BlobDescriptor
  readonly vulnConfig: BlobDescriptor
  readonly cleanLayer: BlobDescriptor
  readonly vulnLayer: BlobDescriptor
}

const desc = (d: BlobDescriptor): string => JSON.stringify({ mediaType: d.mediaType, digest: d.digest, size: d.size })

function imageConfig(diffId: string, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Labels: { nonce: randomUUID() } },
    rootfs: { type: 'layers', diff_ids: [diffId] }, ...extra,
  }))
}

/** The reason the registry gave, from the error envelope. */
function reason(res: OciResponse): string {
  const body = res.json<{ errors: Array<{ message: string; detail?: { reason?: string } }> }>()
  return `${body.errors[0]?.message ?? ''} | ${body.errors[0]?.detail?.reason ?? ''}`
}

describe('manifest and config ambiguity (real HTTP)', { timeout: 120_000 }, () => {
  let server: RunningDrydock
  let client: OciClient
  before(async () => {
    server = await startDrydock()
    client = new OciClient(server.url)
  })
  after(async () => server.stop())

  /** A clean image and a "vulnerable" one, both fully pushed as blobs into one repository. */
  async function pushParts(): Promise<Pushed> {
    const repo = uniqueRepo('ambiguity')
    const clean = randomBytes(300)
    const vuln = randomBytes(301)
    return {
      repo,
      cleanLayer: await client.pushBlob(repo, clean, MediaType.ociLayerGzip),
      vulnLayer: await client.pushBlob(repo, vuln, MediaType.ociLayerGzip),
      cleanConfig: await client.pushBlob(repo, imageConfig(digestOf(clean)), MediaType.ociConfig),
      vulnConfig: await client.pushBlob(repo, imageConfig(digestOf(vuln)), MediaType.ociConfig),
    }
  }

  /** PUTs manifest text by digest and returns the response; a refused manifest must not be stored. */
  async function put(p: Pushed, text: string | Buffer, mediaType: string = MediaType.ociManifest): Promise<OciResponse> {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text
    const digest = digestOf(bytes)
    const res = await client.putManifest(p.repo, digest, bytes, mediaType)
    if (res.status !== 201) {
      const get = await client.request('GET', `/v2/${p.repo}/manifests/${digest}`, { headers: { Accept: mediaType } })
      assert.equal(get.status, 404, 'a refused manifest is not stored')
    }
    return res
  }

  const head = `"schemaVersion":2,"mediaType":"${MediaType.ociManifest}"`

  it('control: the clean manifest alone is accepted', async () => {
    const p = await pushParts()
    assertStatus(await put(p, `{${head},"config":${desc(p.cleanConfig)},"layers":[${desc(p.cleanLayer)}]}`), 201)
  })

  it('"Config"/"Layers" next to "config"/"layers" (the reported attack): 400 MANIFEST_INVALID naming the key', async () => {
    const p = await pushParts()
    const res = await put(p, `{${head},"config":${desc(p.cleanConfig)},"layers":[${desc(p.cleanLayer)}],"Config":${desc(p.vulnConfig)},"Layers":[${desc(p.vulnLayer)}]}`)
    assertOciError(res, 400, 'MANIFEST_INVALID')
    assert.match(reason(res), /"Config".*"config"/)
  })

  it('a case variant alone ("Subject", "LAYERS") is refused: Go binds it to the field', async () => {
    const p = await pushParts()
    const subject = await put(p, `{${head},"config":${desc(p.cleanConfig)},"layers":[${desc(p.cleanLayer)}],"Subject":${desc(p.vulnConfig)}}`)
    assertOciError(subject, 400, 'MANIFEST_INVALID')
    assert.match(reason(subject), /"Subject"/)
    const layers = await put(p, `{${head},"config":${desc(p.cleanConfig)},"LAYERS":[${desc(p.vulnLayer)}]}`)
    assertOciError(layers, 400, 'MANIFEST_INVALID')
  })

  it('"layer\\u017f" (LONG S, escaped or raw) folds to "layers" in Go: refused', async () => {
    const p = await pushParts()
    for (const key of ['layer\\u017f', 'layer\u017f']) {
      const res = await put(p, `{${head},"config":${desc(p.cleanConfig)},"layers":[${desc(p.cleanLayer)}],"${key}":[${desc(p.vulnLayer)}]}`)
      assertOciError(res, 400, 'MANIFEST_INVALID')
      assert.match(reason(res), /layer\\u017f.*"layers"/)
    }
  })

  it('case variants inside descriptors ("Digest") are refused', async () => {
    const p = await pushParts()
    const layer = `{"mediaType":"${p.cleanLayer.mediaType}","digest":"${p.cleanLayer.digest}","size":${p.cleanLayer.size},"Digest":"${p.vulnLayer.digest}"}`
    const res = await put(p, `{${head},"config":${desc(p.cleanConfig)},"layers":[${layer}]}`)
    assertOciError(res, 400, 'MANIFEST_INVALID')
    assert.match(reason(res), /"Digest"/)
  })

  it('duplicate exact keys are refused, also when one is spelled with escapes ("con\\u0066ig")', async () => {
    const p = await pushParts()
    const dup = await put(p, `{${head},"config":${desc(p.cleanConfig)},"layers":[${desc(p.cleanLayer)}],"layers":[${desc(p.vulnLayer)}]}`)
    assertOciError(dup, 400, 'MANIFEST_INVALID')
    assert.match(reason(dup), /duplicate key "layers"/)
    const escaped = await put(p, `{${head},"config":${desc(p.cleanConfig)},"layers":[${desc(p.cleanLayer)}],"con\\u0066ig":${desc(p.vulnConfig)}}`)
    assertOciError(escaped, 400, 'MANIFEST_INVALID')
    assert.match(reason(escaped), /duplicate key "config"/)
  })

  it('an index with "Manifests", or with layers next to manifests, is refused', async () => {
    const p = await pushParts()
    const child = Buffer.from(`{${head},"config":${desc(p.cleanConfig)},"layers":[${desc(p.cleanLayer)}]}`)
    assertStatus(await put(p, child), 201)
    const childDesc = JSON.stringify({ mediaType: MediaType.ociManifest, digest: digestOf(child), size: child.byteLength, platform: { architecture: 'amd64', os: 'linux' } })
    const ihead = `"schemaVersion":2,"mediaType":"${MediaType.ociIndex}"`
    assertStatus(await put(p, `{${ihead},"manifests":[${childDesc}]}`, MediaType.ociIndex), 201)
    const variant = await put(p, `{${ihead},"manifests":[${childDesc}],"Manifests":[]}`, MediaType.ociIndex)
    assertOciError(variant, 400, 'MANIFEST_INVALID')
    assert.match(reason(variant), /"Manifests"/)
    const platform = await put(p, `{${ihead},"manifests":[{"mediaType":"${MediaType.ociManifest}","digest":"${digestOf(child)}","size":${child.byteLength},"platform":{"architecture":"amd64","os":"linux","OS":"windows"}}]}`, MediaType.ociIndex)
    assertOciError(platform, 400, 'MANIFEST_INVALID')
    const both = await put(p, `{${ihead},"manifests":[${childDesc}],"layers":[${desc(p.vulnLayer)}]}`, MediaType.ociIndex)
    assertOciError(both, 400, 'MANIFEST_INVALID')
  })

  it('a manifest starting with a UTF-8 BOM is refused (hole 10)', async () => {
    const p = await pushParts()
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{${head},"config":${desc(p.cleanConfig)},"layers":[${desc(p.cleanLayer)}]}`)])
    const res = await put(p, body)
    assertOciError(res, 400, 'MANIFEST_INVALID')
    assert.match(reason(res), /byte order mark/)
  })

  describe('image configs (validated at manifest PUT, since they are pushed before it)', () => {
    async function putWithConfig(configText: string): Promise<{ res: OciResponse; config: BlobDescriptor }> {
      const p = await pushParts()
      const config = await client.pushBlob(p.repo, Buffer.from(configText), MediaType.ociConfig)
      return { res: await put(p, `{${head},"config":${desc(config)},"layers":[${desc(p.cleanLayer)}]}`), config }
    }

    const cases: ReadonlyArray<readonly [string, (clean: string, vuln: string) => string, RegExp]> = [
      ['"RootFS" next to "rootfs"', (c, v) => `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["${c}"]},"RootFS":{"type":"layers","diff_ids":["${v}"]}}`, /"RootFS"/],
      ['"Diff_IDs" next to "diff_ids"', (c, v) => `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["${c}"],"Diff_IDs":["${v}"]}}`, /"Diff_IDs"/],
      ['"user" next to "User"', (c) => `{"architecture":"amd64","os":"linux","config":{"User":"app","user":"root"},"rootfs":{"type":"layers","diff_ids":["${c}"]}}`, /"user"/],
      ['"Healthchec\\u212a" (KELVIN SIGN) next to "Healthcheck"', (c) => `{"architecture":"amd64","os":"linux","config":{"Healthcheck":{"Test":["NONE"]},"Healthchec\\u212a":{"Test":["CMD","x"]}},"rootfs":{"type":"layers","diff_ids":["${c}"]}}`, /Healthchec\\u212a/],
      ['"diff_id\\u017f" (LONG S)', (c, v) => `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["${c}"],"diff_id\u017f":["${v}"]}}`, /diff_id\\u017f/],
      ['duplicate "rootfs"', (c, v) => `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["${c}"]},"rootfs":{"type":"layers","diff_ids":["${v}"]}}`, /duplicate key "rootfs"/],
      ['a BOM', (c) => `\ufeff{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["${c}"]}}`, /byte order mark/],
    ]
    for (const [name, build, why] of cases) {
      it(`${name}: 400 MANIFEST_INVALID naming the config`, async () => {
        const clean = `sha256:${'a'.repeat(64)}`
        const vuln = `sha256:${'b'.repeat(64)}`
        const { res, config } = await putWithConfig(build(clean, vuln))
        assertOciError(res, 400, 'MANIFEST_INVALID')
        assert.ok(reason(res).includes(config.digest), `the reason names the config: ${reason(res)}`)
        assert.match(reason(res), why)
      })
    }

    it('control: Docker-style exact keys are accepted', async () => {
      const { res } = await putWithConfig(JSON.stringify({
        architecture: 'amd64', os: 'linux', docker_version: '24.0.7', created: '2024-01-01T00:00:00Z',
        config: { User: 'app', Env: ['PATH=/usr/bin'], Cmd: ['sh'], ExposedPorts: { '80/tcp': {} }, Labels: { user: 'x', USER: 'y' } },
        container_config: { Hostname: 'abc', Cmd: ['/bin/sh', '-c', '#(nop) CMD ["sh"]'] },
        rootfs: { type: 'layers', diff_ids: [`sha256:${'c'.repeat(64)}`] },
        history: [{ created_by: 'x', empty_layer: true }],
      }))
      assertStatus(res, 201)
    })
  })
})
