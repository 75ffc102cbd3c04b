/**
 * An auth-enabled registry on real parts (SQLite + filesystem in a temp dir, inject()), with a
 * bootstrap admin, plus helpers speaking the token flow and the management API like a client.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { DEFAULT_CONFIG, type AuthConfig } from '../../src/registry/config/config.ts'
import { startFixture, type RegistryFixture } from '../../src/registry/testing/registry-fixture.ts'

export const ADMIN = { user: 'root', password: 'admin-password-for-tests-1' }

export async function startAuthFixture(auth: Partial<AuthConfig> = {}): Promise<RegistryFixture> {
  return startFixture({ auth: { ...DEFAULT_CONFIG.auth, mode: 'on', bootstrapAdmin: ADMIN, ...auth } })
}

export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`
}

export const errorCode = (res: LightMyRequestResponse): string =>
  (JSON.parse(res.body) as { errors?: Array<{ code: string }> }).errors?.[0]?.code ?? ''

/** GET /token as docker does; returns the response (token in JSON on 200). */
export function tokenRequest(app: FastifyInstance, creds: { user: string; secret: string } | undefined, ...scopes: string[]) {
  const q = new URLSearchParams({ service: 'drydock' })
  for (const s of scopes) q.append('scope', s)
  return app.inject({ url: `/token?${q.toString()}`, headers: creds ? { authorization: basic(creds.user, creds.secret) } : {} })
}

export async function bearer(app: FastifyInstance, creds: { user: string; secret: string } | undefined, ...scopes: string[]): Promise<string> {
  const res = await tokenRequest(app, creds, ...scopes)
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
  return `Bearer ${(JSON.parse(res.body) as { token: string }).token}`
}

/** Calls the management API as `creds`; throws on an unexpected status. */
export async function api<T = Record<string, unknown>>(
  app: FastifyInstance, creds: { user: string; secret: string }, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string,
  body?: unknown, expect = [200, 201, 204],
): Promise<T> {
  const res = await app.inject({
    method, url, headers: { authorization: basic(creds.user, creds.secret), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  })
  if (!expect.includes(res.statusCode)) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
  return (res.body === '' ? {} : JSON.parse(res.body)) as T
}

export const admin = { user: ADMIN.user, secret: ADMIN.password }
