/**
 * A real HTTP receiver for the webhook tests: records every request (path, headers, exact body
 * bytes), answers with a status chosen per path (a function of how many requests that path has
 * had, so "fail twice, then recover" needs no timing), and lets a test wait for a condition on
 * what arrived without sleeping: every request wakes the waiters.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

export interface Receiver {
  /** `http://127.0.0.1:PORT/path` */
  url(path: string): string
  readonly requests: Received[]
  on(path: string): Received[]
  /** The status answered to the n-th request (0-based) of `path`; 204 when unset. */
  answer(path: string, status: (n: number) => number): void
  /** Resolves once `done(requests)` holds; rejects after `timeoutMs` with what arrived. */
  waitFor(done: (requests: readonly Received[]) => boolean, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = []
  const answers = new Map<string, (n: number) => number>()
  const waiters = new Set<() => void>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = req.url ?? '/'
      const n = requests.filter((r) => r.path === path).length
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks) })
      const status = answers.get(path)?.(n) ?? 204
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status >= 400 ? `receiver says no (${status})` : '')
      for (const w of [...waiters]) w()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    on: (path) => requests.filter((r) => r.path === path),
    answer: (path, status) => answers.set(path, status),
    waitFor: (done, timeoutMs = 60_000) => new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!done(requests)) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve()
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`receiver: condition not met within ${timeoutMs} ms; got ${requests.map((r) => `${r.path} ${r.headers['x-drydock-event']}`).join(', ')}`))
      }, timeoutMs)
      waiters.add(check)
      check()
    }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
