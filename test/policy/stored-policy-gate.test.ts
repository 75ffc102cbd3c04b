// Policies and break-glass exemptions managed through /api/v1 take effect at the pull gate at
// once (issue #13): the app's own stored policy source (metadata store), not a test source. Each
// change (policy put, exemption granted, revoked, policy deleted) must flip the next pull without
// a restart, so the gate's verdict cache is invalidated by the management API's changes.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ADMIN, basicAuth, pull, startGateServer, type GateServer } from './gate-fixture.ts'

let server: GateServer
let vuln: string

const NO_CRITICAL = { name: 'prod', scope: 'acme', appliesTo: { except: ['admins'] }, require: { vulnerabilities: { atOrAbove: 'CRITICAL', ignoreUnfixed: true } } }

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: basicAuth(ADMIN.user, ADMIN.password), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, text, body: text === '' ? undefined : JSON.parse(text) }
}

before(async () => {
  server = await startGateServer({}, { stored: true })
  vuln = await server.push('node-app-vuln:1.0.0', 'acme/vuln:1')
  assert.equal(await server.scanned('acme/vuln', vuln), 'COMPLETE')
})
after(async () => {
  await server?.close()
})

test('a stored policy, a granted and a revoked exemption and a deleted policy each change the next pull', async () => {
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 200, 'no policy yet')

  const put = await admin('PUT', '/api/v1/policies/prod', NO_CRITICAL)
  assert.equal(put.status, 201, put.text)
  const refused = await pull(server, 'acme/vuln', '1')
  assert.equal(refused.status, 403)
  assert.equal(refused.code, 'DENIED')
  assert.match(refused.message ?? '', /^policy 'prod' \(acme\): .*CRITICAL/)

  const granted = await admin('POST', `/api/v1/repositories/acme/vuln/images/${vuln}/exemptions`, { reason: 'INC-9 rollback', expiresIn: '1h' })
  assert.equal(granted.status, 201, granted.text)
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 200, 'the exemption lets the digest through')

  const revoked = await admin('DELETE', `/api/v1/repositories/acme/vuln/exemptions/${granted.body.id}`)
  assert.equal(revoked.status, 200, revoked.text)
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 403, 'revoked: refused again')

  const again = await admin('POST', `/api/v1/repositories/acme/vuln/images/${vuln}/exemptions`, { reason: 'INC-9 rollback', expiresIn: '1h' })
  assert.equal(again.status, 201, again.text)
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 200)
  server.clock.advance(3_600_000)
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 403, 'the exemption expired')

  assert.equal((await admin('DELETE', '/api/v1/policies/prod')).status, 204)
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 200, 'the policy is gone')
})
