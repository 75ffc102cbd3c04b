/**
 * The official OCI distribution-spec conformance suites (prebuilt from opencontainers/
 * distribution-spec, `../shared/tools/README.md`) run against a real Drydock: the v1.1.1 release
 * (ginkgo) and the main branch (~860 tests: sha512, non-distributable layers, artifacts, ...).
 * Each runs against an open registry and against a private one, where the suite logs in with a
 * user's password through the token flow, as clients do in production. Every test must pass.
 */
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { SHARED_DIR } from '../../src/testkit/repo-paths.ts'
import { runTool } from '../../src/testkit/run-tool.ts'
import { startDrydock, type RunningDrydock } from '../../src/testkit/start-drydock.ts'

const SUITES = [
  { name: 'v1.1.1', binary: 'oci-conformance-v1.1.1', args: ['-ginkgo.no-color'] },
  { name: 'main', binary: 'oci-conformance-main', args: [] },
] as const

const ADMIN = { user: 'conformance', password: 'conformance-password-1' }

interface JunitSummary {
  readonly tests: number
  readonly failures: number
  readonly errors: number
  readonly failed: readonly string[]
}

/** Totals of the `<testsuites>` element and the names of the test cases that failed. */
function readJunit(xml: string): JunitSummary {
  const root = /<testsuites\b([^>]*)>/.exec(xml)?.[1] ?? ''
  const attr = (name: string): number => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(root)?.[1] ?? 0)
  // ginkgo nests a <failure> element; the main branch's runner marks the test case's status.
  const failed = [...xml.matchAll(/<testcase\b([^>]*)>\s*(<(?:failure|error)\b)?/g)]
    .filter((m) => m[2] !== undefined || /\bstatus="(?:failure|error)"/.test(m[1] ?? ''))
    .map((m) => /\bname="([^"]*)"/.exec(m[1] ?? '')?.[1] ?? '?')
  return { tests: attr('tests'), failures: attr('failures'), errors: attr('errors'), failed }
}

async function runSuite(suite: (typeof SUITES)[number], dd: RunningDrydock, ns: string, login?: typeof ADMIN): Promise<JunitSummary> {
  const work = await mkdtemp(join(tmpdir(), `oci-conformance-${suite.name}-`))
  try {
    const report = join(work, 'report')
    const res = await runTool(join(SHARED_DIR, 'tools', suite.binary), [...suite.args], {
      cwd: work,
      timeoutMs: 300_000,
      env: {
        ...process.env,
        OCI_ROOT_URL: dd.url,
        OCI_NAMESPACE: `${ns}/a`,
        OCI_CROSSMOUNT_NAMESPACE: `${ns}/b`,
        OCI_TEST_PULL: '1',
        OCI_TEST_PUSH: '1',
        OCI_TEST_CONTENT_DISCOVERY: '1',
        OCI_TEST_CONTENT_MANAGEMENT: '1',
        OCI_AUTOMATIC_CROSSMOUNT: '1',
        OCI_HIDE_SKIPPED_WORKFLOWS: '0',
        OCI_REPORT_DIR: report,
        OCI_RESULTS_DIR: report,
        ...(login ? { OCI_USERNAME: login.user, OCI_PASSWORD: login.password } : {}),
      },
    })
    const xml = await readFile(join(report, 'junit.xml'), 'utf8').catch(() => '')
    assert.ok(xml !== '', `the ${suite.name} suite wrote no report (exit ${res.code}):\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`)
    const summary = readJunit(xml)
    assert.ok(summary.tests > 0, `the ${suite.name} suite ran no test`)
    assert.deepEqual(summary.failed, [], `${suite.name}: ${summary.failures} failed, ${summary.errors} errors\n${res.stdout.slice(-4000)}`)
    assert.equal(summary.failures + summary.errors, 0)
    assert.equal(res.code, 0, `the ${suite.name} suite exited ${res.code}\n${res.stdout.slice(-3000)}`)
    return summary
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

describe('official OCI conformance suites against an open Drydock', () => {
  let dd: RunningDrydock
  before(async () => {
    dd = await startDrydock({ args: ['--log-level', 'warn'] })
  })
  after(async () => dd?.stop())

  for (const suite of SUITES) {
    it(`${suite.name}: every test passes`, async () => {
      await runSuite(suite, dd, `open-${suite.name.replace(/\./g, '-')}`)
    })
  }
})

describe('official OCI conformance suites against a private Drydock (token login)', () => {
  let dd: RunningDrydock
  before(async () => {
    dd = await startDrydock({ args: ['--log-level', 'warn'], env: { DRYDOCK_ADMIN_USER: ADMIN.user, DRYDOCK_ADMIN_PASSWORD: ADMIN.password } })
  })
  after(async () => dd?.stop())

  it('refuses the suite without credentials', async () => {
    const res = await fetch(`${dd.url}/v2/`)
    assert.equal(res.status, 401)
  })

  for (const suite of SUITES) {
    it(`${suite.name}: every test passes with the user's own credentials`, async () => {
      await runSuite(suite, dd, `${ADMIN.user}/${suite.name.replace(/\./g, '-')}`, ADMIN)
    })
  }
})
