// What the admission webhooks answer to requests that are not well-formed AdmissionReviews, and
// the `admission.otherRegistries: allow` setting, over real HTTPS. A kube-apiserver cannot run
// here, so the test plays its part (admission-fixture.ts) and also plays a broken or hostile one.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { admit, basic, post, review, startWebhookServer, workload, type WebhookServer } from './admission-fixture.ts'

interface ErrorBody { errors: { code: string; message: string }[] }

describe('bad input', () => {
  let server: WebhookServer
  before(async () => {
    server = await startWebhookServer({ admission: { maxReviewBytes: 64 * 1024 } })
  })
  after(async () => {
    await server?.close()
  })
  const pod = workload('Pod', { containers: [{ name: 'app', image: 'nginx' }] })

  const refused = async (body: string | Buffer, status: number, message: RegExp, headers: Record<string, string> = {}): Promise<void> => {
    for (const mode of ['validate', 'mutate']) {
      const res = await post(server, `/admission/${mode}`, body, { authorization: server.robotAuth, ...headers })
      assert.equal(res.status, status, `${mode}: ${res.body}`)
      const error = res.json<ErrorBody>().errors[0]
      assert.match(error?.message ?? '', message, mode)
      assert.doesNotMatch(res.body, /\n\s+at /, 'no stack trace')
    }
  }

  test('malformed JSON, duplicate keys and a body that is not an object get 400 with the reason', async () => {
    await refused('{"apiVersion": "admission.k8s.io/v1", "kind": ', 400, /^invalid AdmissionReview: not acceptable JSON/)
    await refused('{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","kind":"AdmissionReview","request":{}}', 400, /duplicate key/)
    await refused('[1,2]', 400, /the body must be a JSON object/)
    await refused('', 400, /empty body/)
    await refused(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), 400, /not acceptable JSON/)
  })

  test('another apiVersion or kind gets 400 saying which version is spoken', async () => {
    const v1beta1 = { ...review(pod), apiVersion: 'admission.k8s.io/v1beta1' }
    await refused(JSON.stringify(v1beta1), 400, /expected apiVersion admission\.k8s\.io\/v1 and kind AdmissionReview \(got apiVersion "admission\.k8s\.io\/v1beta1"\); set admissionReviewVersions: \[v1\]/)
    await refused(JSON.stringify({ ...review(pod), kind: 'Pod' }), 400, /expected apiVersion admission\.k8s\.io\/v1 and kind AdmissionReview/)
  })

  test('a request without a uid, kind, known operation or object gets 400 naming the field', async () => {
    const base = review(pod)
    const request = base['request'] as Record<string, unknown>
    const withRequest = (patch: Record<string, unknown>): string => JSON.stringify({ ...base, request: { ...request, ...patch } })
    await refused(JSON.stringify({ ...base, request: null }), 400, /request must be an object/)
    await refused(withRequest({ uid: '' }), 400, /request\.uid must be a non-empty printable string/)
    await refused(withRequest({ uid: 'x'.repeat(129) }), 400, /request\.uid/)
    await refused(withRequest({ kind: 'Pod' }), 400, /request\.kind\.kind must be a non-empty string/)
    await refused(withRequest({ operation: 'PATCH' }), 400, /request\.operation must be one of CREATE, UPDATE, DELETE, CONNECT/)
    await refused(withRequest({ object: 'nope' }), 400, /request\.object must be an object/)
    await refused(withRequest({ dryRun: 'yes' }), 400, /request\.dryRun must be a boolean/)
  })

  test('a body over admission.maxReviewSize gets 413; another media type 415', async () => {
    const big = workload('Pod', { containers: [{ name: 'app', image: 'nginx', env: [{ name: 'X', value: 'x'.repeat(70 * 1024) }] }] })
    await refused(JSON.stringify(review(big)), 413, /AdmissionReview larger than admission\.maxReviewSize \(65536 bytes\)/)
    await refused(JSON.stringify(review(pod)), 415, /must be sent as application\/json/, { 'content-type': 'application/yaml' })
  })

  test('without credentials, or with wrong ones, the answer is 401 and says nothing about the body', async () => {
    for (const authorization of [undefined, basic('robot$acme+kube', 'wrong'), 'Bearer not-a-token']) {
      const res = await post(server, '/admission/validate', '{not json', authorization ? { authorization } : {})
      assert.equal(res.status, 401, res.body)
      assert.equal(res.json<ErrorBody>().errors[0]?.code, 'UNAUTHORIZED')
    }
  })
})

describe('admission.otherRegistries: allow (access control off: the caller is anonymous on an open registry)', () => {
  let server: WebhookServer
  let digest: string
  before(async () => {
    server = await startWebhookServer({ auth: false, admission: { otherRegistries: 'allow' } })
    digest = await server.push('busybox:1', 'team/app:1')
  })
  after(async () => {
    await server?.close()
  })

  test('images elsewhere are admitted and left as written; images here are still resolved, pinned and checked', async () => {
    const object = workload('Deployment', { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'app', image: `${server.host}/team/app:1` }, { name: 'gone', image: `${server.host}/team/gone:1` }] })
    const denied = await admit(server, 'mutate', review(object), '')
    assert.equal(denied.allowed, false)
    assert.equal(denied.status?.message, `Drydock refused 1 image of this Deployment:\nimage "${server.host}/team/gone:1" (container gone): not found or not permitted`)
    const containers = ((object['spec'] as { template: { spec: { containers: unknown[] } } }).template.spec.containers)
    containers.pop()
    const answer = await admit(server, 'mutate', review(object), '')
    assert.equal(answer.allowed, true)
    assert.deepEqual(JSON.parse(Buffer.from(answer.patch ?? '', 'base64').toString()), [
      { op: 'replace', path: '/spec/template/spec/containers/1/image', value: `${server.host}/team/app@${digest}` },
    ])
  })
})
