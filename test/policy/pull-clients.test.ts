// Real clients against the deploy gate (issue #13): skopeo copy of the vulnerable image from
// ../shared/testdata/images under "no CRITICAL, signed by key K" on acme is refused and prints the
// reason; a clean image signed with K copies; one signed with another key does not; in audit
// mode the copy succeeds and the audit log counts it. `docker pull` (a private dockerd started
// by the test) prints the same reason. (podman and ctr: pull-clients-podman-ctr.test.ts.)
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { startDockerd } from '../../src/testkit/start-dockerd.ts'
import { policy, policyEvents, startGateServer, type GateServer } from './gate-fixture.ts'

let server: GateServer
let out: string

const PROD = { name: 'prod', scope: 'acme', appliesTo: { except: ['admins'] }, require: { vulnerabilities: { atOrAbove: 'CRITICAL', ignoreUnfixed: true }, signed: true } }

before(async () => {
  server = await startGateServer()
  out = await mkdtemp(join(tmpdir(), 'drydock-gate-pull-'))
  const vuln = await server.push('node-app-vuln:1.0.0', 'acme/vuln:1')
  const clean = await server.push('busybox:1', 'acme/clean:1')
  const other = await server.push('busybox:1', 'acme/other:1')
  for (const [repo, d] of [['acme/vuln', vuln], ['acme/clean', clean], ['acme/other', other]] as const) assert.equal(await server.scanned(repo, d), 'COMPLETE')
  await server.sign('acme/clean:1', server.keys.trusted.key)
  await server.sign('acme/other:1', server.keys.other.key)
})
after(async () => {
  await server?.close()
  if (out) await rm(out, { recursive: true, force: true })
})

function copy(repoTag: string, dest: string) {
  return server.skopeo.tryCopy(`docker://${server.host}/${repoTag}`, `oci:${join(out, dest)}:x`, { creds: `${server.robot.user}:${server.robot.secret}` })
}

test('skopeo copy: the vulnerable image is refused with the reason; signed with K copies; another key does not help', async () => {
  server.source.set([policy(PROD)])
  const refused = await copy('acme/vuln:1', 'vuln')
  assert.notEqual(refused.code, 0)
  assert.match(refused.stderr, /policy 'prod' \(acme\): .*CRITICAL/)
  assert.match(refused.stderr, /GHSA-xvch-5gv4-984h/)
  const signed = await copy('acme/clean:1', 'clean')
  assert.equal(signed.code, 0, signed.stderr)
  const other = await copy('acme/other:1', 'other')
  assert.notEqual(other.code, 0)
  assert.match(other.stderr, /not signed by a key trusted for acme\/other/)
})

test('skopeo copy in audit mode succeeds and the audit log counts it', async () => {
  server.source.set([policy({ ...PROD, mode: 'audit' })])
  const before = (await policyEvents(server, 'policy.audit-deny')).filter((e) => e.repository === 'acme/vuln').length
  const copied = await copy('acme/vuln:1', 'vuln-audit')
  assert.equal(copied.code, 0, copied.stderr)
  assert.ok((await policyEvents(server, 'policy.audit-deny')).filter((e) => e.repository === 'acme/vuln').length > before)
})

test('docker pull: refused with the reason; the image signed with K pulls', async () => {
  server.source.set([policy(PROD)])
  const engine = await startDockerd({ insecureRegistries: [server.host] })
  try {
    await engine.docker(['login', server.host, '--username', server.robot.user, '--password-stdin'], { input: server.robot.secret })
    const refused = await engine.tryDocker(['pull', `${server.host}/acme/vuln:1`])
    assert.notEqual(refused.code, 0)
    assert.match(refused.stderr, /policy 'prod' \(acme\): .*CRITICAL/)
    const pulled = await engine.tryDocker(['pull', `${server.host}/acme/clean:1`])
    assert.equal(pulled.code, 0, pulled.stderr)
  } finally {
    await engine.stop()
  }
})
