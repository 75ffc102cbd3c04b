/**
 * Raw HTTP from a chosen loopback address (127.0.0.2 …): Linux routes all of 127.0.0.0/8 to the
 * loopback interface, so a test can be "another client" without a proxy header the server does
 * not trust. Used by the login throttling and connection limit attacks.
 */
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'

export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly text: string
}

/** One request to `url` sent from `localAddress`; a fresh connection each time. */
export function requestFrom(
  localAddress: string, url: string,
  opts: { readonly method?: string; readonly headers?: Readonly<Record<string, string>>; readonly body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {}, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** A TCP connection from `localAddress` to `port` on 127.0.0.1, once established. */
export function connectFrom(localAddress: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, localAddress })
    s.once('connect', () => resolve(s))
    s.once('error', reject)
  })
}

/** The OCI error code of an error response (`''` when the body is not the error envelope). */
export function errorCode(text: string): string {
  try {
    return (JSON.parse(text) as { errors?: Array<{ code?: string }> }).errors?.[0]?.code ?? ''
  } catch {
    return ''
  }
}
