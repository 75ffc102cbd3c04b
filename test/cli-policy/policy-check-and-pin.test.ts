// `drydock policy check` and `drydock pin` (issue #13, docs/deploy.md) run as child processes
// against a real registry with a deploy policy: the app listening on 127.0.0.1 with scan on push
// over the shared advisory DB (test/policy/gate-fixture.ts), images pushed with skopeo, and
// deploy files made the way users make them: the ECS skeleton of Debian's AWS CLI, a Compose
// file and a Deployment, both with comments.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { runDrydock, withoutDrydockEnv, type CliResult } from '../../src/testkit/run-drydock.ts'
import { mustRun } from '../../src/testkit/run-tool.ts'
import { freePort } from '../../src/testkit/start-drydock.ts'
import { ADMIN, policy, startGateServer, type GateServer } from '../policy/gate-fixture.ts'

const CRITICAL_ID = 'GHSA-xvch-5gv4-984h'
/** No CRITICAL vulnerability with a fix on acme; admins (who push) are not gated. */
const NO_CRITICAL = { name: 'prod', scope: 'acme', appliesTo: { except: ['admins'] }, require: { vulnerabilities: { atOrAbove: 'CRITICAL', ignoreUnfixed: true } } }
const SIDECAR = 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable'

let server: GateServer
let vuln: string
let clean: string
let work: string
/** The deploy robot (read on acme/*, gated by the policy); nothing from this machine's logins leaks in. */
let env: Record<string, string | undefined>

function show(r: CliResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(0, 4000)}\n--- stderr\n${r.stderr.slice(0, 4000)}`
}

function drydock(args: readonly string[], extra: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runDrydock(args, { env: { ...env, ...extra } })
}

before(async () => {
  server = await startGateServer()
  vuln = await server.push('node-app-vuln:1.0.0', 'acme/vuln:1')
  clean = await server.push('busybox:1', 'acme/clean:1')
  assert.equal(await server.scanned('acme/vuln', vuln), 'COMPLETE')
  assert.equal(await server.scanned('acme/clean', clean), 'COMPLETE')
  work = await mkdtemp(join(tmpdir(), 'drydock-cli-policy-'))
  env = {
    ...withoutDrydockEnv(), HOME: work, DOCKER_CONFIG: join(work, 'docker'), REGISTRY_AUTH_FILE: join(work, 'auth.json'), XDG_RUNTIME_DIR: undefined, XDG_CONFIG_HOME: undefined, NO_COLOR: '1',
    DRYDOCK_REGISTRY: server.url, DRYDOCK_USERNAME: server.robot.user, DRYDOCK_PASSWORD: server.robot.secret,
  }
})
after(async () => {
  await server?.close()
  if (work) await rm(work, { recursive: true, force: true })
})

test('policy check: a clean image is allowed (0), the vulnerable one refused (1) with every failure', async () => {
  server.source.set([policy(NO_CRITICAL)])
  const ok = await drydock(['policy', 'check', `${server.host}/acme/clean:1`])
  assert.equal(ok.code, 0, show(ok))
  assert.match(ok.stdout, new RegExp(`^allowed: ${server.host}/acme/clean@${clean}: policy 'prod' \\(acme, enforce\\)`))

  const refused = await drydock(['policy', 'check', `${server.host}/acme/vuln:1`])
  assert.equal(refused.code, 1, show(refused))
  assert.match(refused.stdout, new RegExp(`^refused: ${server.host}/acme/vuln@${vuln}`))
  assert.match(refused.stdout, new RegExp(`- vulnerabilities: .*${CRITICAL_ID}`))
  assert.ok(refused.stdout.includes(`details: GET /api/v1/repositories/acme/vuln/images/${vuln}/policy`), show(refused))

  const json = await drydock(['policy', 'check', 'acme/vuln:1', '--registry', server.url, '--format', 'json'])
  assert.equal(json.code, 1, show(json))
  const body = JSON.parse(json.stdout) as { reference: string; decision: string; digest: string; verdict: { failures: { condition: string }[] } }
  assert.equal(body.reference, `${server.host}/acme/vuln@${vuln}`)
  assert.equal(body.digest, vuln)
  assert.equal(body.decision, 'deny')
  assert.deepEqual(body.verdict.failures.map((f) => f.condition), ['vulnerabilities'])
})

test('policy check: audit mode warns and exits 0; an allowlist entry in use is listed; an exempt caller is told so', async () => {
  server.source.set([policy({ ...NO_CRITICAL, mode: 'audit' })])
  const audit = await drydock(['policy', 'check', `${server.host}/acme/vuln:1`])
  assert.equal(audit.code, 0, show(audit))
  assert.match(audit.stderr, /^warning: audit mode: policy 'prod' \(acme\): .*CRITICAL/m)
  assert.match(audit.stdout, /^would be refused \(audit mode, allowed for now\)/)

  const allow = [{ id: CRITICAL_ID, reason: 'minimist is a dev tool here', expiresAt: '2026-12-31' }]
  server.source.set([policy({ ...NO_CRITICAL, require: { vulnerabilities: { atOrAbove: 'CRITICAL', ignoreUnfixed: true, allowlist: allow } } })])
  const waived = await drydock(['policy', 'check', `${server.host}/acme/vuln@${vuln}`])
  assert.equal(waived.code, 0, show(waived))
  assert.match(waived.stdout, new RegExp(`allowlist: ${CRITICAL_ID} \\(waives until 2026-12-31; 1 finding\\): minimist is a dev tool here`))

  server.source.set([policy(NO_CRITICAL)])
  const admin = await drydock(['policy', 'check', `${server.host}/acme/vuln:1`], { DRYDOCK_USERNAME: ADMIN.user, DRYDOCK_PASSWORD: ADMIN.password })
  assert.equal(admin.code, 0, show(admin))
  assert.match(admin.stdout, /the policy does not apply to you/)
})

test('policy check: exit codes for usage (2), an unknown tag (2), a registry down (3) and refused credentials (4)', async () => {
  server.source.set([policy(NO_CRITICAL)])
  assert.equal((await drydock(['policy', 'check'])).code, 2)
  assert.equal((await drydock(['policy', 'check', `${server.host}/acme/clean:1`, '--format', 'yaml'])).code, 2)
  assert.equal((await drydock(['policy', 'check', 'acme/clean:1'], { DRYDOCK_REGISTRY: undefined })).code, 2, 'no registry named')
  const unknown = await drydock(['policy', 'check', `${server.host}/acme/clean:nope`])
  assert.equal(unknown.code, 2, show(unknown))
  assert.match(unknown.stderr, /no such image/)
  const down = await drydock(['policy', 'check', `127.0.0.1:${await freePort()}/acme/clean:1`])
  assert.equal(down.code, 3, show(down))
  const wrong = await drydock(['policy', 'check', `${server.host}/acme/clean:1`], { DRYDOCK_PASSWORD: 'not-the-password' })
  assert.equal(wrong.code, 4, show(wrong))
  assert.match(wrong.stderr, /credentials from DRYDOCK_PASSWORD/)
  assert.doesNotMatch(wrong.stderr + wrong.stdout, /not-the-password/)
  const anonymous = await drydock(['policy', 'check', `${server.host}/acme/clean:1`], { DRYDOCK_USERNAME: undefined, DRYDOCK_PASSWORD: undefined })
  assert.equal(anonymous.code, 4, show(anonymous))
})

async function ecsTaskDefinition(app: string): Promise<string> {
  const skeleton = await mustRun('/usr/bin/aws', ['ecs', 'register-task-definition', '--generate-cli-skeleton'], { env: { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } })
  const doc = JSON.parse(skeleton.stdout) as { family: string; containerDefinitions: Array<Record<string, unknown>> }
  doc.family = 'web'
  Object.assign(doc.containerDefinitions[0] ?? {}, { name: 'app', image: app })
  doc.containerDefinitions.push({ name: 'log-router', image: SIDECAR, essential: false })
  return `${JSON.stringify(doc, null, 4)}\n`
}

test('pin: an ECS task definition from the AWS CLI skeleton gets its Drydock image pinned; the sidecar is left alone', async () => {
  server.source.set([policy(NO_CRITICAL)])
  const task = join(work, 'task.json')
  const text = await ecsTaskDefinition(`${server.host}/acme/clean:1`)
  await writeFile(task, text)
  const out = join(work, 'task.pinned.json')
  const r = await drydock(['pin', task, '--output', out, '--registry', server.url])
  assert.equal(r.code, 0, show(r))
  assert.match(r.stderr, new RegExp(`containerDefinitions\\[1\\]\\.image: ${SIDECAR.replaceAll('.', '\\.')}: left alone`))
  assert.equal(await readFile(out, 'utf8'), text.replace(`${server.host}/acme/clean:1`, `${server.host}/acme/clean@${clean}`))
  assert.equal(await readFile(task, 'utf8'), text, '--output leaves the input alone')

  const strict = await drydock(['pin', task, '--in-place', '--strict', '--registry', server.url])
  assert.equal(strict.code, 1, show(strict))
  assert.match(strict.stderr, /containerDefinitions\[1\]\.image: .*not on the Drydock registry/)
  assert.equal(await readFile(task, 'utf8'), text, 'a refusal leaves the file untouched')
})

const COMPOSE = (host: string, web: string): string => `# production stack: pinned by drydock pin in CI
services:
  web:
    image: "${host}/acme/${web}"   # the app
    ports: ["8080:80"]
  worker:
    image: ${host}/acme/clean:1
    deploy: { replicas: 2 }
  cache:
    image: redis:7
`

test('pin: a Compose file with a refused image is left untouched, every reason listed, exit 1', async () => {
  server.source.set([policy(NO_CRITICAL)])
  const file = join(work, 'compose.yaml')
  const text = COMPOSE(server.host, 'vuln:1') + `  ghost:\n    image: ${server.host}/acme/clean:missing\n`
  await writeFile(file, text)
  const r = await drydock(['pin', file, '--in-place'])
  assert.equal(r.code, 1, show(r))
  assert.match(r.stderr, /not pinned; nothing was written/)
  assert.match(r.stderr, new RegExp(`services\\.web\\.image: .*policy 'prod' \\(acme\\): .*${CRITICAL_ID}`))
  assert.match(r.stderr, /services\.ghost\.image: .*no such image/)
  assert.equal(await readFile(file, 'utf8'), text)
})

test('pin: a Compose file is pinned in place with comments kept; an image pinned by digest is checked, not changed', async () => {
  server.source.set([policy(NO_CRITICAL)])
  const file = join(work, 'compose-ok.yaml')
  const text = COMPOSE(server.host, `clean@${clean}`)
  await writeFile(file, text)
  const r = await drydock(['pin', file, '--in-place', '--registry', server.url])
  assert.equal(r.code, 0, show(r))
  assert.equal(await readFile(file, 'utf8'), text.replace(`image: ${server.host}/acme/clean:1`, `image: ${server.host}/acme/clean@${clean}`))
  assert.match(r.stderr, /1 image pinned, 1 already pinned and checked/)

  // The digest is judged too: the vulnerable image written by digest is refused.
  await writeFile(file, COMPOSE(server.host, `vuln@${vuln}`))
  const refused = await drydock(['pin', file, '--in-place', '--registry', server.url])
  assert.equal(refused.code, 1, show(refused))
})

test('pin: a Deployment keeps its comments and gets every container pinned (standard output)', async () => {
  server.source.set([policy(NO_CRITICAL)])
  const file = join(work, 'deploy.yaml')
  const text = `# web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # keep me
spec:
  replicas: 2
  template:
    spec:
      initContainers:
        - name: migrate
          image: ${server.host}/acme/clean:1   # runs first
      containers:
        - name: web
          image: '${server.host}/acme/clean:1'
---
apiVersion: v1
kind: Service
metadata: {name: web}
`
  await writeFile(file, text)
  const r = await drydock(['pin', file, '--registry', server.url])
  assert.equal(r.code, 0, show(r))
  const pinned = `${server.host}/acme/clean@${clean}`
  assert.equal(r.stdout, text.replaceAll(`${server.host}/acme/clean:1`, pinned))
  assert.match(r.stdout, /name: web {3}# keep me/)

  const usage = await drydock(['pin', file, '--registry', server.url, '--format', 'helm'])
  assert.equal(usage.code, 2, show(usage))
  const noRegistry = await drydock(['pin', file], { DRYDOCK_REGISTRY: undefined })
  assert.equal(noRegistry.code, 2, show(noRegistry))
})
