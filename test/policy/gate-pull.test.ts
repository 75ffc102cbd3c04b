// The deploy gate at manifest GET/HEAD (issue #13, docs/policies.md "Enforcement at pull"), over
// real HTTP: the registry app listening on 127.0.0.1 with scan on push over the shared advisory
// DB, images pushed with skopeo, signatures made with the real `drydock sign`, a fake clock for
// allowlist and exemption expiry, and policies from a StaticPolicySource.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ADMIN, basicAuth, policy, policyEvents, pull, startGateServer, type GateServer } from './gate-fixture.ts'

let server: GateServer
let vuln: string
let clean: string

const CRITICAL_ID = 'GHSA-xvch-5gv4-984h'
/** "No CRITICAL vulnerability with a fix" on acme; admins (who push and sign) are not gated. */
const NO_CRITICAL = { name: 'prod', scope: 'acme', appliesTo: { except: ['admins'] }, require: { vulnerabilities: { atOrAbove: 'CRITICAL', ignoreUnfixed: true } } }

before(async () => {
  server = await startGateServer()
  vuln = await server.push('node-app-vuln:1.0.0', 'acme/vuln:1')
  clean = await server.push('busybox:1', 'acme/clean:1')
  assert.equal(await server.scanned('acme/vuln', vuln), 'COMPLETE')
  assert.equal(await server.scanned('acme/clean', clean), 'COMPLETE')
})
after(async () => {
  await server?.close()
})

test('a vulnerable image is refused at GET and HEAD, by tag and by digest, with the reason; a clean one is served', async () => {
  server.source.set([policy(NO_CRITICAL)])
  for (const [method, ref] of [['GET', '1'], ['HEAD', '1'], ['GET', vuln], ['HEAD', vuln]] as const) {
    const r = await pull(server, 'acme/vuln', ref, method)
    assert.equal(r.status, 403, `${method} ${ref}`)
    if (method === 'GET') {
      assert.equal(r.code, 'DENIED')
      assert.match(r.message ?? '', /^policy 'prod' \(acme\): .*CRITICAL/)
      assert.ok(r.message?.includes(CRITICAL_ID), r.message)
      assert.ok(r.message?.endsWith(`see GET /api/v1/repositories/acme/vuln/images/${vuln}/policy`), r.message)
    }
  }
  assert.deepEqual(await pull(server, 'acme/clean', '1'), { status: 200, digest: clean })
  assert.equal((await pull(server, 'acme/clean', '1', 'HEAD')).status, 200)
  const denies = await policyEvents(server, 'policy.deny')
  assert.ok(denies.some((e) => e.repository === 'acme/vuln' && e.detail?.['digest'] === vuln && e.detail?.['door'] === 'pull'))
})

test('the details route answers the verdict (never audited); a bad digest is 400, an unknown one 404', async () => {
  server.source.set([policy(NO_CRITICAL)])
  const before = (await policyEvents(server, 'policy.deny')).length
  const robot = { headers: { authorization: basicAuth(server.robot.user, server.robot.secret) } }
  const res = await fetch(`${server.url}/api/v1/repositories/acme/vuln/images/${vuln}/policy`, robot)
  assert.equal(res.status, 200)
  const body = (await res.json()) as { decision: string; verdict: { failures: { condition: string }[] }; message: string }
  assert.equal(body.decision, 'deny')
  assert.equal(body.verdict.failures[0]?.condition, 'vulnerabilities')
  assert.match(body.message, /CRITICAL/)
  assert.equal((await policyEvents(server, 'policy.deny')).length, before, 'a check is not audited')
  assert.equal((await fetch(`${server.url}/api/v1/repositories/acme/vuln/images/1/policy`, robot)).status, 400)
  assert.equal((await fetch(`${server.url}/api/v1/repositories/acme/vuln/images/sha256:${'0'.repeat(64)}/policy`, robot)).status, 404)
  // Without pull on the repository, nothing is learnt.
  assert.equal((await fetch(`${server.url}/api/v1/repositories/acme/vuln/images/${vuln}/policy`)).status, 401)
})

test('audit mode serves the pull and records it', async () => {
  server.source.set([policy({ ...NO_CRITICAL, mode: 'audit' })])
  const before = (await policyEvents(server, 'policy.audit-deny')).length
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 200)
  assert.equal((await pull(server, 'acme/vuln', vuln)).status, 200)
  assert.equal((await policyEvents(server, 'policy.audit-deny')).length, before + 2)
})

test('an allowlist entry waives the finding until it expires, then the pull is refused without a restart', async () => {
  const until = '2026-12-10'
  server.source.set([policy({ ...NO_CRITICAL, require: { vulnerabilities: { atOrAbove: 'CRITICAL', ignoreUnfixed: true, allowlist: [{ id: CRITICAL_ID, reason: 'minimist is a dev tool here', expiresAt: until }] } } })])
  server.clock.set('2026-12-10T23:59:00Z')
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 200)
  server.clock.set('2026-12-11T00:00:00Z')
  const r = await pull(server, 'acme/vuln', '1')
  assert.equal(r.status, 403)
  assert.match(r.message ?? '', /allowlist expired/)
  server.clock.set('2026-12-01T00:00:00Z')
})

test('a break-glass exemption lets the refused digest through until it expires, and is audited', async () => {
  const exemption = { id: 'ex-1', repository: 'acme/vuln', digest: vuln, reason: 'incident 7', createdBy: ADMIN.user, createdAt: '2026-12-01T00:00:00Z', expiresAt: '2026-12-01T01:00:00Z' }
  server.source.set([policy(NO_CRITICAL)], [exemption])
  const before = (await policyEvents(server, 'policy.exemption-used')).length
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 200)
  assert.equal((await policyEvents(server, 'policy.exemption-used')).length, before + 1)
  server.clock.set('2026-12-01T01:00:00Z')
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 403)
  server.clock.set('2026-12-01T00:00:00Z')
  server.source.set([policy(NO_CRITICAL)], [])
})

test('a caller the policy does not apply to pulls: the exempted robot (appliesTo)', async () => {
  server.source.set([policy({ ...NO_CRITICAL, appliesTo: { except: ['robot$acme+deploy'] } })])
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 200)
  server.source.set([policy({ ...NO_CRITICAL, appliesTo: { only: ['user:ops-*'] } })])
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 200)
  server.source.set([policy({ ...NO_CRITICAL, appliesTo: { only: ['robots'] } })])
  assert.equal((await pull(server, 'acme/vuln', '1')).status, 403)
})
