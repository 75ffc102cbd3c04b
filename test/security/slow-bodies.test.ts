// Issue #12, hole 6: request bodies trickled one byte at a time must not hold connections (and
// file descriptors) for ever, and one address must not open unbounded connections. Small bodies
// (token form, manifests, API JSON) have a total deadline, set short here; connections per
// client address are capped. Attacks through raw sockets against a real `drydock serve`.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Socket } from 'node:net'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'
import { connectFrom, errorCode, requestFrom } from './client-address.ts'

const ADMIN = { user: 'root', password: 'slow-bodies-admin-password-1' }
const env = { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password }
const basic = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Trickle {
  /** The first response, if any arrived before the socket closed. */
  readonly response?: { status: number; body: string }
  /** Whether the server closed the connection before the whole body was sent. */
  readonly cutShort: boolean
}

/**
 * Sends `head` (request line and headers, declaring `bodyLength`), then the body one byte every
 * `everyMs`, until the server closes the connection or the body is complete.
 */
async function trickle(socket: Socket, head: string, bodyLength: number, everyMs: number): Promise<Trickle> {
  let received = ''
  let closed = false
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')))
  socket.on('close', () => (closed = true))
  socket.on('error', () => (closed = true))
  socket.write(head)
  let sent = 0
  while (!closed && sent < bodyLength) {
    await sleep(everyMs)
    if (!closed) socket.write('a')
    sent++
  }
  const cutShort = closed
  // Give a late response (after the last byte) a moment to arrive, then hang up.
  for (let i = 0; i < 50 && !closed && !/\r\n\r\n/.test(received); i++) await sleep(100)
  socket.destroy()
  const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(received)
  return { cutShort, ...(m ? { response: { status: Number(m[1]), body: m[3] ?? '' } } : {}) }
}

/** Raw HTTP/1.1 request head with a declared body length. */
const head = (method: string, path: string, port: number, length: number, headers: Record<string, string> = {}) =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${length}\r\n` +
  Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n'

describe('slow request bodies (real HTTP)', { timeout: 120_000 }, () => {
  let server: RunningDrydock
  before(async () => {
    server = await startDrydock({ args: ['--auth', 'on', '--body-timeout', '2s'], env })
  })
  after(async () => server.stop())

  it('cuts a POST /token body trickled past the deadline with 408, and /healthz keeps answering', async () => {
    const sockets = await Promise.all(Array.from({ length: 10 }, () => connectFrom('127.0.0.1', server.port)))
    const runs = sockets.map((s) =>
      trickle(s, head('POST', '/token', server.port, 120, { 'Content-Type': 'application/x-www-form-urlencoded' }), 120, 200))
    // While the attack runs, other clients are served.
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200)
    const results = await Promise.all(runs)
    for (const r of results) {
      assert.equal(r.response?.status, 408, `expected 408, got ${JSON.stringify(r.response)}`)
      assert.equal(errorCode(r.response.body), 'UNSUPPORTED')
      assert.ok(r.cutShort, 'the connection stayed open until the whole body was sent')
    }
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200)
    const ok = await fetch(`${server.url}/token?service=drydock`, { headers: { authorization: basic } })
    assert.equal(ok.status, 200)
  })

  it('cuts a trickled manifest PUT with 408', async () => {
    const t = await fetch(`${server.url}/token?service=drydock&scope=repository:slow/app:push,pull`, { headers: { authorization: basic } })
    const token = ((await t.json()) as { token: string }).token
    const socket = await connectFrom('127.0.0.1', server.port)
    const r = await trickle(socket, head('PUT', '/v2/slow/app/manifests/v1', server.port, 200, {
      'Content-Type': 'application/vnd.oci.image.manifest.v1+json', Authorization: `Bearer ${token}`,
    }), 200, 200)
    assert.equal(r.response?.status, 408, JSON.stringify(r.response))
    assert.ok(r.cutShort)
  })

  it('hangs up on a body nobody reads (refused before the body) once the deadline passes', async () => {
    const socket = await connectFrom('127.0.0.1', server.port)
    const r = await trickle(socket, head('PUT', '/v2/slow/app/manifests/v2', server.port, 200, {
      'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
    }), 200, 200)
    assert.equal(r.response?.status, 401)
    assert.ok(r.cutShort, 'the connection stayed open while the unread body trickled in')
  })
})

describe('connections per client address (real HTTP)', { timeout: 60_000 }, () => {
  const LIMIT = 4
  let server: RunningDrydock
  before(async () => {
    server = await startDrydock({ args: ['--auth', 'on', '--max-connections-per-address', String(LIMIT)], env })
  })
  after(async () => server.stop())

  /** Opens a keep-alive connection from `from` and asks /healthz; the status, or 0 when refused. */
  async function openAndProbe(from: string, held: Socket[]): Promise<number> {
    let socket: Socket
    try {
      socket = await connectFrom(from, server.port)
    } catch {
      return 0
    }
    held.push(socket)
    return new Promise((resolve) => {
      let text = ''
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1')
        const m = /^HTTP\/1\.1 (\d{3})/.exec(text)
        if (m && text.includes('\r\n\r\n')) resolve(Number(m[1]))
      })
      socket.on('close', () => resolve(/^HTTP\/1\.1 (\d{3})/.exec(text) ? Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]) : 0))
      socket.on('error', () => undefined)
      socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`)
    })
  }

  it('refuses connections beyond the per-address limit while another address still gets in', async () => {
    const held: Socket[] = []
    try {
      const statuses: number[] = []
      for (let i = 0; i < LIMIT + 3; i++) statuses.push(await openAndProbe('127.0.0.1', held))
      const accepted = statuses.filter((s) => s === 200).length
      // Start-up health checks may still hold an idle connection, so up to LIMIT were accepted.
      assert.ok(accepted >= 1 && accepted <= LIMIT, `accepted ${accepted} connections from one address: ${statuses.join(',')}`)
      assert.ok(statuses.slice(LIMIT).every((s) => s !== 200), `over the limit: ${statuses.join(',')}`)
      const refused = statuses.find((s) => s !== 200)
      assert.ok(refused === 0 || refused === 503, `a refusal is a 503 or a closed connection, got ${refused}`)
      const other = await requestFrom('127.0.0.2', `${server.url}/healthz`)
      assert.equal(other.status, 200, 'another address is not affected')
    } finally {
      for (const s of held) s.destroy()
    }
    // Once the connections are closed, the address gets in again.
    let status = 0
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await requestFrom('127.0.0.1', `${server.url}/healthz`).then((r) => r.status, () => 0)
      if (status !== 200) await sleep(100)
    }
    assert.equal(status, 200)
  })
})

describe('slow blob upload bodies (real HTTP)', { timeout: 120_000 }, () => {
  let server: RunningDrydock
  let token: string
  before(async () => {
    server = await startDrydock({ args: ['--auth', 'on', '--upload-stall-timeout', '1s', '--upload-min-progress', '1KiB'], env })
    const t = await fetch(`${server.url}/token?service=drydock&scope=repository:slow/blob:push,pull`, { headers: { authorization: basic } })
    token = ((await t.json()) as { token: string }).token
  })
  after(async () => server.stop())

  async function openUpload(): Promise<string> {
    const res = await fetch(`${server.url}/v2/slow/blob/blobs/uploads/`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    assert.equal(res.status, 202)
    return new URL(res.headers.get('location') ?? '', server.url).pathname + new URL(res.headers.get('location') ?? '', server.url).search
  }

  it('cuts an upload PATCH that trickles below the minimum progress', async () => {
    const path = await openUpload()
    const socket = await connectFrom('127.0.0.1', server.port)
    const r = await trickle(socket, head('PATCH', path, server.port, 200, {
      'Content-Type': 'application/octet-stream', Authorization: `Bearer ${token}`,
    }), 200, 200)
    assert.ok(r.cutShort, `the trickling upload was not cut: ${JSON.stringify(r.response)}`)
  })

  it('lets a slow but steady upload finish', async () => {
    const path = await openUpload()
    const socket = await connectFrom('127.0.0.1', server.port)
    // 48 KiB at 4 KiB every 100 ms: several progress windows, each well above the minimum.
    const chunk = Buffer.alloc(4096, 0x61)
    let received = ''
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')))
    const closed = new Promise<void>((r) => socket.once('close', () => r()))
    socket.write(head('PATCH', path, server.port, 12 * chunk.length, { 'Content-Type': 'application/octet-stream', Authorization: `Bearer ${token}` }))
    for (let i = 0; i < 12 && !socket.destroyed; i++) {
      await sleep(100)
      socket.write(chunk)
    }
    for (let i = 0; i < 100 && !/\r\n\r\n/.test(received) && !socket.destroyed; i++) await sleep(50)
    socket.destroy()
    await closed
    assert.match(received, /^HTTP\/1\.1 202 /, received.slice(0, 300))
  })
})
