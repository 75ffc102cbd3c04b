// The Kubernetes admission webhooks over real HTTPS (issue #13, docs/admission.md). A
// kube-apiserver cannot run here, so the test plays its part (admission-fixture.ts): it sends the
// AdmissionReview v1 documents the apiserver would send, trusting only the server's own CA, as
// the robot the apiserver would be configured with. The registry, TLS, skopeo pushes, access
// control and the deploy gate are the real ones.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ALIAS, admit, applyJsonPatch, decodePatch, review, startWebhookServer, workload, WORKLOAD_API, type WebhookServer } from './admission-fixture.ts'
import { parseDeployPolicy } from '../../src/registry/policy/parse-policy.ts'

let server: WebhookServer
let gated: string
let open: string
let secret: string

const SIGNED = parseDeployPolicy(JSON.stringify({ name: 'signed-only', scope: 'acme', require: { signed: true } }))
const EXEMPT = parseDeployPolicy(JSON.stringify({ name: 'open', scope: 'acme/open', require: {} }))
const AUDIT = parseDeployPolicy(JSON.stringify({ name: 'signed-only', scope: 'acme', mode: 'audit', require: { signed: true } }))

before(async () => {
  server = await startWebhookServer()
  gated = await server.push('busybox:1', 'acme/app:1')
  open = await server.push('busybox:1', 'acme/open/app:1')
  // Pushed by the admin into a namespace the apiserver's robot has no grant on.
  secret = await server.push('busybox:1', 'other/secret:1')
  server.source.set([SIGNED, EXEMPT])
})
after(async () => {
  await server?.close()
})

const podSpec = (image: string, init?: string): Record<string, unknown> => ({
  ...(init ? { initContainers: [{ name: 'setup', image: init }] } : {}),
  containers: [{ name: 'app', image }, { name: 'sidecar', image }],
})

test('every workload kind: an image that passes is admitted, and the mutating answer pins each tag to the digest checked', async () => {
  for (const kind of Object.keys(WORKLOAD_API)) {
    const object = workload(kind, podSpec(`${server.host}/acme/open/app:1`, `${ALIAS}/acme/open/app:1`))
    const validated = await admit(server, 'validate', review(object))
    assert.equal(validated.allowed, true, `${kind}: ${JSON.stringify(validated)}`)
    assert.equal(validated.patch, undefined, 'the validating answer never patches')
    const mutated = await admit(server, 'mutate', review(object))
    assert.equal(mutated.allowed, true, kind)
    const pinned = applyJsonPatch(object, decodePatch(mutated))
    // Each of the three images pinned, on the host as written; nothing else moved.
    const expected = JSON.parse(JSON.stringify(object).replaceAll('/acme/open/app:1"', `/acme/open/app@${open}"`)) as unknown
    assert.deepEqual(pinned, expected, kind)
    assert.equal(JSON.stringify(pinned).split(`@${open}`).length - 1, 3, kind)
  }
})

test('every workload kind: an image the policy refuses is denied, by validate and mutate, naming the image, the container and the reason', async () => {
  for (const kind of Object.keys(WORKLOAD_API)) {
    const object = workload(kind, podSpec(`${server.host}/acme/app:1`, `${server.host}/acme/open/app:1`))
    for (const mode of ['validate', 'mutate'] as const) {
      const answer = await admit(server, mode, review(object))
      assert.equal(answer.allowed, false, `${kind} ${mode}`)
      assert.equal(answer.patch, undefined)
      assert.equal(answer.status?.code, 403)
      const lines = answer.status?.message.split('\n') ?? []
      assert.equal(lines[0], `Drydock refused 1 image of this ${kind}:`)
      assert.match(lines[1] ?? '', new RegExp(`^image "${server.host}/acme/app:1" \\(containers app, sidecar\\): policy 'signed-only' \\(acme\\): .*sign`))
      assert.ok(lines[1]?.includes(`acme/app/images/${gated}/policy`), lines[1])
      assert.equal(lines.length, 2, 'the admitted init container is not listed')
    }
  }
})

test('an ephemeral container added to a running pod is judged too; a status update is not', async () => {
  const pod = workload('Pod', { containers: [{ name: 'app', image: `${server.host}/acme/open/app:1` }], ephemeralContainers: [{ name: 'debug', image: `${server.host}/acme/app:1` }] })
  const debug = await admit(server, 'validate', review(pod, { operation: 'UPDATE', subResource: 'ephemeralcontainers', oldObject: pod }))
  assert.equal(debug.allowed, false)
  assert.match(debug.status?.message ?? '', /container debug/)
  assert.equal((await admit(server, 'validate', review(pod, { operation: 'UPDATE', subResource: 'status', oldObject: pod }))).allowed, true)
})

test('an image the robot may not pull and one that does not exist get the same answer', async () => {
  const messages = []
  for (const image of [`${server.host}/other/secret:1`, `${server.host}/other/secret@${secret}`, `${server.host}/acme/missing:1`, `${server.host}/acme/app:nope`, `${server.host}/acme/app@sha256:${'0'.repeat(64)}`]) {
    const answer = await admit(server, 'validate', review(workload('Pod', { containers: [{ name: 'app', image }] })))
    assert.equal(answer.allowed, false, image)
    messages.push(answer.status?.message.replace(image, 'IMAGE'))
  }
  assert.deepEqual(new Set(messages), new Set(['Drydock refused 1 image of this Pod:\nimage "IMAGE" (container app): not found or not permitted']))
  // The admin may pull other/secret: the decision is made for the credential that asks.
  const asAdmin = await admit(server, 'validate', review(workload('Pod', { containers: [{ name: 'app', image: `${server.host}/other/secret:1` }] })), server.adminAuth)
  assert.equal(asAdmin.allowed, true)
})

test('images on other registries are denied by default, with the reason; invalid references are denied', async () => {
  const answer = await admit(server, 'validate', review(workload('Deployment', { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'bad', image: 'Not/Valid' }] })))
  assert.equal(answer.allowed, false)
  const message = answer.status?.message ?? ''
  assert.match(message, /^Drydock refused 2 images of this Deployment:/)
  assert.ok(message.includes(`image "nginx:1.27" (container web): on another registry (docker.io), and admission.otherRegistries is deny (this registry is ${server.host}, ${ALIAS.toLowerCase()})`), message)
  assert.match(message, /image "Not\/Valid" \(container bad\): invalid image reference "Not\/Valid": invalid repository name/)
})

test('an image already pinned by digest is checked as written and not patched', async () => {
  const object = workload('Pod', { containers: [{ name: 'a', image: `${server.host}/acme/open/app@${open}` }, { name: 'b', image: `${server.host}/acme/open/app:1` }] })
  const answer = await admit(server, 'mutate', review(object))
  assert.equal(answer.allowed, true)
  assert.deepEqual(decodePatch(answer), [{ op: 'replace', path: '/spec/containers/1/image', value: `${server.host}/acme/open/app@${open}` }])
})

test('audit mode admits with a warning, pins, and records the decision', async () => {
  server.source.set([AUDIT, EXEMPT])
  try {
    const object = workload('Job', { containers: [{ name: 'batch', image: `${server.host}/acme/app:1` }] })
    const answer = await admit(server, 'mutate', review(object))
    assert.equal(answer.allowed, true)
    assert.equal(answer.warnings?.length, 1)
    assert.match(answer.warnings?.[0] ?? '', new RegExp(`^Drydock audit: image "${server.host}/acme/app:1" would be refused: policy 'signed-only'`))
    assert.ok((answer.warnings?.[0] ?? '').length <= 256)
    assert.deepEqual(decodePatch(answer), [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `${server.host}/acme/app@${gated}` }])
    const events = await server.store.auth.audit.query({ action: 'policy.audit-deny', limit: 100 })
    assert.ok(events.some((e) => e.repository === 'acme/app' && e.detail?.['door'] === 'admission'), JSON.stringify(events))
  } finally {
    server.source.set([SIGNED, EXEMPT])
  }
})

test('a refusal is audited with the admission door; a dry run is a question and is not', async () => {
  const count = async (): Promise<number> => (await server.store.auth.audit.query({ action: 'policy.deny', limit: 1000 })).filter((e) => e.detail?.['door'] === 'admission').length
  const object = workload('Pod', { containers: [{ name: 'app', image: `${server.host}/acme/app:1` }] })
  const before = await count()
  assert.equal((await admit(server, 'validate', review(object, { dryRun: true }))).allowed, false)
  assert.equal(await count(), before)
  assert.equal((await admit(server, 'validate', review(object))).allowed, false)
  assert.equal(await count(), before + 1)
})

test('deletions, connections and objects without a pod template are admitted untouched', async () => {
  const pod = workload('Pod', { containers: [{ name: 'app', image: 'nginx' }] })
  assert.equal((await admit(server, 'validate', review(pod, { operation: 'DELETE', object: null, oldObject: pod }))).allowed, true)
  assert.equal((await admit(server, 'validate', review(pod, { operation: 'CONNECT' }))).allowed, true)
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { image: 'nginx' } }
  const answer = await admit(server, 'mutate', review(configMap))
  assert.deepEqual(answer, { uid: answer.uid, allowed: true })
})

test('an object with more images than admission.maxImages is denied', async () => {
  const containers = Array.from({ length: 101 }, (_, i) => ({ name: `c${i}`, image: `${server.host}/acme/open/app:1` }))
  const answer = await admit(server, 'validate', review(workload('Pod', { containers })))
  assert.equal(answer.allowed, false)
  assert.match(answer.status?.message ?? '', /101 container images, more than admission.maxImages \(100\)/)
})
