// The secret-scan config file: a valid file becomes scan options that really change the scan;
// every malformed value is a clear error.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Digest } from '../../../oci/digest.ts'
import { createSecretFileScanner } from './secret-analyzer.ts'
import { parseSecretConfig, SecretConfigError } from './secret-config.ts'

const diffId = `sha256:${'c'.repeat(64)}` as Digest
const token = `glpat-${'Xy7Qw3Er9Tz5Ui1Op4As'}`

describe('secret config file', () => {
  it('applies allowlists, disabled rules and the size limit', () => {
    const opts = parseSecretConfig(['allowlist:', '  paths: ["**/testdata/**"]', 'disable-rules: [jwt-token]', 'max-file-bytes: 2048'].join('\n'))
    const scanner = createSecretFileScanner(opts)
    const content = Buffer.from(`TOKEN=${token}\nJWT=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlMTIzNDU2Nzg5MA\n`)
    assert.deepEqual(scanner.scan({ path: 'app/.env', content, diffId }).map((f) => f.id), ['gitlab-pat'])
    assert.equal(scanner.wants('src/testdata/keys', 10), false)
    assert.equal(scanner.wants('app/big', 4096), false)
    const fp = scanner.scan({ path: 'app/.env', content, diffId })[0]?.fingerprint ?? ''
    const byFp = createSecretFileScanner(parseSecretConfig(JSON.stringify({ allowlist: { fingerprints: [fp] } })))
    assert.deepEqual(byFp.scan({ path: 'app/.env', content, diffId }).map((f) => f.id), ['jwt-token'])
    assert.deepEqual(parseSecretConfig(''), {})
  })

  it('rejects typos and malformed values with a clear message', () => {
    const cases: [string, RegExp][] = [
      ['allowlst: {}', /unknown key allowlst/],
      ['disable-rules: [aws-key]', /unknown rule aws-key/],
      ['allowlist: { rules: [nope] }', /unknown rule nope/],
      ['allowlist: { fingerprints: [abc] }', /fingerprints look like/],
      ['allowlist: { paths: ["/(/"] }', /bad path regex/],
      ['allowlist: { paths: "x" }', /must be a list of strings/],
      ['max-file-bytes: -1', /positive integer/],
      ['- a', /must be a mapping/],
      ['a: [', /not valid YAML/],
    ]
    for (const [text, re] of cases) assert.throws(() => parseSecretConfig(text), (err: unknown) => err instanceof SecretConfigError && re.test(err.message), text)
  })
})
