/**
 * One HTTP attempt of a delivery: POST the body to the URL, through the destination guard, with
 * one deadline for the whole attempt (connect, send, answer) and at most 1 KiB of the answer's
 * body read (kept for the delivery log; the rest is never read). A 2xx answer is a success;
 * redirects are not followed (a 3xx is a failure, like any other status).
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import type { DestinationGuard } from './destination-guard.ts'

export const MAX_RESPONSE_BYTES = 1024

export interface SendRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
  readonly timeoutMs: number
}

export interface SendResult {
  readonly ok: boolean
  readonly statusCode?: number
  /** The first 1 KiB of the answer's body, as text. */
  readonly responseBody?: string
  readonly error?: string
}

function readHead(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (): void => {
      res.removeAllListeners('data')
      resolve(Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8'))
    }
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      if (size >= MAX_RESPONSE_BYTES) {
        done()
        res.destroy()
      }
    })
    res.once('end', done)
    res.once('error', done)
    res.once('close', done)
  })
}

export async function sendWebhook(req: SendRequest, guard: DestinationGuard): Promise<SendResult> {
  let url: URL
  try {
    url = new URL(req.url)
  } catch {
    return { ok: false, error: 'invalid URL' }
  }
  const deadline = AbortSignal.timeout(req.timeoutMs)
  let target: { address: string; family: 4 | 6 }
  try {
    target = await guard.resolve(url.hostname)
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
  // The connection goes to the address the guard checked, whatever DNS would say now.
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target])
    else callback(null, target.address, target.family)
  }
  const options: RequestOptions = {
    method: 'POST', lookup, signal: deadline, agent: false,
    headers: { ...req.headers, 'Content-Length': String(req.body.length), 'User-Agent': 'drydock-webhooks/1' },
  }
  const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined
  if (send === undefined) return { ok: false, error: `unsupported scheme ${url.protocol}` }
  return new Promise<SendResult>((resolve) => {
    const r = send(url, options, (res) => {
      void readHead(res).then((text) => {
        const statusCode = res.statusCode ?? 0
        resolve({ ok: statusCode >= 200 && statusCode < 300, statusCode, responseBody: text })
      })
    })
    r.once('error', (err: NodeJS.ErrnoException) => {
      resolve({ ok: false, error: deadline.aborted ? `no answer within ${req.timeoutMs} ms` : `${err.code ?? 'error'}: ${err.message}`.slice(0, 300) })
    })
    r.end(req.body)
  })
}
