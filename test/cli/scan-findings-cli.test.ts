// `drydock scan` with every scanner, end to end: the real CLI on the image built by buildah with
// planted secrets and misconfigurations (test/findings/planted-image.ts), one report, one
// severity scale, one gate. Also: --scanners, --compliance, --secret-config, ignoring secrets by
// fingerprint, no raw secret in any format, and node-app-on-debian still reporting exactly its
// vulnerabilities and no secrets.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IMAGES_DIR, VULNDB_DIR } from '../../src/testkit/repo-paths.ts'
import { cyclonedxValidator, sarifValidator } from '../../src/scanner/report/testing/report-schemas.ts'
import { buildPlantedImage, makeSecrets } from '../findings/planted-image.ts'
import { cliSandbox, show, type CliSandbox } from './cli-harness.ts'

type Json = Record<string, any>
const planted = makeSecrets()
const RAW = [planted.awsKeyId, planted.awsSecret, planted.npmToken, planted.githubToken, planted.password, ...planted.privateKeyBody.split('\n')]
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN']
let box: CliSandbox
let work = ''
let IMAGE = ''

before(async () => {
  box = await cliSandbox()
  work = await mkdtemp(join(tmpdir(), 'drydock-scan-findings-'))
  IMAGE = await buildPlantedImage(work, planted)
  const r = await box.run(['db', 'import', join(VULNDB_DIR, 'npm')])
  assert.equal(r.code, 0, show(r))
})
after(async () => {
  await box.close()
  if (work) await rm(work, { recursive: true, force: true })
})

const json = async (args: string[], code = 0): Promise<Json> => {
  const r = await box.run(['scan', IMAGE, '--format', 'json', ...args])
  assert.equal(r.code, code, show(r))
  return JSON.parse(r.stdout) as Json
}
const of = (doc: Json, kind: string): Json[] => (doc['findings'] as Json[]).filter((f) => f['kind'] === kind)
const fileSecret = (doc: Json, id: string, path: string): Json | undefined => of(doc, 'secret').find((f) => f['id'] === id && f['location'].path === path)

test('all scanners by default: one report with secrets and misconfigurations, counts consistent', async () => {
  const doc = await json([])
  assert.deepEqual(doc['scanners'], ['vuln', 'secret', 'misconfig'])
  // busybox holds no npm package, so the npm advisories match nothing.
  assert.deepEqual(of(doc, 'vulnerability'), [])
  const aws = fileSecret(doc, 'aws-access-key-id', 'root/.aws/credentials')
  assert.deepEqual([aws?.['severity'], aws?.['location'].deletedLater, aws?.['line'], aws?.['match']], ['CRITICAL', true, 2, 'AKIA****'])
  assert.ok(fileSecret(doc, 'aws-secret-access-key', 'root/.aws/credentials'))
  assert.ok(fileSecret(doc, 'private-key', 'root/.ssh/id_rsa'))
  assert.ok(fileSecret(doc, 'npm-access-token', 'home/app/.npmrc'))
  assert.ok(of(doc, 'secret').some((f) => f['location'].kind === 'config' && /^config\.Env\[\d+\]$/.test(f['location'].field)), 'ENV DB_PASSWORD')
  assert.ok(of(doc, 'secret').some((f) => f['id'] === 'github-pat' && /^history\[\d+\]\.created_by$/.test(f['location'].field)))
  const checks = of(doc, 'misconfig').map((f) => f['id'])
  for (const id of ['CIS-DI-0001', 'CIS-DI-0006', 'CIS-DI-0010', 'CIS-DI-0008', 'DRY-DI-0005']) assert.ok(checks.includes(id), `${id} in ${checks.join(', ')}`)
  for (const s of SEVERITIES) {
    const byKind = ['vulnerability', 'secret', 'misconfig'].map((k) => doc['countsByKind'][k][s] as number)
    assert.equal(doc['counts'][s], byKind.reduce((a, b) => a + b, 0), `${s}: total = sum of kinds`)
    for (const [i, k] of ['vulnerability', 'secret', 'misconfig'].entries()) assert.equal(byKind[i], of(doc, k).filter((f) => f['severity'] === s).length)
  }
  const ranks = (doc['findings'] as Json[]).map((f) => SEVERITIES.indexOf(f['severity']))
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'highest severity first across kinds')
})

test('--scanners secret: only secrets, and no advisory DB needed at all', async () => {
  const doc = await json(['--scanners', 'secret', '--db', join(work, 'no-db-here')])
  assert.deepEqual(doc['scanners'], ['secret'])
  assert.ok(of(doc, 'secret').length >= 6)
  assert.equal(of(doc, 'secret').length, (doc['findings'] as Json[]).length)
  const table = await box.run(['scan', IMAGE, '--scanners', 'secret,misconfig', '--db', join(work, 'no-db-here')])
  assert.equal(table.code, 0, show(table))
  assert.match(table.stdout, /Advisory DB: not used/)
  const bad = await box.run(['scan', IMAGE, '--scanners', 'secret,bogus'])
  assert.equal(bad.code, 2, show(bad))
  assert.match(bad.stderr, /unknown scanner 'bogus'/)
  // The vuln scanner still needs its DB.
  const noDb = await box.run(['scan', IMAGE, '--scanners', 'vuln', '--db', join(work, 'no-db-here')])
  assert.equal(noDb.code, 2, show(noDb))
})

test('--severity CRITICAL --exit-code 1 fails because of the AWS key; ignoring it by fingerprint passes', async () => {
  const crit = await json(['--scanners', 'secret', '--severity', 'CRITICAL', '--exit-code', '1'], 1)
  const aws = of(crit, 'secret').filter((f) => f['location'].path === 'root/.aws/credentials')
  assert.equal(aws.length, 2)
  // Everything CRITICAL except the AWS key pair ignored by rule id: still failing, because of the key.
  const others = [...new Set(of(crit, 'secret').filter((f) => f['location'].path !== 'root/.aws/credentials').map((f) => f['id'] as string))]
  const file = join(work, 'ignore.yaml')
  const entries = others.map((id) => `  - id: ${id}\n    reason: reviewed\n`).join('')
  await writeFile(file, `secrets:\n${entries}`)
  const still = await json(['--scanners', 'secret', '--severity', 'CRITICAL', '--exit-code', '1', '--ignorefile', file], 1)
  assert.deepEqual(of(still, 'secret').map((f) => f['id']).sort(), ['aws-access-key-id', 'aws-secret-access-key'])
  await writeFile(file, `secrets:\n${entries}${aws.map((f) => `  - fingerprint: ${f['fingerprint']}\n    reason: key revoked, layer rebuilt next sprint\n    expires: 2999-12-31\n`).join('')}`)
  const ok = await json(['--scanners', 'secret', '--severity', 'CRITICAL', '--exit-code', '1', '--ignorefile', file], 0)
  assert.deepEqual(ok['findings'], [])
  const byPrint = (ok['ignored'] as Json[]).filter((i) => i['reason'].startsWith('key revoked'))
  assert.deepEqual(byPrint.map((i) => i['finding'].id).sort(), ['aws-access-key-id', 'aws-secret-access-key'])
  // --ignore-unfixed is about vulnerabilities: it ignores no secret.
  assert.equal(of(await json(['--scanners', 'secret', '--ignore-unfixed']), 'secret').length, of(await json(['--scanners', 'secret']), 'secret').length)
})

test('--secret-config: an allowlisted path drops its findings; a bad config is a usage error', async () => {
  const cfg = join(work, 'secrets.yaml')
  await writeFile(cfg, 'allowlist:\n  paths: ["root/.ssh/**"]\n')
  const doc = await json(['--scanners', 'secret', '--secret-config', cfg])
  assert.equal(of(doc, 'secret').filter((f) => f['id'] === 'private-key').length, 0)
  assert.ok(fileSecret(doc, 'aws-access-key-id', 'root/.aws/credentials'))
  await writeFile(cfg, 'disable-rules: [no-such-rule]\n')
  const bad = await box.run(['scan', IMAGE, '--scanners', 'secret', '--secret-config', cfg])
  assert.equal(bad.code, 2, show(bad))
  assert.match(bad.stderr, /--secret-config: .*unknown rule no-such-rule/)
})

test('--compliance prints the checklist (table, json); with --exit-code a failed line is a violation', async () => {
  const t = await box.run(['scan', IMAGE, '--compliance'])
  assert.equal(t.code, 0, show(t))
  assert.match(t.stdout, /^Compliance of .*: FAIL/m)
  assert.match(t.stdout, /\[FAIL\] no-secrets/)
  assert.match(t.stdout, /\[FAIL\] non-root/)
  assert.match(t.stdout, /\[PASS\] scan-reviewed/)
  const j = await box.run(['scan', IMAGE, '--compliance', '--format', 'json', '--exit-code', '3'])
  assert.equal(j.code, 3, show(j))
  const doc = JSON.parse(j.stdout) as Json
  assert.equal(doc['passed'], false)
  assert.equal((doc['items'] as Json[]).find((i) => i['id'] === 'healthcheck')?.['status'], 'fail')
  const sarif = await box.run(['scan', IMAGE, '--compliance', '--format', 'sarif'])
  assert.equal(sarif.code, 2, show(sarif))
  for (const out of [t.stdout, j.stdout]) for (const r of RAW) assert.ok(!out.includes(r), `checklist shows a raw secret (${r.slice(0, 4)}…)`)
})

test('no raw secret in any format; SARIF and CycloneDX validate; CycloneDX lists vulnerabilities only', async () => {
  const outputs: Record<string, string> = {}
  for (const format of ['table', 'json', 'sarif', 'cyclonedx']) {
    const r = await box.run(['scan', IMAGE, '--format', format])
    assert.equal(r.code, 0, show(r))
    outputs[format] = r.stdout + r.stderr
  }
  for (const [format, text] of Object.entries(outputs)) {
    for (const r of RAW) assert.ok(!text.includes(r), `${format} output contains a raw secret (${r.slice(0, 4)}…)`)
  }
  assert.match(outputs['table']!, /Secrets \(\d+\)[\s\S]*AKIA\*\*\*\*[\s\S]*Misconfigurations \(\d+\)/)
  assert.match(outputs['table']!, /deleted in a later layer/)
  const sarif = JSON.parse(outputs['sarif']!) as Json
  assert.equal(sarifValidator()(sarif), undefined)
  const results = sarif['runs'][0].results as Json[]
  const aws = results.find((r) => r['ruleId'] === 'aws-access-key-id')
  assert.deepEqual(aws?.['locations'][0].physicalLocation, { artifactLocation: { uri: 'root/.aws/credentials' }, region: { startLine: 2 } })
  assert.ok(results.some((r) => r['ruleId'] === 'CIS-DI-0001' && r['locations'][0].logicalLocations[0].fullyQualifiedName === 'config.User'))
  const bom = JSON.parse(outputs['cyclonedx']!) as Json
  assert.equal(cyclonedxValidator()(bom), undefined)
  assert.deepEqual(bom['vulnerabilities'], [])
})

test('node-app-on-debian with every scanner: exactly the expected vulnerabilities, no secrets', async () => {
  const r = await box.run(['scan', `oci:${join(IMAGES_DIR, 'node-app-on-debian')}`, '--format', 'json'])
  assert.equal(r.code, 0, show(r))
  const doc = JSON.parse(r.stdout) as Json
  // The same five as test/cli/scan-cli.test.ts (only npm advisories in this DB).
  assert.deepEqual(of(doc, 'vulnerability').map((f) => `${f['id']} ${f['package'].name} ${f['severity']}`).sort(), [
    'GHSA-29mw-wpgm-hmr9 lodash MEDIUM', 'GHSA-35jh-r3h4-6jhm lodash HIGH', 'GHSA-p6mc-m468-83gw lodash HIGH',
    'GHSA-vh95-rmgr-6w4m minimist MEDIUM', 'GHSA-xvch-5gv4-984h minimist CRITICAL',
  ])
  assert.deepEqual(of(doc, 'secret'), [])
  // User 1000 and a HEALTHCHECK (see the images README): neither check fires.
  assert.ok(!of(doc, 'misconfig').some((f) => f['id'] === 'CIS-DI-0001' || f['id'] === 'CIS-DI-0006'))
})
