import assert from 'node:assert/strict'
import { it } from 'node:test'
import { decodeBase64, decodeBase64Url } from './strict-base64.ts'

it('decodes canonical base64url and refuses junk, padding, the wrong alphabet and nonzero unused bits', () => {
  for (const n of [0, 1, 2, 3, 31, 32, 64]) {
    const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff))
    assert.deepEqual(decodeBase64Url(bytes.toString('base64url')), bytes)
  }
  for (const bad of ['QQ!!', 'QQ==', 'QQ=', 'Q', 'QR', 'a+b/', 'QQ ', ' QQ', 'Q\nQ']) assert.equal(decodeBase64Url(bad), undefined, bad)
})

it('decodes canonical padded base64 only', () => {
  assert.equal(decodeBase64(Buffer.from('root:secret').toString('base64'))?.toString(), 'root:secret')
  assert.deepEqual(decodeBase64(''), Buffer.alloc(0))
  for (const bad of ['cm9vdDpzZWNyZXQ=!!', 'cm9vdDpzZWNyZXQ', 'cm9vdDpzZWNyZXR=', 'cm9v dDpz', 'cm9-dDpz', 'QQ=', 'QQ===', 'QR==']) {
    assert.equal(decodeBase64(bad), undefined, bad)
  }
})
