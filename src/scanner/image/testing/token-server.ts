// A token issuer for the reference registry's `auth: token` mode, for tests. No real token
// server (docker_auth, Harbor core, ...) is packaged for this machine, so the test issues JWTs
// itself; the registry that verifies them is the real one. Keys: an RSA key and self-signed
// certificate made with the openssl CLI; tokens carry the certificate in `x5c`, which
// distribution verifies against its rootcertbundle.
import { createSign, X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { run } from './layer-fixtures.ts'

export interface TokenServer {
  readonly realm: string
  readonly certPath: string
  readonly service: string
  readonly issuer: string
  /** Requests seen, for assertions (scope and whether credentials were sent). */
  readonly requests: { scope: string; user: string | undefined }[]
  stop(): Promise<void>
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url')

export async function startTokenServer(dir: string, user: string, password: string): Promise<TokenServer> {
  const keyPath = join(dir, 'token.key')
  const certPath = join(dir, 'token.crt')
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=drydock-test-token-issuer'])
  const key = await readFile(keyPath, 'utf8')
  const certDer = new X509Certificate(await readFile(certPath)).raw
  const service = 'drydock-test-registry'
  const issuer = 'drydock-test-issuer'
  const requests: { scope: string; user: string | undefined }[] = []

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const scopes = url.searchParams.getAll('scope')
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const [u, p] = basic ? Buffer.from(basic, 'base64').toString().split(':') : []
    requests.push({ scope: scopes.join(' '), user: u })
    if (u !== user || p !== password) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}')
      return
    }
    const access = scopes.flatMap((s) => {
      const [type, name, actions] = s.split(':')
      return type && name && actions ? [{ type, name, actions: actions.split(',') }] : []
    })
    const now = Math.floor(Date.now() / 1000)
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer.toString('base64')] }
    const claims = { iss: issuer, sub: user, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: `${now}-${requests.length}`, access }
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`
    const signature = createSign('RSA-SHA256').update(input).sign(key)
    const token = `${input}.${b64url(signature)}`
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300 }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return {
    realm: `http://127.0.0.1:${port}/token`,
    certPath,
    service,
    issuer,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
