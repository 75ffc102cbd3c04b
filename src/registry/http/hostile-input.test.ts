/** Hostile and malformed requests: every one must get a 4xx with the error envelope, never a 500. */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { digestOf } from '../../oci/digest.ts'
import { pushBlob, startFixture, type RegistryFixture } from '../testing/registry-fixture.ts'
import { DEFAULT_CONFIG } from '../config/config.ts'

type Req = { method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; headers?: Record<string, string>; payload?: string | Buffer }

describe('hostile input never causes a server error', () => {
  let fx: RegistryFixture
  let upload: string
  let blob: string
  before(async () => {
    fx = await startFixture({ limits: { ...DEFAULT_CONFIG.limits, maxManifestBytes: 1024 } })
    blob = await pushBlob(fx.app, 'h/repo', 'payload')
    const res = await fx.app.inject({ method: 'POST', url: '/v2/h/repo/blobs/uploads/' })
    upload = String(res.headers['location'])
  })
  after(() => fx.close())

  it('answers 4xx with an envelope for each malformed request', async () => {
    const long = 'a'.repeat(300)
    const cases: Req[] = [
      { method: 'GET', url: `/v2/${long}/tags/list` },
      { method: 'GET', url: `/v2/h/repo/manifests/${'t'.repeat(200)}` },
      { method: 'GET', url: '/v2/h/repo/manifests/sha256:' },
      { method: 'GET', url: '/v2/h/repo/blobs/sha256:../../etc/passwd' },
      { method: 'GET', url: `/v2/h/repo/blobs/${blob}`, headers: { range: 'bytes=999999999999999999999-' } },
      { method: 'GET', url: `/v2/h/repo/blobs/${blob}`, headers: { range: 'bytes=5-1' } },
      { method: 'GET', url: '/v2/h/repo/tags/list?n=99999999999999999999' },
      { method: 'GET', url: '/v2/h/repo/tags/list?n=1e3' },
      { method: 'GET', url: '/v2/_catalog?n=abc' },
      { method: 'GET', url: '/v2/h/repo/referrers/not-a-digest' },
      { method: 'POST', url: '/v2/h/repo/blobs/uploads/?digest=sha256:zz', payload: 'x' },
      { method: 'POST', url: '/v2/h/repo/blobs/uploads/?digest=md5:00', payload: 'x' },
      { method: 'PATCH', url: '/v2/h/repo/blobs/uploads/..', payload: 'x' },
      { method: 'PATCH', url: '/v2/h/repo/blobs/uploads/%2e%2e%2f%2e%2e', payload: 'x' },
      { method: 'PATCH', url: upload, payload: 'abc', headers: { 'content-range': '0-99999999999999999' } },
      { method: 'PATCH', url: upload, payload: 'abc', headers: { 'content-range': '0-1' } },
      { method: 'PUT', url: `${upload}?digest=`, payload: 'x' },
      { method: 'PUT', url: `${upload}?digest=${digestOf('nope')}`, headers: { 'content-range': '99-100' }, payload: 'xx' },
      { method: 'PUT', url: '/v2/h/repo/manifests/v1', payload: Buffer.alloc(5000, 'x') },
      { method: 'PUT', url: '/v2/h/repo/manifests/v1', payload: '[]', headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } },
      { method: 'PUT', url: '/v2/h/repo/manifests/v1', payload: '{"schemaVersion":2,"mediaType":"text/html"}' },
      { method: 'PUT', url: '/v2/h/repo/manifests/v1', payload: '{"schemaVersion":2,"config":{"digest":"x"},"layers":[]}' },
      { method: 'PUT', url: '/v2/h/repo/manifests/v1', payload: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'a/b', digest: blob, size: -1 }] }) },
      { method: 'PUT', url: '/v2/h/repo/manifests/v1', payload: '{"__proto__":{"x":1},"schemaVersion":2}' },
      { method: 'DELETE', url: '/v2/h/repo/manifests/sha256:abc' },
      { method: 'DELETE', url: '/v2/h/repo/blobs/uploads/' },
      { method: 'PATCH', url: '/v2/h/repo/manifests/v1', payload: 'x' },
    ]
    for (const c of cases) {
      const res = await fx.app.inject(c)
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${c.method} ${c.url.slice(0, 80)} answered ${res.statusCode}: ${res.body.slice(0, 200)}`)
      if (c.method !== 'HEAD') {
        const body = JSON.parse(res.body) as { errors?: Array<{ code: string }> }
        assert.ok(body.errors?.[0]?.code, `${c.method} ${c.url.slice(0, 80)} has an error code`)
      }
    }
  })
})
