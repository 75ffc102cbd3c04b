/**
 * The token endpoint of the distribution token flow:
 *  - GET  /token?service=…&scope=…[&scope=…]  with optional Basic credentials (docker, podman,
 *    skopeo, buildah); without credentials the token is anonymous (public pulls only);
 *  - POST /token  OAuth2 form (distribution docs/spec/auth/oauth.md, tried first by containerd):
 *    `grant_type=password&username=…&password=…&service=…&client_id=…&scope=…`, plus
 *    `access_type=offline` to also receive a `refresh_token` (client_id then required);
 *    `grant_type=refresh_token&refresh_token=…&client_id=…&scope=…` exchanges one for a token
 *    with the requested scope, re-checked against the owner's current rights (refresh-tokens.ts).
 * GET with credentials and `offline_token=true&client_id=…` (what `docker login` sends) also
 * returns a `refresh_token`.
 * The answer `{token, access_token, expires_in, issued_at}` carries exactly the granted actions;
 * the POST answer adds `scope` (the granted scopes, space-separated) and, when asked for or
 * exchanged, `refresh_token` (the same one on a refresh: tokens are not rotated).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import type { AuthService } from '../../auth/auth-service.ts'
import { ANONYMOUS, principalName, type Principal } from '../../auth/principal.ts'
import { validClientId } from '../../auth/refresh-tokens.ts'
import type { AccessEntry } from '../../auth/registry-jwt.ts'
import { formatScope, parseScopes } from '../../auth/scope.ts'
import { assertBasicAllowed, clientAddress, readAuthorization } from './credentials.ts'
import { readSmallBody } from './read-small-body.ts'

function checkService(auth: AuthService, service: string | null): void {
  if (service !== null && service !== auth.config.service) {
    throw new RegistryError('DENIED', `unknown service '${service.slice(0, 100)}'`, { status: 400 })
  }
}

/** The OAuth2 `scope` answer: what was granted, space-separated (empty grants left out). */
function grantedScope(access: readonly AccessEntry[]): string {
  return access
    .filter((a) => a.actions.length > 0)
    .map((a) => (a.type === 'repository' ? formatScope(a.name, a.actions) : `${a.type}:${a.name}:${a.actions.join(',')}`))
    .join(' ')
}

interface OAuthExtras {
  readonly refreshToken?: string | undefined
}

async function issueRefresh(auth: AuthService, p: Principal, clientId: string, address: string): Promise<string> {
  const refresh = await auth.refreshTokens.issue(p, clientId)
  await auth.audit({ actor: principalName(p), action: 'token.create', address, detail: { id: refresh.id, kind: 'refresh', clientId } })
  return refresh.value
}

/** `oauth` adds refresh_token; `withScope` the OAuth2 `scope` field (POST answers). */
async function respond(
  auth: AuthService, reply: FastifyReply, p: Principal, scopes: readonly string[], oauth?: OAuthExtras, withScope = true,
): Promise<FastifyReply> {
  const t = await auth.issueToken(p, parseScopes(scopes))
  const body: Record<string, unknown> = { token: t.token, access_token: t.token, expires_in: t.expiresIn, issued_at: t.issuedAt }
  if (oauth) {
    if (withScope) body['scope'] = grantedScope(t.access)
    if (oauth.refreshToken !== undefined) body['refresh_token'] = oauth.refreshToken
  }
  return reply
    .code(200)
    .header('Cache-Control', 'no-store')
    .header('Content-Type', 'application/json; charset=utf-8')
    .send(JSON.stringify(body))
}

function requireClientId(form: URLSearchParams): string {
  const id = form.get('client_id')
  if (!validClientId(id)) throw new RegistryError('UNSUPPORTED', 'client_id is required (printable ASCII, at most 128 characters)', { status: 400 })
  return id
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
    // `docker login` asks here for offline access (`offline_token=true&client_id=docker`), then
    // refreshes over POST. Without a client_id there is nothing to bind the token to: none is issued.
    const clientId = query.get('client_id')
    if (principal.kind !== 'anonymous' && query.get('offline_token') === 'true' && validClientId(clientId)) {
      return respond(auth, reply, principal, query.getAll('scope'), { refreshToken: await issueRefresh(auth, principal, clientId, clientAddress(request)) }, false)
    }
    return respond(auth, reply, principal, query.getAll('scope'))
  })

  app.post('/token', async (request: FastifyRequest, reply: FastifyReply) => {
    enabled()
    const form = new URLSearchParams(await readSmallBody(request, 16 * 1024))
    checkService(auth, form.get('service'))
    const grant = form.get('grant_type')
    const ctx = { address: clientAddress(request), via: 'token' }
    if (grant === 'refresh_token') {
      const clientId = requireClientId(form)
      // A refresh token is a credential too: the same rule as Basic over plain HTTP.
      assertBasicAllowed(request, auth.config.allowInsecureBasic)
      const value = form.get('refresh_token') ?? ''
      const principal = await auth.refresh(value, clientId, ctx)
      return respond(auth, reply, principal, form.getAll('scope'), { refreshToken: value })
    }
    if (grant !== 'password') {
      throw new RegistryError('UNSUPPORTED', `unsupported grant_type '${(grant ?? '').slice(0, 40)}'`, { status: 400 })
    }
    const offline = form.get('access_type') === 'offline'
    const clientId = offline ? requireClientId(form) : undefined
    assertBasicAllowed(request, auth.config.allowInsecureBasic)
    const principal = await auth.login(form.get('username') ?? '', form.get('password') ?? '', ctx)
    if (clientId === undefined) return respond(auth, reply, principal, form.getAll('scope'), {})
    return respond(auth, reply, principal, form.getAll('scope'), { refreshToken: await issueRefresh(auth, principal, clientId, ctx.address) })
  })
}
