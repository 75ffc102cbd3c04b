// `drydock scan` of an image built here with real tools: a log4j-core jar (made with `jar`) and a
// Go binary (built offline with the machine's Go toolchain, against a file:// module proxy that
// serves golang.org/x/text v0.3.7), packed as an OCI layout; the DB comes from `drydock db import`
// of the shared Maven and Go records. Expected findings are written by hand from those records.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { VULNDB_DIR } from '../../src/testkit/repo-paths.ts'
import { run } from '../../src/scanner/analyzers/lang/lang-test-helpers.ts'
import { runBuffer } from '../../src/scanner/image/testing/layer-fixtures.ts'
import { writeLayout } from '../../src/scanner/image/testing/layout-builder.ts'
import { goModuleProxy, offlineGoEnv } from '../../src/testkit/go-offline.ts'
import { cliSandbox, show, type CliSandbox } from './cli-harness.ts'

// Debian bookworm's golang-1.19 is go1.19.8; the stdlib expectations below hold for that version only.
const GO_VERSION = 'go1.19.8'

const LOG4J = 'org.apache.logging.log4j:log4j-core'
// By hand from ../shared/testdata/vulndb/Maven: log4j-core 2.14.1 lies in [2.13.0, fix) of these three.
const MAVEN_EXPECTED = [
  `${LOG4J}@2.14.1 GHSA-7rjr-3q55-vv33 2.16.0 CRITICAL`,
  `${LOG4J}@2.14.1 GHSA-jfh8-c2jp-5v3q 2.15.0 CRITICAL`,
  `${LOG4J}@2.14.1 GHSA-p6xc-xr62-6r2g 2.17.0 HIGH`,
]
// By hand from ../shared/testdata/vulndb/Go: x/text v0.3.7 is below 0.3.8 (GO-2022-1059) and 0.39.0
// (GO-2026-5970). stdlib v1.19.8: the records fixed on the 1.19 branch above 1.19.8 and those whose
// [0, fix) range ends on a later branch; not GO-2022-1144 (1.19.4), GO-2023-1571 (1.19.6) or
// GO-2026-5942 (only from 1.26.0-0). The GO records carry no severity.
const GO_EXPECTED = [
  'golang.org/x/text@v0.3.7 GO-2022-1059 0.3.8',
  'golang.org/x/text@v0.3.7 GO-2026-5970 0.39.0',
  ...[
    'GO-2023-1751 1.19.9', 'GO-2023-1752 1.19.9', 'GO-2023-1753 1.19.9', 'GO-2023-1840 1.19.10',
    'GO-2023-1878 1.19.11', 'GO-2023-1987 1.19.12', 'GO-2023-2041 1.20.8', 'GO-2023-2043 1.20.8',
    'GO-2023-2102 1.20.10', 'GO-2023-2185 1.20.11', 'GO-2023-2186 1.20.11', 'GO-2023-2375 1.20.0',
    'GO-2023-2382 1.20.12', 'GO-2024-2598 1.21.8', 'GO-2024-2599 1.21.8', 'GO-2024-2600 1.21.8',
    'GO-2024-2609 1.21.8', 'GO-2024-2610 1.21.8', 'GO-2024-2687 1.21.9', 'GO-2024-2887 1.21.11',
    'GO-2024-2888 1.21.11', 'GO-2024-2963 1.21.12', 'GO-2024-3105 1.22.7', 'GO-2024-3106 1.22.7',
    'GO-2024-3107 1.22.7', 'GO-2025-3373 1.22.11', 'GO-2025-3503 1.23.7', 'GO-2026-4918 1.25.10',
    'GO-2026-5026 1.25.13',
  ].map((l) => `stdlib@v1.19.8 ${l}`),
].map((l) => `${l} UNKNOWN`)

function write(path: string, body: string): void {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, body)
}

function buildGoBinary(root: string, out: string): void {
  // A stand-in golang.org/x/text v0.3.7 served by a file:// proxy: the build stays offline.
  const proxy = goModuleProxy(root, [
    { path: 'golang.org/x/text', version: 'v0.3.7', go: '1.17', files: { 'language/language.go': 'package language\n\nfunc Tag() string { return "en" }\n' } },
  ])
  const env = offlineGoEnv(root, proxy)
  const version = run('go', ['version'], { env })
  assert.match(version, new RegExp(`^go version ${GO_VERSION} `), `this test's stdlib findings are written for ${GO_VERSION} (Debian bookworm); got: ${version}`)
  write(join(root, 'app', 'go.mod'), 'module example.com/app\n\ngo 1.19\n\nrequire golang.org/x/text v0.3.7\n')
  write(join(root, 'app', 'main.go'), 'package main\n\nimport (\n\t"fmt"\n\n\t"golang.org/x/text/language"\n)\n\nfunc main() { fmt.Println(language.Tag()) }\n')
  run('go', ['build', '-o', out, '.'], { cwd: join(root, 'app'), env })
  chmodSync(out, 0o755)
}

function buildJar(root: string, out: string): void {
  const classes = join(root, 'jar-tree')
  write(join(classes, 'META-INF', 'maven', 'org.apache.logging.log4j', 'log4j-core', 'pom.properties'), 'groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n')
  run('jar', ['--create', '--file', out, '-C', classes, '.'])
}

let box: CliSandbox
let image: string

before(async () => {
  box = await cliSandbox()
  const rootfs = join(box.dir, 'rootfs')
  mkdirSync(join(rootfs, 'opt', 'app', 'lib'), { recursive: true })
  mkdirSync(join(rootfs, 'usr', 'local', 'bin'), { recursive: true })
  buildJar(box.dir, join(rootfs, 'opt', 'app', 'lib', 'log4j-core-2.14.1.jar'))
  buildGoBinary(box.dir, join(rootfs, 'usr', 'local', 'bin', 'app'))
  const tar = await runBuffer('tar', ['--format=pax', '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', '-C', rootfs, 'opt', 'usr'])
  image = await writeLayout(join(box.dir, 'layout'), [{ tar, compression: 'gzip' }])
  for (const eco of ['Maven', 'Go']) {
    const r = await box.run(['db', 'import', join(VULNDB_DIR, eco)])
    assert.equal(r.code, 0, show(r))
  }
})
after(async () => box.close())

type Json = Record<string, any>

test('a jar and a Go binary: the log4j GHSAs, the x/text and stdlib GO records, nothing else', async () => {
  const r = await box.run(['scan', image, '--format', 'json', '--scanners', 'vuln', '--exit-code', '3'])
  assert.equal(r.code, 3, show(r))
  const doc = JSON.parse(r.stdout) as Json
  const got = (doc['findings'] as Json[]).map((f) => `${f['package'].name}@${f['package'].version} ${f['id']} ${f['fixedVersions'].join(',')} ${f['severity']}`)
  assert.deepEqual(got.sort(), [...MAVEN_EXPECTED, ...GO_EXPECTED].sort())
  // The main module (built from a checkout: `(devel)`) has no version and matches nothing.
  assert.ok(!(doc['findings'] as Json[]).some((f) => f['package'].name === 'example.com/app'))
  const log4j = (doc['findings'] as Json[]).find((f) => f['id'] === 'GHSA-jfh8-c2jp-5v3q')
  assert.equal(log4j?.['package'].path, 'opt/app/lib/log4j-core-2.14.1.jar')
  const std = (doc['findings'] as Json[]).find((f) => f['id'] === 'GO-2023-1987')
  assert.equal(std?.['package'].path, 'usr/local/bin/app')
  assert.deepEqual(doc['counts'], { UNKNOWN: GO_EXPECTED.length, LOW: 0, MEDIUM: 0, HIGH: 1, CRITICAL: 2 })
})

test('--severity CRITICAL keeps only the two critical log4j advisories', async () => {
  const r = await box.run(['scan', image, '--format', 'json', '--scanners', 'vuln', '--severity', 'CRITICAL'])
  assert.equal(r.code, 0, show(r))
  assert.deepEqual((JSON.parse(r.stdout)['findings'] as Json[]).map((f) => f['id']).sort(), ['GHSA-7rjr-3q55-vv33', 'GHSA-jfh8-c2jp-5v3q'])
})
