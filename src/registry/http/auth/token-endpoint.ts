/**
 * The token endpoint of the distribution token flow:
 *  - GET  /token?service=…&scope=…[&scope=…]  with optional Basic credentials (docker, podman,
 *    skopeo, buildah); without credentials the token is anonymous (public pulls only);
 *  - POST /token  form `grant_type=password&username=…&password=…&service=…&scope=…` (OAuth2,
 *    tried first by containerd).
 * The answer `{token, access_token, expires_in, issued_at}` carries exactly the granted actions.
 * Refresh tokens are not issued (clients keep the credentials and log in again).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { ANONYMOUS, type Principal } from '../../auth/principal.ts'
import { parseScopes } from '../../auth/scope.ts'
import { assertBasicAllowed, clientAddress, readAuthorization } from './credentials.ts'
import { readSmallBody } from './read-small-body.ts'

function checkService(auth: AuthService, service: string | null): void {
  if (service !== null && service !== auth.config.service) {
    throw new RegistryError('DENIED', `unknown service '${service.slice(0, 100)}'`, { status: 400 })
  }
}

async function respond(auth: AuthService, reply: FastifyReply, p: Principal, scopes: readonly string[]): Promise<FastifyReply> {
  const t = await auth.issueToken(p, parseScopes(scopes))
  return reply
    .code(200)
    .header('Cache-Control', 'no-store')
    .header('Content-Type', 'application/json; charset=utf-8')
    .send(JSON.stringify({ token: t.token, access_token: t.token, expires_in: t.expiresIn, issued_at: t.issuedAt }))
}

export function registerTokenEndpoint(app: FastifyInstance, auth: AuthService): void {
  const enabled = (): void => {
    if (!auth.enabled) throw new RegistryError('UNSUPPORTED', 'authentication is disabled on this registry', { status: 404 })
  }

  app.get('/token', async (request: FastifyRequest, reply: FastifyReply) => {
    enabled()
    const url = request.raw.url ?? ''
    const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '')
    checkService(auth, query.get('service'))
    const creds = readAuthorization(request)
    if (creds?.scheme === 'bearer') throw new RegistryError('UNAUTHORIZED', 'the token endpoint takes Basic credentials')
    let principal = ANONYMOUS
    if (creds) {
      assertBasicAllowed(request, auth.config.allowInsecureBasic)
      principal = await auth.login(creds.username, creds.secret, { address: clientAddress(request), via: 'token' })
    }
    return respond(auth, reply, principal, query.getAll('scope'))
  })

  app.post('/token', async (request: FastifyRequest, reply: FastifyReply) => {
    enabled()
    const form = new URLSearchParams(await readSmallBody(request, 16 * 1024))
    checkService(auth, form.get('service'))
    const grant = form.get('grant_type')
    if (grant !== 'password') {
      throw new RegistryError('UNSUPPORTED', `unsupported grant_type '${(grant ?? '').slice(0, 40)}'`, { status: 400 })
    }
    assertBasicAllowed(request, auth.config.allowInsecureBasic)
    const principal = await auth.login(form.get('username') ?? '', form.get('password') ?? '', { address: clientAddress(request), via: 'token' })
    return respond(auth, reply, principal, form.getAll('scope'))
  })
}
