/**
 * A hand-rolled client for chunked blob uploads (OCI distribution spec, "Pushing a blob in
 * chunks"), written on node:http so the crash test controls every byte: it can leave a PATCH
 * half-sent on the wire when the server is killed. Each request uses its own connection
 * (agent: false) so nothing is reused across a server restart.
 */
import { request, type IncomingHttpHeaders } from 'node:http'

export interface Reply {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** Sends one request; the response body is read as text (upload replies are tiny, capped). */
export function send(url: string, method: string, headers: Record<string, string>, body?: Buffer): Promise<Reply> {
  return new Promise((resolveReply, reject) => {
    const req = request(url, { method, headers, agent: false, timeout: 60_000 }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => {
        if (text.length < 64_000) text += d
      })
      res.on('end', () => resolveReply({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)))
    req.end(body)
  })
}

function header(reply: Reply, name: string): string {
  const v = reply.headers[name]
  const s = Array.isArray(v) ? v[0] : v
  if (s === undefined) throw new Error(`reply ${reply.status} has no ${name} header: ${reply.body}`)
  return s
}

/** Absolute URL of the upload session from a Location header (which may be relative). */
function location(base: string, reply: Reply): string {
  return new URL(header(reply, 'location'), base).toString()
}

/** POST …/blobs/uploads/ → the session URL. */
export async function startUpload(base: string, repo: string): Promise<string> {
  const reply = await send(`${base}/v2/${repo}/blobs/uploads/`, 'POST', { 'content-length': '0' })
  if (reply.status !== 202) throw new Error(`POST upload for ${repo}: ${reply.status} ${reply.body}`)
  return location(base, reply)
}

/** PATCH bytes at `offset`; returns the next session URL. Expects 202 and the new Range. */
export async function patchChunk(base: string, session: string, data: Buffer, offset: number): Promise<string> {
  const end = offset + data.length - 1
  const reply = await send(
    session,
    'PATCH',
    { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${end}`, 'content-length': String(data.length) },
    data,
  )
  if (reply.status !== 202) throw new Error(`PATCH ${offset}-${end}: ${reply.status} ${reply.body}`)
  const range = header(reply, 'range')
  if (range !== `0-${end}`) throw new Error(`PATCH ${offset}-${end} answered Range ${range}`)
  return location(base, reply)
}

/**
 * Starts a PATCH of `data` at `offset` but writes only the first `sendBytes`, then stalls, as a
 * client would when the server dies mid-chunk. `written` resolves once those bytes are handed to
 * the socket; `settled` resolves (never rejects) when the request ends in any way.
 */
export function stalledPatch(session: string, data: Buffer, offset: number, sendBytes: number): { written: Promise<void>; settled: Promise<unknown> } {
  const end = offset + data.length - 1
  const req = request(session, {
    method: 'PATCH',
    agent: false,
    headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${end}`, 'content-length': String(data.length) },
  })
  const settled = new Promise<unknown>((resolveSettled) => {
    req.on('error', resolveSettled)
    req.on('response', (res) => {
      res.resume()
      res.on('end', () => resolveSettled(res.statusCode))
    })
    req.on('close', () => resolveSettled('closed'))
  })
  const written = new Promise<void>((resolveWritten) => req.write(data.subarray(0, sendBytes), () => resolveWritten()))
  return { written, settled }
}

export type UploadStatus =
  | { readonly kind: 'resumable'; readonly session: string; readonly offset: number }
  | { readonly kind: 'unknown'; readonly code: string }

/**
 * GET the session after a crash: either 204 with `Range: 0-<last byte>` (resume at last+1), or
 * 404 with one of `cleanCodes` (default BLOB_UPLOAD_UNKNOWN). Anything else is an error.
 */
export async function uploadStatus(base: string, session: string, cleanCodes: readonly string[] = ['BLOB_UPLOAD_UNKNOWN']): Promise<UploadStatus> {
  const reply = await send(session, 'GET', {})
  if (reply.status === 404) {
    const codes = (JSON.parse(reply.body) as { errors?: { code?: string }[] }).errors?.map((e) => e.code) ?? []
    const code = codes.find((c) => c !== undefined && cleanCodes.includes(c))
    if (code === undefined) throw new Error(`upload status 404 without ${cleanCodes.join('/')}: ${reply.body}`)
    return { kind: 'unknown', code }
  }
  if (reply.status !== 204) throw new Error(`upload status answered ${reply.status}: ${reply.body}`)
  const m = /^0-(\d+)$/.exec(header(reply, 'range'))
  if (!m?.[1]) throw new Error(`upload status has a malformed Range: ${header(reply, 'range')}`)
  // "0-0" is ambiguous (nothing or one byte) in the spec's format; treat it as nothing received.
  const last = Number(m[1])
  const next = reply.headers['location'] === undefined ? session : location(base, reply)
  return { kind: 'resumable', session: next, offset: last === 0 ? 0 : last + 1 }
}

/** PUT ?digest= with no body; returns the reply (201 expected by callers). */
export async function finishUpload(session: string, digest: string): Promise<Reply> {
  const url = new URL(session)
  url.searchParams.set('digest', digest)
  return send(url.toString(), 'PUT', { 'content-length': '0' })
}
