// Every built-in rule against a synthetic secret of the documented shape, the placeholders it
// must ignore, redaction (the raw secret never appears in a finding) and allowlists.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { scanText, redactSecretsIn } from './scan-text.ts'
import { BUILTIN_SECRET_RULES } from './secret-rules.ts'
import { createSecretFileScanner } from './secret-analyzer.ts'
import { fingerprintSecret } from './redact.ts'
import type { Digest } from '../../../oci/digest.ts'

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
function rand(n: number, alphabet = ALNUM): string {
  const bytes = randomBytes(n)
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('')
}
const B64 = `${ALNUM}+/`
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

// [rule id, text, secret, path?]
const awsId = `AKIA${rand(16, UPPER32)}`
const awsSecret = rand(40, B64)
const pemBody = rand(64, B64)
const cases: [string, string, string, string?][] = [
  ['aws-access-key-id', `aws_access_key_id = ${awsId}\n`, awsId],
  ['aws-secret-access-key', `aws_secret_access_key = ${awsSecret}\n`, awsSecret],
  ['private-key', `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n${pemBody}\n-----END RSA PRIVATE KEY-----\n`, pemBody + pemBody],
  ['private-key', `-----BEGIN OPENSSH PRIVATE KEY-----\n${pemBody}\n-----END OPENSSH PRIVATE KEY-----\n`, pemBody],
  ['private-key', `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${pemBody}\n-----END ENCRYPTED PRIVATE KEY-----\n`, pemBody],
  ['private-key', `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${pemBody}\n-----END PGP PRIVATE KEY BLOCK-----\n`, pemBody],
  ['gcp-service-account', `{"type": "service_account", "private_key_id": "${rand(40, '0123456789abcdef')}"}`, ''],
  ['azure-storage-account-key', `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${rand(86, B64)}==;EndpointSuffix=core.windows.net`, ''],
  ['github-pat', `token: ghp_${rand(36)}`, ''],
  ['github-oauth', `gho_${rand(36)}`, ''],
  ['github-app-token', `ghu_${rand(36)} ghs_${rand(36)}`, ''],
  ['github-refresh-token', `ghr_${rand(76)}`, ''],
  ['github-fine-grained-pat', `github_pat_${rand(22)}_${rand(59)}`, ''],
  ['gitlab-pat', `glpat-${rand(20)}`, ''],
  ['slack-token', `xoxb-${rand(12, '0123456789')}-${rand(24)}`, ''],
  ['slack-webhook-url', `https://hooks.slack.com/services/T${rand(9, UPPER32)}/B${rand(9, UPPER32)}/${rand(24)}`, ''],
  ['stripe-secret-key', `sk_live_${rand(24)}`, ''],
  ['npm-access-token', `npm_${rand(36)}`, ''],
  ['pypi-upload-token', `pypi-AgEIcHlwaS5vcmc${rand(70)}`, ''],
  ['docker-config-auth', `{"auths":{"registry.example.com":{"auth":"${Buffer.from(`user:${rand(12)}`).toString('base64')}"}}}`, '', 'root/.docker/config.json'],
  ['npmrc-auth-token', `//registry.example.com/:_authToken=${rand(30)}\n`, '', 'home/app/.npmrc'],
  ['pypirc-password', `[pypi]\nusername = me\npassword = ${rand(20)}\n`, '', 'root/.pypirc'],
  ['netrc-password', `machine example.com login me password ${rand(16)}\n`, '', 'root/.netrc'],
  ['git-credentials', `https://me:${rand(20)}@github.example.com\n`, '', 'root/.git-credentials'],
  ['jwt-token', `Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${rand(43)}`, ''],
  ['generic-secret-assignment', 'DB_PASSWORD=mysecretpassword', 'mysecretpassword'],
  ['generic-secret-assignment', `  "apiKey": "${rand(24)}",`, ''],
  ['generic-secret-assignment', `export SERVICE_TOKEN='${rand(32)}'`, ''],
  ['generic-secret-assignment', 'db_password = "Tr0ub4dor&3x"', 'Tr0ub4dor&3x'],
  // A shell command prefixed by an assignment: the value ends at the space, the command follows.
  ['generic-secret-assignment', 'DB_PASSWORD=mysecretpassword ./run --migrate', 'mysecretpassword'],
  ['generic-secret-assignment', 'admin_password: Zq8vN2rT5wLk  # set by the installer', 'Zq8vN2rT5wLk'],
  ['generic-secret-assignment', '--db-password=Zq8vN2rT5wLk', 'Zq8vN2rT5wLk'],
  ['generic-secret-assignment', 'vault-token: s8Kq2LmZ0xVw7RtY', 's8Kq2LmZ0xVw7RtY'],
  ['generic-secret-assignment', 'DB_PASSWORD=correct-horse-battery-staple', 'correct-horse-battery-staple'],
]

describe('built-in secret rules', () => {
  cases.forEach(([id, text, secret, path], i) => {
    it(`${id} finds its secret (case ${i})`, () => {
      const found = scanText(text, BUILTIN_SECRET_RULES, path ? { path } : {})
      assert.ok(found.some((f) => f.rule.id === id), `expected ${id}, got ${found.map((f) => f.rule.id).join(',') || 'nothing'}`)
      for (const f of found) {
        assert.match(f.redacted, /^.{0,4}\*\*\*\*$/)
        assert.match(f.fingerprint, /^sha256:[0-9a-f]{16}$/)
        assert.equal(f.line >= 1, true)
      }
      if (secret !== '') {
        const f = found.find((x) => x.rule.id === id)
        assert.equal(f?.fingerprint, fingerprintSecret(secret))
        assert.ok(!JSON.stringify(found).includes(secret))
      }
    })
  })

  it('ignores placeholders, variables, examples and code', () => {
    const text = [
      'DB_PASSWORD=changeme', 'API_TOKEN=${API_TOKEN}', 'password: <password>', 'SECRET_KEY=xxxxxxxx', 'MY_SECRET=$SECRET',
      'password = getpass.getpass()', "token = os.environ['TOKEN']", 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'PASSWORD={{ vault_password }}', 'PASSWORD_FILE=/run/secrets/db', 'token: aaaaaaaaaaaa',
      'conn = Client(address, authkey=self._authkey)', 'cache_token = current_token', 'ERRORTOKEN = token.ERRORTOKEN',
      'secret = pass:insta # openssl.cnf sample',
    ].join('\n')
    const found = scanText(text, BUILTIN_SECRET_RULES, { path: 'etc/app.conf' })
    assert.deepEqual(found.map((f) => `${f.rule.id}@${f.line}`), [])
  })

  it('ignores phrases and kebab-case words after a name that ends in a secret word', () => {
    const text = [
      'passwd: elevated-privileges 4755 root/root [usr/bin/passwd]', // lintian override: package, tag, context
      'base-passwd: no-debconf-config', // lintian override: package and tag
      'Password: shown in the settings page', // prose after a label
      'reset_token: single-use-only',
      'token_mode = time-based-otp',
    ].join('\n')
    assert.deepEqual(scanText(text, BUILTIN_SECRET_RULES, { path: 'usr/share/doc/x/NOTES' }).map((f) => `${f.rule.id}@${f.line}`), [])
  })

  it('finds nothing in the real lintian overrides of a Debian bookworm minbase system', () => {
    const dir = join(import.meta.dirname, 'testdata', 'debian-lintian-overrides')
    const files = readdirSync(dir).filter((f) => f !== 'README.md')
    assert.equal(files.length, 31)
    const found = files.flatMap((f) => scanText(readFileSync(join(dir, f), 'utf8'), BUILTIN_SECRET_RULES, { path: `usr/share/lintian/overrides/${f}` }).map((m) => `${f}:${m.line} ${m.rule.id}`))
    assert.deepEqual(found, [])
  })

  it('path-bound rules fire only on their files', () => {
    const text = `//registry.example.com/:_authToken=${rand(30)}\n`
    assert.ok(scanText(text, BUILTIN_SECRET_RULES, { path: 'app/.npmrc' }).some((f) => f.rule.id === 'npmrc-auth-token'))
    assert.ok(!scanText(text, BUILTIN_SECRET_RULES, { path: 'app/README.md' }).some((f) => f.rule.id === 'npmrc-auth-token'))
  })

  it('reports line numbers and one finding per secret and line', () => {
    const key = `ghp_${rand(36)}`
    const found = scanText(`first\nsecond\nGITHUB_TOKEN=${key}\n`, BUILTIN_SECRET_RULES)
    assert.deepEqual(found.map((f) => [f.rule.id, f.line]), [['github-pat', 3]])
  })

  it('redactSecretsIn hides every secret of an evidence string', () => {
    const key = `ghp_${rand(36)}`
    const out = redactSecretsIn(`/bin/sh -c git clone https://x:${key}@github.com/o/r && DB_PASSWORD=mysecretpassword ./run`, BUILTIN_SECRET_RULES)
    assert.ok(!out.includes(key) && !out.includes('mysecretpassword'), out)
    assert.match(out, /ghp_\*\*\*\*/)
    const pem = redactSecretsIn(`RUN echo '-----BEGIN OPENSSH PRIVATE KEY-----\n${pemBody}\n-----END OPENSSH PRIVATE KEY-----' > k`, BUILTIN_SECRET_RULES)
    assert.ok(!pem.includes(pemBody.slice(0, 16)), pem)
  })
})

describe('secret file scanner', () => {
  const diffId = `sha256:${'a'.repeat(64)}` as Digest
  it('skips binary files and honours the size limit and allowlists', () => {
    const key = `ghp_${rand(36)}`
    const scanner = createSecretFileScanner({ maxFileBytes: 1024, allowlist: { paths: ['**/fixtures/**'], rules: ['jwt-token'] } })
    const text = Buffer.from(`TOKEN=${key}\n`)
    assert.equal(scanner.scan({ path: 'app/env', content: text, diffId }).length, 1)
    assert.equal(scanner.scan({ path: 'app/bin', content: Buffer.concat([Buffer.from([0x7f, 0x45, 0]), text]), diffId }).length, 0)
    assert.equal(scanner.wants('app/big', 4096), false)
    assert.equal(scanner.wants('src/fixtures/keys.txt', 10), false)
    const fp = scanner.scan({ path: 'app/env', content: text, diffId })[0]?.fingerprint ?? ''
    const allowFp = createSecretFileScanner({ allowlist: { fingerprints: [fp] } })
    assert.equal(allowFp.scan({ path: 'app/env', content: text, diffId }).length, 0)
  })
})
