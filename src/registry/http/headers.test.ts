import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isRegistryError } from '../../oci/errors.ts'
import { nextLink, parseContentLength, parseContentRange, parsePageSize, parseRangeHeader, uploadRange } from './headers.ts'
import { matchOciPath } from './oci/oci-router.ts'

describe('header parsing', () => {
  it('parses blob Range headers and refuses unsatisfiable ones with 416', () => {
    assert.deepEqual(parseRangeHeader('bytes=0-0', 10), { start: 0, end: 0 })
    assert.deepEqual(parseRangeHeader('bytes=5-100', 10), { start: 5, end: 9 })
    assert.deepEqual(parseRangeHeader('bytes=-4', 10), { start: 6, end: 9 })
    assert.deepEqual(parseRangeHeader('bytes=-40', 10), { start: 0, end: 9 })
    assert.equal(parseRangeHeader(undefined, 10), undefined)
    assert.equal(parseRangeHeader('bytes=0-1,3-4', 10), undefined, 'multiple ranges: whole blob')
    for (const bad of ['bytes=10-', 'bytes=5-2', 'bytes=-0', 'bytes=-', 'items=1-2', 'bytes=99999999999999999-']) {
      assert.throws(() => parseRangeHeader(bad, 10), (e: unknown) => isRegistryError(e) && e.status === 416, bad)
    }
  })

  it('parses upload Content-Range in the spec form and common variants', () => {
    assert.deepEqual(parseContentRange('0-99', 0), { start: 0, end: 99 })
    assert.deepEqual(parseContentRange('bytes 100-199/*', 100), { start: 100, end: 199 })
    assert.equal(parseContentRange(undefined, 0), undefined)
    assert.throws(() => parseContentRange('9-1', 5), (e: unknown) => isRegistryError(e) && e.status === 416 && e.headers['Range'] === '0-4')
    assert.throws(() => parseContentRange('abc', 0), (e: unknown) => isRegistryError(e) && e.status === 416)
    assert.equal(uploadRange(0), '0-0')
    assert.equal(uploadRange(10), '0-9')
  })

  it('validates Content-Length and n, and builds Link headers', () => {
    assert.equal(parseContentLength('42'), 42)
    assert.throws(() => parseContentLength('-1'), (e: unknown) => isRegistryError(e, 'SIZE_INVALID'))
    assert.equal(parsePageSize('5', 100), 5)
    assert.equal(parsePageSize('500', 100), 100)
    assert.throws(() => parsePageSize('x', 100), (e: unknown) => isRegistryError(e, 'PAGINATION_NUMBER_INVALID'))
    assert.equal(nextLink('/v2/a/tags/list', 2, 'b c'), '</v2/a/tags/list?n=2&last=b+c>; rel="next"')
  })
})

describe('OCI path router', () => {
  it('matches every endpoint, with slashes in names', () => {
    assert.deepEqual(matchOciPath(''), { kind: 'base' })
    assert.deepEqual(matchOciPath('_catalog'), { kind: 'catalog' })
    assert.deepEqual(matchOciPath('a/b/c/tags/list'), { kind: 'tags', name: 'a/b/c' })
    assert.deepEqual(matchOciPath('a/b/manifests/v1'), { kind: 'manifest', name: 'a/b', reference: 'v1' })
    assert.deepEqual(matchOciPath('a/blobs/uploads/'), { kind: 'uploads', name: 'a' })
    assert.deepEqual(matchOciPath('a/blobs/uploads'), { kind: 'uploads', name: 'a' })
    assert.deepEqual(matchOciPath('a/blobs/uploads/xyz'), { kind: 'upload', name: 'a', id: 'xyz' })
    assert.deepEqual(matchOciPath('a/blobs/sha256:00'), { kind: 'blob', name: 'a', digest: 'sha256:00' })
    assert.deepEqual(matchOciPath('a/referrers/sha256%3A00'), { kind: 'referrers', name: 'a', digest: 'sha256:00' })
    assert.deepEqual(matchOciPath('manifests/manifests/x'), { kind: 'manifest', name: 'manifests', reference: 'x' })
    assert.equal(matchOciPath('a/unknown'), undefined)
  })

  it('rejects invalid names with NAME_INVALID', () => {
    for (const bad of ['A/manifests/x', '../x/manifests/x', 'a//b/tags/list', '-a/blobs/uploads/']) {
      assert.throws(() => matchOciPath(bad), (e: unknown) => isRegistryError(e, 'NAME_INVALID'), bad)
    }
  })
})
