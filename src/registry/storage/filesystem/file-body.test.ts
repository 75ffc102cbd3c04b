/**
 * FileBody: a file range as a plain stream (fresh chunks), and through the ring of reused
 * buffers when piped into an HTTP response on a real socket (plain TCP and TLS, with a client
 * that reads slowly, so the socket's queue is full while buffers come back for reuse).
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { makeSelfSignedCert } from '../../../testkit/self-signed-cert.ts'
import { FileBody, FileShorterThanExpectedError } from './file-body.ts'

const CHUNK = 64 * 1024

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex')
}

describe('FileBody', () => {
  let dir = ''
  let path = ''
  let data = Buffer.alloc(0)
  let tls: { cert: Buffer; key: Buffer } | undefined

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drydock-file-body-'))
    path = join(dir, 'blob')
    data = randomBytes(5 * 1024 * 1024 + 123)
    await writeFile(path, data)
    const { certFile, keyFile } = makeSelfSignedCert(dir)
    tls = { cert: await readFile(certFile), key: await readFile(keyFile) }
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function body(start: number, length: number): Promise<FileBody> {
    return new FileBody(await open(path, 'r'), start, length, { chunkBytes: CHUNK })
  }

  /** Serves bytes [start, start + length) as one new FileBody per request; `made` gets each body. */
  async function serve(transport: 'http' | 'https', start: number, length: number, made: FileBody[]) {
    const handler = (_req: IncomingMessage, res: ServerResponse): void => {
      void body(start, length).then((b) => {
        made.push(b)
        res.setHeader('content-length', String(length))
        // A client that goes away mid-transfer (what one test provokes) fails the socket write,
        // and the body may be destroyed with that error: expected here, never uncaught.
        res.on('error', () => {})
        b.on('error', () => {})
        b.pipe(res)
      })
    }
    const server = transport === 'http' ? createHttpServer(handler) : createHttpsServer({ ...tls }, handler)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const port = (server.address() as AddressInfo).port
    return { url: `${transport}://127.0.0.1:${port}/`, close: () => new Promise<void>((r) => server.close(() => r())) }
  }

  /** GETs `url`, reading slowly (a pause after every 256 KiB), and resolves to what arrived. */
  function slowGet(url: string): Promise<Buffer> {
    const request = url.startsWith('https') ? httpsRequest : httpRequest
    return new Promise((resolve, reject) => {
      request(url, { rejectUnauthorized: false }, (res) => {
        const parts: Buffer[] = []
        let sincePause = 0
        res.on('data', (c: Buffer) => {
          parts.push(c)
          sincePause += c.length
          if (sincePause >= 256 * 1024) {
            sincePause = 0
            res.pause()
            setTimeout(() => res.resume(), 5)
          }
        })
        res.on('end', () => resolve(Buffer.concat(parts)))
        res.on('error', reject)
      }).on('error', reject).end()
    })
  }

  it('reads a range as fresh chunks that the consumer may keep', async () => {
    const start = 1000
    const length = 3 * CHUNK + 17
    const chunks: Buffer[] = []
    for await (const c of await body(start, length)) chunks.push(c as Buffer)
    assert.ok(chunks.length >= 4, `read in ${chunks.length} chunks`)
    assert.equal(new Set(chunks.map((c) => c.buffer)).size, chunks.length, 'no two chunks share memory')
    assert.deepEqual(Buffer.concat(chunks), data.subarray(start, start + length))
  })

  it('ends at once for an empty range and closes the file', async () => {
    const fh = await open(path, 'r')
    const b = new FileBody(fh, 10, 0)
    const got: Buffer[] = []
    for await (const c of b) got.push(c as Buffer)
    assert.equal(got.length, 0)
    assert.equal(fh.fd, -1, 'file handle closed')
  })

  it('closes the file when destroyed before the end', async () => {
    const fh = await open(path, 'r')
    const b = new FileBody(fh, 0, data.length, { chunkBytes: CHUNK })
    for await (const _ of b) break
    // Leaving the loop early destroys the stream (with an AbortError); wait for its 'close'.
    if (!b.closed) await new Promise((resolve) => b.once('close', resolve))
    assert.equal(fh.fd, -1)
  })

  it('fails when the file is shorter than the range it was asked for', async () => {
    const b = await body(data.length - 10, 100)
    await assert.rejects(async () => {
      for await (const _ of b) {
        // drain
      }
    }, FileShorterThanExpectedError)
  })

  it('pipes into anything that is not a socket response as a plain stream', async () => {
    const b = await body(5, 2 * CHUNK)
    const sink = new PassThrough()
    const parts: Buffer[] = []
    sink.on('data', (c: Buffer) => parts.push(c))
    b.pipe(sink)
    await once(sink, 'end')
    assert.equal(b.usesRing, false)
    assert.deepEqual(Buffer.concat(parts), data.subarray(5, 5 + 2 * CHUNK))
  })

  for (const transport of ['http', 'https'] as const) {
    it(`sends a range through the ring into an ${transport} response, intact for a slow reader`, async () => {
      const made: FileBody[] = []
      const start = 777
      const length = data.length - 777 - 5
      const server = await serve(transport, start, length, made)
      try {
        const got = await slowGet(server.url)
        assert.equal(made[0]?.usesRing, true, 'the ring was used')
        assert.equal(got.length, length)
        assert.equal(sha256(got), sha256(data.subarray(start, start + length)))
        // A second request on a new body: the ring's buffers are per response.
        const again = await slowGet(server.url)
        assert.equal(sha256(again), sha256(data.subarray(start, start + length)))
      } finally {
        await server.close()
      }
    })
  }

  it('stops reading and closes the file when the client goes away mid-transfer', async () => {
    const made: FileBody[] = []
    const server = await serve('http', 0, data.length, made)
    try {
      await new Promise<void>((resolve, reject) => {
        httpRequest(server.url, (res) => {
          let got = 0
          res.on('data', (c: Buffer) => {
            got += c.length
            if (got >= 512 * 1024) {
              res.destroy()
              resolve()
            }
          })
        }).on('error', reject).end()
      })
      const b = made[0]
      assert.ok(b)
      // Not events.once: it would reject on the (expected) socket error the body may carry.
      if (!b.destroyed) await new Promise((resolve) => b.once('close', resolve))
      assert.equal(b.destroyed, true)
    } finally {
      await server.close()
    }
  })
})
