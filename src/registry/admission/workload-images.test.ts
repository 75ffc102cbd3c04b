// Where the images of each Kubernetes kind are, as JSON pointers a JSONPatch can name.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { escapePointerToken, WORKLOAD_KINDS, workloadImages, WorkloadShapeError } from './workload-images.ts'

const podSpec = {
  initContainers: [{ name: 'init', image: 'busybox:1.36' }],
  containers: [{ name: 'app', image: 'registry.example.com/acme/app:1.0' }, { name: 'side', image: 'nginx' }],
  ephemeralContainers: [{ name: 'debug', image: 'alpine@sha256:' + 'a'.repeat(64) }],
}
const template = { metadata: { labels: { app: 'x' } }, spec: podSpec }

const objects: Record<string, { object: object; prefix: string }> = {
  Pod: { object: { apiVersion: 'v1', kind: 'Pod', spec: podSpec }, prefix: '/spec' },
  PodTemplate: { object: { apiVersion: 'v1', kind: 'PodTemplate', template }, prefix: '/template/spec' },
  ReplicationController: { object: { apiVersion: 'v1', kind: 'ReplicationController', spec: { template } }, prefix: '/spec/template/spec' },
  Deployment: { object: { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 1, template } }, prefix: '/spec/template/spec' },
  ReplicaSet: { object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: { template } }, prefix: '/spec/template/spec' },
  StatefulSet: { object: { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { template } }, prefix: '/spec/template/spec' },
  DaemonSet: { object: { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template } }, prefix: '/spec/template/spec' },
  Job: { object: { apiVersion: 'batch/v1', kind: 'Job', spec: { template } }, prefix: '/spec/template/spec' },
  CronJob: { object: { apiVersion: 'batch/v1', kind: 'CronJob', spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } }, prefix: '/spec/jobTemplate/spec/template/spec' },
}

it('every workload kind: init, regular and ephemeral containers, in order, with pointers', () => {
  assert.deepEqual([...WORKLOAD_KINDS].sort(), Object.keys(objects).sort())
  for (const [kind, { object, prefix }] of Object.entries(objects)) {
    assert.deepEqual(workloadImages(object), [
      { pointer: `${prefix}/initContainers/0/image`, image: 'busybox:1.36', list: 'initContainers', container: 'init' },
      { pointer: `${prefix}/containers/0/image`, image: 'registry.example.com/acme/app:1.0', list: 'containers', container: 'app' },
      { pointer: `${prefix}/containers/1/image`, image: 'nginx', list: 'containers', container: 'side' },
      { pointer: `${prefix}/ephemeralContainers/0/image`, image: 'alpine@sha256:' + 'a'.repeat(64), list: 'ephemeralContainers', container: 'debug' },
    ], kind)
  }
})

it('each pointer resolves to the image in the object (RFC 6901 walk)', () => {
  for (const { object } of Object.values(objects)) {
    for (const found of workloadImages(object) ?? []) {
      const value = found.pointer.split('/').slice(1).reduce<unknown>((node, token) => (node as Record<string, unknown>)[token], object)
      assert.equal(value, found.image)
    }
  }
})

it('the kind may come from the caller (AdmissionReview request.kind)', () => {
  assert.equal(workloadImages({ spec: podSpec }, 'Pod')?.length, 4)
  assert.equal(workloadImages({ spec: podSpec }), undefined)
})

it('kinds without a pod spec have no images; absent specs and lists give none', () => {
  assert.equal(workloadImages({ kind: 'ConfigMap', data: { image: 'x' } }), undefined)
  assert.equal(workloadImages({ kind: 'Service', spec: podSpec }), undefined)
  assert.deepEqual(workloadImages({ kind: 'Deployment', spec: {} }), [])
  assert.deepEqual(workloadImages({ kind: 'CronJob', spec: { jobTemplate: null } }), [])
  assert.deepEqual(workloadImages({ kind: 'Pod', spec: { containers: [] } }), [])
})

it('a container without an image is skipped (workload templates may leave it to a controller)', () => {
  assert.deepEqual(workloadImages({ kind: 'Pod', spec: { containers: [{ name: 'a' }, { name: 'b', image: '' }, { name: 'c', image: 'x' }] } }), [
    { pointer: '/spec/containers/2/image', image: 'x', list: 'containers', container: 'c' },
  ])
})

it('a value of the wrong type is an error naming its pointer', () => {
  const shape = (object: unknown, pointer: string): void => {
    assert.throws(() => workloadImages(object), (err: unknown) => err instanceof WorkloadShapeError && err.pointer === pointer)
  }
  shape({ kind: 'Pod', spec: { containers: {} } }, '/spec/containers')
  shape({ kind: 'Pod', spec: { containers: ['x'] } }, '/spec/containers/0')
  shape({ kind: 'Pod', spec: { initContainers: [{ image: 42 }] } }, '/spec/initContainers/0/image')
  shape({ kind: 'Deployment', spec: { template: [] } }, '/spec/template')
  shape({ kind: 'CronJob', spec: { jobTemplate: 'x' } }, '/spec/jobTemplate')
  assert.throws(() => workloadImages([]), WorkloadShapeError)
  assert.throws(() => workloadImages(null), WorkloadShapeError)
})

it('pointer tokens escape ~ and / (RFC 6901 section 3)', () => {
  assert.equal(escapePointerToken('a/b~c'), 'a~1b~0c')
})
