// Real clients against the deploy gate (issue #13), continuing pull-clients.test.ts (skopeo, docker):
// under "no CRITICAL, signed by key K" on acme, `podman pull` (private containers env from
// podman-env.ts) and `ctr images pull` (a private containerd started by this file) of the
// vulnerable image are refused; the clean image signed with K pulls. podman prints the policy's
// reason (the DENIED message). containerd 1.6 resolves a reference with HEAD, whose answer has no
// body, and prints only the status line: the error handler puts the refusal into the reason phrase
// ("403 Forbidden: policy 'prod' ..."), and the test also checks the policy.deny audit event.
// The refusal and the successful pull together only pass when the gate runs and decides.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createContainersEnv, type ContainersEnv } from '../../src/testkit/podman-env.ts'
import { requireTool, runTool, type ToolResult } from '../../src/testkit/run-tool.ts'
import { startContainerd } from '../../src/testkit/start-containerd.ts'
import { policy, policyEvents, startGateServer, type GateServer } from './gate-fixture.ts'

let server: GateServer

const PROD = { name: 'prod', scope: 'acme', appliesTo: { except: ['admins'] }, require: { vulnerabilities: { atOrAbove: 'CRITICAL', ignoreUnfixed: true }, signed: true } }
/** The DENIED message: policy name and scope, then the failed condition (a CRITICAL advisory). */
const REASON = /policy 'prod' \(acme\): .*CRITICAL/

before(async () => {
  server = await startGateServer()
  const vuln = await server.push('node-app-vuln:1.0.0', 'acme/vuln:1')
  const clean = await server.push('busybox:1', 'acme/clean:1')
  for (const [repo, d] of [['acme/vuln', vuln], ['acme/clean', clean]] as const) assert.equal(await server.scanned(repo, d), 'COMPLETE')
  await server.sign('acme/clean:1', server.keys.trusted.key)
  server.source.set([policy(PROD)])
})
after(async () => {
  await server?.close()
})

function output(res: ToolResult): string {
  return `${res.stderr}\n${res.stdout}`
}

test('podman pull: the vulnerable image is refused with the reason; the image signed with K pulls', { timeout: 300_000 }, async () => {
  const bin = requireTool('podman')
  const ctx: ContainersEnv = await createContainersEnv()
  try {
    // The robot's credentials go on the command line; the env's auth.json stays empty.
    const pull = (repoTag: string) => runTool(bin, [
      ...ctx.storageFlags, 'pull', '--signature-policy', ctx.policyPath, '--tls-verify=false',
      '--creds', `${server.robot.user}:${server.robot.secret}`, `${server.host}/${repoTag}`,
    ], { env: ctx.env, timeoutMs: 240_000 })
    const refused = await pull('acme/vuln:1')
    assert.notEqual(refused.code, 0, output(refused))
    assert.match(refused.stderr, REASON)
    assert.match(refused.stderr, /GHSA-xvch-5gv4-984h/)
    const pulled = await pull('acme/clean:1')
    assert.equal(pulled.code, 0, output(pulled))
    const present = await runTool(bin, [...ctx.storageFlags, 'image', 'exists', `${server.host}/acme/clean:1`], { env: ctx.env })
    assert.equal(present.code, 0, output(present))
  } finally {
    await ctx.dispose()
  }
})

test('ctr pull: the vulnerable image is refused (403 with the reason; the audit event names policy prod and its condition); the image signed with K pulls', { timeout: 300_000 }, async () => {
  const containerd = await startContainerd()
  try {
    const pull = (repoTag: string) => containerd.tryCtr([
      'images', 'pull', '--plain-http', '--user', `${server.robot.user}:${server.robot.secret}`, `${server.host}/${repoTag}`,
    ], { timeoutMs: 240_000 })
    const denials = async () => (await policyEvents(server, 'policy.deny')).filter((e) => e.repository === 'acme/vuln' && e.detail?.door === 'pull')
    const before = (await denials()).length
    const refused = await pull('acme/vuln:1')
    assert.notEqual(refused.code, 0, output(refused))
    assert.match(output(refused), /acme\/vuln:1.*403 Forbidden: policy 'prod' \(acme\): .*CRITICAL/)
    const events = await denials()
    assert.ok(events.length > before, 'ctr\'s refused pull left no policy.deny event')
    const denied = events.at(-1)?.detail as { policy?: string; failures?: { condition: string }[] } | undefined
    assert.equal(denied?.policy, 'prod')
    assert.ok(denied?.failures?.some((f) => f.condition === 'vulnerabilities'), JSON.stringify(denied))
    const pulled = await pull('acme/clean:1')
    assert.equal(pulled.code, 0, `${output(pulled)}\n--- containerd ---\n${containerd.output()}`)
    const listed = await containerd.ctr(['images', 'ls', '-q'])
    assert.ok(listed.stdout.split('\n').includes(`${server.host}/acme/clean:1`), listed.stdout)
  } finally {
    await containerd.stop()
  }
})
