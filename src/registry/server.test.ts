/**
 * The `serve` runtime in process: TLS with a certificate made by the real openssl binary, and
 * graceful shutdown letting an in-flight upload finish.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { DEFAULT_CONFIG, type RegistryConfig } from './config/config.ts'
import { startServer } from './server.ts'
import { makeSelfSignedCert } from '../testkit/self-signed-cert.ts'

function config(dataDir: string, extra: Partial<RegistryConfig['server']> = {}): RegistryConfig {
  return {
    ...DEFAULT_CONFIG,
    server: { ...DEFAULT_CONFIG.server, listen: '127.0.0.1:0', ...extra },
    storage: { dataDir },
    log: { level: 'silent' },
  }
}

function tlsRequest(url: URL, method: string, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = body ? { 'content-type': 'application/octet-stream', 'content-length': String(body.length) } : {}
    const req = httpsRequest(url, { method, headers, rejectUnauthorized: false }, (r) => {
      const parts: Buffer[] = []
      r.on('data', (c: Buffer) => parts.push(c))
      r.on('end', () => resolve({ status: r.statusCode ?? 0, body: Buffer.concat(parts) }))
      r.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe('registry server runtime', () => {
  it('serves HTTPS with HSTS when given a certificate and key, blobs intact both ways', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-tls-'))
    const server = await startServer(config(join(dir, 'data'), { tls: makeSelfSignedCert(dir) }))
    try {
      const url = new URL('/v2/', server.url)
      assert.equal(url.protocol, 'https:')
      const res = await new Promise<{ status: number; hsts: string | undefined }>((resolve, reject) => {
        httpsRequest(url, { rejectUnauthorized: false }, (r) => {
          r.resume()
          resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] })
        }).on('error', reject).end()
      })
      assert.equal(res.status, 200)
      assert.match(res.hsts ?? '', /max-age=\d+/)

      // A multi-MiB blob over TLS: pushed in one request, pulled back byte for byte (blob
      // bodies go to TLS sockets through reused buffers, storage/filesystem/file-body.ts).
      const blob = randomBytes(3 * 1024 * 1024 + 5)
      const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`
      const put = await tlsRequest(new URL(`/v2/t/blobs/uploads/?digest=${digest}`, server.url), 'POST', blob)
      assert.equal(put.status, 201)
      const got = await tlsRequest(new URL(`/v2/t/blobs/${digest}`, server.url), 'GET')
      assert.equal(got.status, 200)
      assert.equal(got.body.length, blob.length)
      assert.ok(got.body.equals(blob), 'the pulled bytes are the pushed bytes')
    } finally {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('lets an in-flight upload finish during graceful shutdown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-shutdown-'))
    const server = await startServer(config(dir))
    try {
      const start = await fetch(new URL('/v2/g/blobs/uploads/', server.url), { method: 'POST' })
      const loc = new URL(start.headers.get('location') ?? '', server.url)
      const status = new Promise<number>((resolve, reject) => {
        const req = httpRequest(loc, { method: 'PATCH', headers: { 'content-length': '8' } }, (r) => {
          r.resume()
          resolve(r.statusCode ?? 0)
        })
        req.on('error', reject)
        req.write('half')
        // Once the server is inside the handler, start the shutdown, then send the rest.
        setTimeout(() => {
          server.close().catch(reject)
          setTimeout(() => req.end('done'), 200)
        }, 300)
      })
      assert.equal(await status, 202)
      await server.close()
      await assert.rejects(fetch(new URL('/healthz', server.url)), 'no longer listening')
    } finally {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps Node\'s cut for slow request headers (issue #12: slow headers must not hold sockets)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drydock-timeouts-'))
    const server = await startServer(config(dir))
    try {
      // Bodies have their own deadlines (http/body-deadlines.ts); headers rely on Node's, which
      // a Fastify or Node option could silently turn off (0).
      const t = server.app.server
      assert.ok(t.headersTimeout > 0 && t.headersTimeout <= 60_000, `headersTimeout ${t.headersTimeout}`)
    } finally {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
