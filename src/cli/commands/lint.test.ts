/**
 * `drydock lint` as a real process: every format on a multi-stage Dockerfile with planted
 * secrets (never printed raw), SARIF validated against the published 2.1.0 schema, the
 * severity filter and exit codes.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sarifValidator } from '../../scanner/report/testing/report-schemas.ts'
import { NODE_BIN, REPO_ROOT } from '../../testkit/repo-paths.ts'

const MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts')
const GH_TOKEN = 'ghp_' + 'R4nd0mL00k1ngT0k3nF0rT3st1ngXyZ12345'.slice(0, 36)
const PASSWORD = 'mysecretpassword'
const DOCKERFILE = `FROM node:latest AS build
ARG NPM_TOKEN=${GH_TOKEN}
ENV DB_PASSWORD=${PASSWORD}
RUN curl -fsSL https://deb.example.com/setup.sh | bash - && apt-get install -y nodejs
FROM debian:12-slim
EXPOSE 22
COPY --from=build /app /app
`

function lint(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  return lintWithInput(cwd, undefined, ...args)
}

function lintWithInput(cwd: string, input: string | undefined, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE_BIN, [MAIN, 'lint', ...args], { cwd, encoding: 'utf8', timeout: 60_000, ...(input !== undefined ? { input } : {}) })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('drydock lint (process)', () => {
  let dir = ''
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drydock-lint-'))
    await writeFile(join(dir, 'Dockerfile'), DOCKERFILE)
    await writeFile(join(dir, 'clean.Dockerfile'), 'FROM debian:12.5-slim\nUSER 1000\nHEALTHCHECK CMD ["/app/health"]\n')
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('table (default ./Dockerfile): findings from every stage, secrets redacted', () => {
    const r = lint(dir)
    assert.equal(r.code, 0, r.stderr)
    for (const id of ['DKL-DI-0006', 'CIS-DI-0010', 'DRY-DI-0001', 'DRY-DI-0002', 'DKL-DI-0005', 'DRY-DI-0004', 'CIS-DI-0001', 'CIS-DI-0006']) assert.match(r.stdout, new RegExp(id))
    assert.match(r.stdout, /Dockerfile:3 \(stage build\)/)
    assert.match(r.stdout, /DB_PASSWORD=myse\*\*\*\*/)
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stdout.includes(GH_TOKEN))
  })

  it('json: rule id, severity and line of each finding', () => {
    const r = lint(dir, 'Dockerfile', '--format', 'json')
    const doc = JSON.parse(r.stdout) as { findings: { id: string; severity: string; location: { line: number; stage: string } }[] }
    const arg = doc.findings.find((f) => f.id === 'CIS-DI-0010' && f.location.line === 2)
    assert.deepEqual([arg?.severity, arg?.location.stage], ['CRITICAL', 'build'])
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stdout.includes(GH_TOKEN))
  })

  it('sarif: valid SARIF 2.1.0 with startLine regions, secrets redacted', () => {
    const r = lint(dir, '--format', 'sarif')
    assert.equal(r.code, 0, r.stderr)
    const doc = JSON.parse(r.stdout) as { version: string; runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] }
    assert.equal(sarifValidator()(doc), undefined)
    assert.equal(doc.version, '2.1.0')
    const pipe = doc.runs[0]?.results.find((x) => x.ruleId === 'DRY-DI-0001')
    assert.deepEqual([pipe?.level, pipe?.locations[0]?.physicalLocation.region.startLine], ['error', 4])
    assert.ok(!r.stdout.includes(PASSWORD) && !r.stdout.includes(GH_TOKEN))
  })

  it('the SARIF schema check really rejects a broken document', () => {
    assert.notEqual(sarifValidator()({ version: '2.1.0', runs: [{ results: [] }] }), undefined)
  })

  it('--severity filters and --exit-code gates', () => {
    const critical = lint(dir, '--severity', 'CRITICAL', '--exit-code', '4', '--format', 'json')
    assert.equal(critical.code, 4)
    const ids = new Set((JSON.parse(critical.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id))
    assert.deepEqual([...ids], ['CIS-DI-0010'])
    assert.equal(lint(dir, 'clean.Dockerfile', '--exit-code', '4').code, 0)
  })

  it('reads the Dockerfile from stdin with -', () => {
    const r = lintWithInput(dir, 'FROM alpine:latest\nUSER 1000\nHEALTHCHECK CMD true\n', '-', '--format', 'json', '--exit-code', '5')
    assert.equal(r.code, 5, r.stderr)
    assert.deepEqual((JSON.parse(r.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id), ['DKL-DI-0006'])
  })

  it('usage errors exit 2', () => {
    assert.equal(lint(dir, 'missing.Dockerfile').code, 2)
    assert.equal(lint(dir, '--format', 'xml').code, 2)
    assert.equal(lint(dir, '--severity', 'SEVERE').code, 2)
  })
})
