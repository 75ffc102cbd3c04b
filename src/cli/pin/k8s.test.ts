import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { kubernetesImageSites } from './k8s.ts'
import { PinFileError, spliceImages } from './pin-format.ts'

const DIGEST = `sha256:${'c'.repeat(64)}`

const MANIFESTS = `# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web  # keep this comment
spec:
  template:
    spec:
      initContainers:
      - name: migrate
        image: reg.example.com/acme/web:2.0   # same image, runs first
      containers:
      - name: web
        image: "reg.example.com/acme/web:2.0"
        args: [--port, "8080"]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}]}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: report
              image: reg.example.com/acme/report@${DIGEST}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: debug}
  spec:
    containers: [{name: sh, image: busybox}]
`

describe('Kubernetes sites', () => {
  it('finds the images of every workload document, init containers first, and of kind: List items', () => {
    const sites = kubernetesImageSites('app.yaml', MANIFESTS)
    assert.deepEqual(sites.map((s) => [s.where, s.image]), [
      ['document 1 (Deployment web) /spec/template/spec/initContainers/0/image', 'reg.example.com/acme/web:2.0'],
      ['document 1 (Deployment web) /spec/template/spec/containers/0/image', 'reg.example.com/acme/web:2.0'],
      ['document 3 (CronJob nightly) /spec/jobTemplate/spec/template/spec/containers/0/image', `reg.example.com/acme/report@${DIGEST}`],
      ['document 4 (Pod debug) /items/0/spec/containers/0/image', 'busybox'],
    ])
  })

  it('changes only the image strings: comments, documents and flow style stay byte for byte', () => {
    const sites = kubernetesImageSites('app.yaml', MANIFESTS)
    const pinned = `reg.example.com/acme/web@${DIGEST}`
    const out = spliceImages(MANIFESTS, sites, new Map([[0, pinned], [1, pinned]]))
    assert.equal(out, MANIFESTS.replace('image: reg.example.com/acme/web:2.0 ', `image: ${pinned} `).replace('"reg.example.com/acme/web:2.0"', `"${pinned}"`))
    assert.match(out, /# keep this comment/)
    assert.deepEqual(kubernetesImageSites('app.yaml', out).map((s) => s.image).slice(0, 2), [pinned, pinned])
  })

  it('refuses invalid YAML and a workload whose containers are not a list', () => {
    assert.throws(() => kubernetesImageSites('a.yaml', 'kind: Pod\nspec: [\n'), PinFileError)
    assert.throws(() => kubernetesImageSites('a.yaml', 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers: {image: x}\n'), /containers: must be a list/)
  })
})
