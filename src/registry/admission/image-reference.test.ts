// Kubernetes image strings read as the runtimes read them: Docker Hub defaults, digests pin.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { canonicalImage, ImageReferenceError, isOnRegistry, parseKubernetesImage, pinnedImage } from './image-reference.ts'

const D = 'sha256:' + 'b'.repeat(64)

it('Docker Hub defaults: docker.io, library/, latest', () => {
  const cases: Record<string, string> = {
    nginx: 'docker.io/library/nginx:latest',
    'nginx:1.27': 'docker.io/library/nginx:1.27',
    'acme/app': 'docker.io/acme/app:latest',
    'docker.io/nginx': 'docker.io/library/nginx:latest',
    'index.docker.io/nginx:1': 'docker.io/library/nginx:1',
    'registry-1.docker.io/acme/app:2': 'docker.io/acme/app:2',
    'localhost/app': 'localhost/app:latest',
    'localhost:5000/a/b:c': 'localhost:5000/a/b:c',
    'Registry.Example.com:443/acme/app:v1': 'registry.example.com:443/acme/app:v1',
    '[::1]:5000/acme/app': '[::1]:5000/acme/app:latest',
    [`nginx@${D}`]: `docker.io/library/nginx@${D}`,
    [`h.example/acme/app:1.0@${D}`]: `h.example/acme/app@${D}`,
  }
  for (const [written, canonical] of Object.entries(cases)) assert.equal(canonicalImage(parseKubernetesImage(written)), canonical, written)
})

it('a digest pins whatever the tag says; the host keeps its written spelling for pinning', () => {
  const image = parseKubernetesImage(`Registry.Example.com:5000/acme/app:1.0@${D}`)
  assert.equal(image.tag, '1.0')
  assert.equal(image.digest, D)
  assert.equal(image.host, 'Registry.Example.com:5000')
  assert.equal(image.registry, 'registry.example.com:5000')
  assert.equal(pinnedImage(parseKubernetesImage('registry.example.com/acme/app'), D), `registry.example.com/acme/app@${D}`)
  assert.equal(pinnedImage(parseKubernetesImage('nginx'), D), `docker.io/library/nginx@${D}`)
})

it('an upper-case first segment is a host (a repository name cannot hold one)', () => {
  assert.equal(parseKubernetesImage('MyHost/app').registry, 'myhost')
})

it('registry hosts compare without case and fold Docker Hub aliases', () => {
  assert.equal(isOnRegistry(parseKubernetesImage('REG.example:5000/a'), ['reg.example:5000']), true)
  assert.equal(isOnRegistry(parseKubernetesImage('reg.example/a'), ['reg.example:5000']), false)
  assert.equal(isOnRegistry(parseKubernetesImage('nginx'), ['index.docker.io']), true)
})

it('strings no runtime could pull are refused with a one-line reason', () => {
  const bad: Record<string, RegExp> = {
    '': /empty/,
    ' nginx': /whitespace/,
    'docker://nginx': /transport prefix/,
    'Nginx': /invalid repository name/,
    'acme/App': /invalid repository name/,
    'nginx:': /invalid tag/,
    'nginx:-x': /invalid tag/,
    'nginx@sha256:abc': /invalid digest/,
    'bad_host.example/app': /invalid registry host/,
    [`h.example/${'a'.repeat(1100)}`]: /longer than 1024/,
  }
  for (const [written, reason] of Object.entries(bad)) {
    assert.throws(() => parseKubernetesImage(written), (err: unknown) => err instanceof ImageReferenceError && reason.test(err.message) && !err.message.includes('\n'), written)
  }
})
