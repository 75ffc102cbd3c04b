import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { composeImageSites } from './compose.ts'
import { PinFileError, spliceImages } from './pin-format.ts'

const DIGEST = `sha256:${'b'.repeat(64)}`

const COMPOSE = `# production stack
services:
  web:
    image: "registry.example.com/acme/web:1.4"   # the app
    ports: ["8080:80"]
  worker:
    image: registry.example.com/acme/worker:1.4
    deploy: { replicas: 2 }
  cache:
    image: 'redis:7'
  builder:
    build: .
`

describe('Compose sites', () => {
  it('finds services.*.image and keeps quoting, comments and flow style when splicing', () => {
    const sites = composeImageSites('compose.yaml', COMPOSE)
    assert.deepEqual(sites.map((s) => [s.where, s.image, s.style]), [
      ['services.web.image', 'registry.example.com/acme/web:1.4', 'double'],
      ['services.worker.image', 'registry.example.com/acme/worker:1.4', 'plain'],
      ['services.cache.image', 'redis:7', 'single'],
    ])
    const out = spliceImages(COMPOSE, sites, new Map([[0, `registry.example.com/acme/web@${DIGEST}`], [1, `registry.example.com/acme/worker@${DIGEST}`]]))
    assert.equal(out, COMPOSE
      .replace('"registry.example.com/acme/web:1.4"', `"registry.example.com/acme/web@${DIGEST}"`)
      .replace('registry.example.com/acme/worker:1.4', `registry.example.com/acme/worker@${DIGEST}`))
  })

  it('refuses a file without services, and an image that is not a string', () => {
    assert.throws(() => composeImageSites('c.yaml', 'version: "3"\n'), /no services map/)
    assert.throws(() => composeImageSites('c.yaml', 'services:\n  a:\n    image: [x]\n'), PinFileError)
    assert.throws(() => composeImageSites('c.yaml', 'services:\n  a:\n    image: |\n      x/y:1\n'), /block scalar/)
  })
})
