// Hostile content: 10 MiB files built to make backtracking regexes explode (long runs of secret
// characters, repeated prefixes without the rest, keywords everywhere) must finish quickly,
// and a file full of real-looking keys yields a capped number of findings.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Digest } from '../../../oci/digest.ts'
import { scanText } from './scan-text.ts'
import { createSecretFileScanner } from './secret-analyzer.ts'
import { BUILTIN_SECRET_RULES } from './secret-rules.ts'

const MIB = 1024 * 1024
const fill = (unit: string, bytes = 10 * MIB): string => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes)

const adversarial: Record<string, string> = {
  'one long run of letters': fill('a'),
  'AKIA prefixes without a key': fill('AKIA'),
  'ghp_ prefixes joined by dashes': fill('ghp_-'),
  'JWT-looking segments with dots': fill('eyJaaaaaaaaa.'),
  'JWT heads split by dashes': fill('eyJ-'),
  'password= with nothing after': fill('password='),
  'password names separated by dots': fill('a_password.'),
  'assignments with long values': fill(`DB_PASSWORD=${'x1'.repeat(200)} `),
  'PEM headers without an end': fill('-----BEGIN RSA PRIVATE KEY-----'),
  'secret_access_key heads': fill('aws_secret_access_key='),
  'AccountKey heads': fill('AccountKey='),
  'auth keys in JSON': fill('"auth":"'),
  'slack prefixes': fill('xoxb-'),
  'pypi prefixes': fill('pypi-AgEIcHlwaS5vcmc'),
}

describe('secret scanning on hostile content', () => {
  for (const [name, text] of Object.entries(adversarial)) {
    it(`10 MiB of ${name} finishes in time`, () => {
      const t0 = performance.now()
      scanText(text, BUILTIN_SECRET_RULES, { path: 'root/.npmrc' })
      const ms = performance.now() - t0
      // Linear scans take a second or two on a loaded CI machine; catastrophic backtracking takes hours.
      assert.ok(ms < 15_000, `took ${Math.round(ms)} ms`)
    })
  }

  it('a file full of keys gives a capped number of findings through the file scanner', () => {
    const key = 'ghp_' + 'A1b2C3d4E5'.repeat(3) + 'ZyXwVu'
    const content = Buffer.from(fill(`GITHUB_TOKEN=${key}\n`))
    const t0 = performance.now()
    const found = createSecretFileScanner({ maxFileBytes: 16 * MIB }).scan({ path: 'app/tokens', content, diffId: `sha256:${'0'.repeat(64)}` as Digest })
    assert.ok(performance.now() - t0 < 10_000)
    assert.equal(found.length, 100)
    assert.ok(found.every((f) => f.id === 'github-pat' && f.match === 'ghp_****'))
  })
})
