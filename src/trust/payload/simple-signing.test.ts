import assert from 'node:assert/strict'
import { test } from 'node:test'
import { digestOf } from '../../oci/digest.ts'
import { TrustError } from '../trust-errors.ts'
import { buildSimpleSigningPayload, parseSimpleSigningPayload, referenceMatches } from './simple-signing.ts'

const digest = digestOf('manifest')

test('payload is cosign\'s simple-signing JSON and parses back', () => {
  const bytes = buildSimpleSigningPayload('reg.example:5000/team/app', digest)
  assert.equal(bytes.toString(), `{"critical":{"identity":{"docker-reference":"reg.example:5000/team/app"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`)
  assert.deepEqual(parseSimpleSigningPayload(bytes), { dockerReference: 'reg.example:5000/team/app', manifestDigest: digest, annotations: null })
  const withAnn = parseSimpleSigningPayload(buildSimpleSigningPayload('r/a', digest, { build: '42' }))
  assert.deepEqual(withAnn.annotations, { build: '42' })
})

test('malformed payloads are refused with PAYLOAD_INVALID or TOO_LARGE', () => {
  const code = (c: string) => (e: unknown) => e instanceof TrustError && e.code === c
  assert.throws(() => parseSimpleSigningPayload(Buffer.from('nope')), code('PAYLOAD_INVALID'))
  assert.throws(() => parseSimpleSigningPayload(Buffer.from('{"critical":{"type":"other"}}')), code('PAYLOAD_INVALID'))
  const noDigest = `{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"sha256:xyz"},"type":"cosign container image signature"}}`
  assert.throws(() => parseSimpleSigningPayload(Buffer.from(noDigest)), code('PAYLOAD_INVALID'))
  assert.throws(() => parseSimpleSigningPayload(Buffer.alloc(65 * 1024, 0x20)), code('TOO_LARGE'))
})

test('referenceMatches compares host and repository, ignoring tags and digests', () => {
  assert.equal(referenceMatches('h:5000/team/app', 'h:5000', 'team/app'), true)
  assert.equal(referenceMatches('h:5000/team/app:v1', 'h:5000', 'team/app'), true)
  assert.equal(referenceMatches(`h:5000/team/app@${digest}`, 'h:5000', 'team/app'), true)
  assert.equal(referenceMatches('h:5000/team/other', 'h:5000', 'team/app'), false)
  assert.equal(referenceMatches('evil:5000/team/app', 'h:5000', 'team/app'), false)
  // Without a registry (server side) only the repository is compared.
  assert.equal(referenceMatches('any.host/team/app', undefined, 'team/app'), true)
  assert.equal(referenceMatches('x/evil/team/app', undefined, 'team/app'), false)
  assert.equal(referenceMatches('team/app-2', undefined, 'team/app'), false)
})

test('a payload Go would read differently is refused: duplicate or case-variant keys', () => {
  const a = digestOf('image a')
  const b = digestOf('image b')
  const critical = (d: string): string => `{"identity":{"docker-reference":"r.example/app"},"image":{"docker-manifest-digest":"${d}"},"type":"cosign container image signature"}`
  const ambiguous = [
    // Go's decoder takes "Critical" (the last case-insensitive match): it would verify image b.
    `{"critical":${critical(a)},"Critical":${critical(b)},"optional":null}`,
    `{"critical":${critical(a)},"critical":${critical(b)},"optional":null}`,
    `{"critical":{"identity":{"docker-reference":"r.example/app"},"image":{"docker-manifest-digest":"${a}","Docker-Manifest-Digest":"${b}"},"type":"cosign container image signature"},"optional":null}`,
  ]
  for (const text of ambiguous) {
    assert.throws(() => parseSimpleSigningPayload(Buffer.from(text)), (err: unknown) => err instanceof TrustError && err.code === 'PAYLOAD_INVALID', text)
  }
  assert.equal(parseSimpleSigningPayload(Buffer.from(`{"critical":${critical(a)},"optional":{"Foo":"1","foo":"2"}}`)).manifestDigest, a, 'optional is a map: keys differing in case are distinct')
})
