/**
 * Assertions shared by the conformance tests: the error envelope (spec "Error Codes") and the
 * headers every success response must carry.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import type { OciResponse } from '../../src/testkit/oci-client.ts'

interface ErrorEnvelope {
  errors: Array<{ code: unknown; message?: unknown; detail?: unknown }>
}

/**
 * Asserts the status (one of `status`) and that the body is the spec's JSON error envelope whose
 * codes include one of `codes`. The spec lets a 4xx body be in any format, but Drydock promises
 * the envelope on every failure, so a missing or non-JSON body fails here.
 */
export function assertOciError(res: OciResponse, status: number | readonly number[], codes: string | readonly string[]): void {
  const statuses = typeof status === 'number' ? [status] : status
  const wanted = typeof codes === 'string' ? [codes] : codes
  assert.ok(statuses.includes(res.status), `expected status ${statuses.join('/')} (${wanted.join('/')}), got ${res.status}: ${res.text().slice(0, 400)}`)
  const ct = res.headers.get('content-type') ?? ''
  assert.match(ct, /json/i, `error body must be JSON, got Content-Type ${JSON.stringify(ct)}`)
  const body = res.json<ErrorEnvelope>()
  assert.ok(Array.isArray(body.errors) && body.errors.length > 0, `expected {"errors":[...]}, got ${res.text().slice(0, 400)}`)
  for (const e of body.errors) {
    assert.equal(typeof e.code, 'string', 'every error has a string code')
    assert.match(e.code as string, /^[A-Z_]+$/, 'codes are upper case with underscores')
    if (e.message !== undefined) assert.equal(typeof e.message, 'string', 'message, when present, is a string')
  }
  const got = body.errors.map((e) => e.code as string)
  assert.ok(got.some((c) => wanted.includes(c)), `expected error code ${wanted.join(' or ')}, got ${got.join(', ')}`)
}

/** Asserts a plain status, printing the body when it differs. */
export function assertStatus(res: OciResponse, status: number | readonly number[]): void {
  const statuses = typeof status === 'number' ? [status] : status
  assert.ok(statuses.includes(res.status), `expected status ${statuses.join('/')}, got ${res.status}: ${res.text().slice(0, 400)}`)
}

/** The digest of a body, in the algorithm of `like` (sha256 or sha512). */
export function bodyDigest(body: Uint8Array, like = 'sha256:'): string {
  const alg = like.startsWith('sha512:') ? 'sha512' : 'sha256'
  return `${alg}:${createHash(alg).update(body).digest('hex')}`
}

/** Location headers may be absolute or relative; both must be present and non-empty. */
export function assertLocation(res: OciResponse): string {
  const loc = res.headers.get('location')
  assert.ok(loc !== null && loc.length > 0, `expected a Location header (status ${res.status})`)
  return loc
}
