// `drydock admission manifests` run as a child process: the YAML parses, holds the CA bundle and
// the settings asked for, and the webhooks it describes are the ones `drydock serve` answers.
// A kube-apiserver cannot run here, so the test plays its part: it calls the printed
// clientConfig.url trusting only the printed caBundle, as the apiserver would.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { parseAllDocuments } from 'yaml'
import { runDrydock } from '../../src/testkit/run-drydock.ts'
import { review, startWebhookServer, workload, type WebhookServer } from './admission-fixture.ts'

interface Webhook {
  name: string
  clientConfig: { url: string; caBundle?: string }
  rules: { apiGroups: string[]; apiVersions: string[]; resources: string[]; operations: string[] }[]
  failurePolicy: string
  sideEffects: string
  timeoutSeconds: number
  admissionReviewVersions: string[]
  namespaceSelector: { matchExpressions: { key: string; operator: string; values?: string[] }[] }
  reinvocationPolicy?: string
}
interface Configuration { apiVersion: string; kind: string; metadata: { name: string }; webhooks: Webhook[] }

let server: WebhookServer
let dir: string
before(async () => {
  server = await startWebhookServer()
  dir = await mkdtemp(join(tmpdir(), 'drydock-admission-cli-'))
})
after(async () => {
  await server?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

function documents(stdout: string): Configuration[] {
  const docs = parseAllDocuments(stdout)
  for (const d of docs) assert.deepEqual(d.errors, [])
  return docs.map((d) => d.toJS() as Configuration)
}

/** POST to a URL with exactly the trust the apiserver would have: the caBundle, nothing else. */
function callAsApiserver(url: string, caBundle: string, body: string, authorization: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: 'POST', ca: Buffer.from(caBundle, 'base64'), headers: { 'content-type': 'application/json', authorization } }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

test('the printed configurations parse, carry the CA bundle and the options, and their URLs answer AdmissionReviews', async () => {
  const res = await runDrydock(['admission', 'manifests', '--url', server.url, '--ca', server.caFile, '--timeout', '7', '--failure-policy', 'Ignore', '--namespace-selector', 'env in (prod staging),!legacy,team=shop'])
  assert.equal(res.code, 0, res.stderr)
  const [mutating, validating] = documents(res.stdout)
  assert.equal(mutating?.kind, 'MutatingWebhookConfiguration')
  assert.equal(validating?.kind, 'ValidatingWebhookConfiguration')
  const ca = await readFile(server.caFile)
  for (const [config, path] of [[mutating, '/admission/mutate'], [validating, '/admission/validate']] as const) {
    assert.equal(config?.apiVersion, 'admissionregistration.k8s.io/v1')
    const hook = config?.webhooks[0]
    assert.ok(hook)
    assert.match(hook.name, /^[a-z]+\.admission\.drydock\.io$/)
    assert.equal(hook.clientConfig.url, `${server.url}${path}`)
    assert.deepEqual(Buffer.from(hook.clientConfig.caBundle ?? '', 'base64'), ca)
    assert.equal(hook.failurePolicy, 'Ignore')
    assert.equal(hook.timeoutSeconds, 7)
    assert.equal(hook.sideEffects, 'None')
    assert.deepEqual(hook.admissionReviewVersions, ['v1'])
    assert.deepEqual(hook.rules.flatMap((r) => r.resources).sort(), ['cronjobs', 'daemonsets', 'deployments', 'jobs', 'podtemplates', 'pods', 'pods/ephemeralcontainers', 'replicasets', 'replicationcontrollers', 'statefulsets'].sort())
    for (const rule of hook.rules) assert.deepEqual(rule.operations, ['CREATE', 'UPDATE'])
    assert.deepEqual(hook.namespaceSelector.matchExpressions, [
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
      { key: 'drydock.io/admission', operator: 'NotIn', values: ['disabled'] },
      { key: 'env', operator: 'In', values: ['prod', 'staging'] },
      { key: 'legacy', operator: 'DoesNotExist' },
      { key: 'team', operator: 'In', values: ['shop'] },
    ])
    // What the apiserver would do with this configuration: call the URL, trusting the bundle only.
    const reviewBody = review(workload('Pod', { containers: [{ name: 'app', image: 'nginx' }] }))
    const answer = await callAsApiserver(hook.clientConfig.url, hook.clientConfig.caBundle ?? '', JSON.stringify(reviewBody), server.robotAuth)
    assert.equal(answer.status, 200, answer.text)
    assert.equal((JSON.parse(answer.text) as { response: { uid: string } }).response.uid, (reviewBody['request'] as { uid: string }).uid)
  }
  assert.equal(mutating?.webhooks[0]?.reinvocationPolicy, 'IfNeeded')
})

test('defaults: Fail, 5 seconds, no caBundle without --ca; --apiserver-config prints the apiserver files with no secret', async () => {
  const res = await runDrydock(['admission', 'manifests', '--url', 'https://drydock.example.com'])
  assert.equal(res.code, 0, res.stderr)
  const hook = documents(res.stdout)[1]?.webhooks[0]
  assert.equal(hook?.failurePolicy, 'Fail')
  assert.equal(hook?.timeoutSeconds, 5)
  assert.equal(hook?.clientConfig.caBundle, undefined)
  assert.equal(hook?.clientConfig.url, 'https://drydock.example.com/admission/validate')
  const apiserver = await runDrydock(['admission', 'manifests', '--url', 'https://drydock.example.com:8443', '--apiserver-config', '--username', 'robot$acme+kube'])
  assert.equal(apiserver.code, 0, apiserver.stderr)
  const [admissionConfiguration, kubeconfig] = documents(apiserver.stdout) as unknown as [Record<string, unknown>, { users: { name: string; user: Record<string, string> }[] }]
  assert.equal(admissionConfiguration['kind'], 'AdmissionConfiguration')
  assert.deepEqual((admissionConfiguration['plugins'] as { name: string }[]).map((p) => p.name), ['ValidatingAdmissionWebhook', 'MutatingAdmissionWebhook'])
  assert.equal(kubeconfig.users[0]?.name, 'drydock.example.com:8443')
  assert.equal(kubeconfig.users[0]?.user['username'], 'robot$acme+kube')
  assert.equal(kubeconfig.users[0]?.user['password'], 'REPLACE-WITH-THE-ROBOT-SECRET')
})

test('bad arguments: one line, exit 2', async () => {
  const notPem = join(dir, 'not.pem')
  await writeFile(notPem, 'hello')
  const cases: [string[], RegExp][] = [
    [[], /--url is required/],
    [['--url', 'http://drydock.example.com'], /--url must be https:\/\//],
    [['--url', 'https://u:p@drydock.example.com/x'], /no credentials, path, query or fragment/],
    [['--url', 'https://d.example', '--timeout', '31'], /--timeout must be a whole number from 1 to 30/],
    [['--url', 'https://d.example', '--failure-policy', 'Maybe'], /--failure-policy must be Fail or Ignore/],
    [['--url', 'https://d.example', '--ca', join(dir, 'missing.pem')], /--ca: cannot read .*ENOENT/],
    [['--url', 'https://d.example', '--ca', notPem], /is not a PEM certificate file/],
    [['--url', 'https://d.example', '--namespace-selector', 'a in ()'], /invalid or missing values for 'a'/],
    [['--url', 'https://d.example', '--namespace-selector', 'bad key=x'], /--namespace-selector: cannot read/],
  ]
  for (const [args, message] of cases) {
    const res = await runDrydock(['admission', 'manifests', ...args])
    assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`)
    assert.match(res.stderr, message)
    assert.doesNotMatch(res.stderr, /\n\s+at /)
  }
  assert.equal((await runDrydock(['admission', 'frobnicate', '--url', 'https://d.example'])).code, 2)
  const help = await runDrydock(['admission', '--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /Usage: drydock admission manifests/)
})
