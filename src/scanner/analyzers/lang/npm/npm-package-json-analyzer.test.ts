import assert from 'node:assert/strict'
import { existsSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { analyzeTree, extractLayer, inputFor, nameVersions, run, tempDir } from '../lang-test-helpers.ts'
import { npmPackageJsonAnalyzer } from './npm-package-json-analyzer.ts'

/** The machine's npm CLI script (`npm` on PATH is a symlink to it), run by the pinned Node, never the machine's node. */
function npmCli(): string {
  const onPath = run('sh', ['-c', 'command -v npm || true']).trim()
  if (onPath === '' || !existsSync(onPath)) throw new Error('npm is not installed: the test compares with `npm ls --all --json`')
  const cli = realpathSync(onPath)
  if (!cli.endsWith('.js')) throw new Error(`npm on PATH (${cli}) is not npm's JavaScript entry point`)
  return cli
}

interface NpmLsNode {
  version?: string
  dependencies?: Record<string, NpmLsNode>
}

function flattenNpmLs(deps: Record<string, NpmLsNode> | undefined, out: Set<string>): void {
  for (const [name, node] of Object.entries(deps ?? {})) {
    if (node.version !== undefined) out.add(`${name}@${node.version}`)
    flattenNpmLs(node.dependencies, out)
  }
}

test('node-app-vuln image: inventory equals `npm ls --all --json` on the extracted /app', async (t) => {
  const dir = tempDir(t)
  extractLayer('node-app-vuln', 0, dir)
  const ls = JSON.parse(
    run(process.execPath, [npmCli(), 'ls', '--all', '--json', '--offline'], { cwd: join(dir, 'app') }),
  ) as NpmLsNode
  const expected = new Set<string>()
  flattenNpmLs(ls.dependencies, expected)
  assert.ok(expected.size > 0, 'npm ls found no packages')

  const result = await analyzeTree([npmPackageJsonAnalyzer], dir)
  assert.deepEqual(result.unknowns, [])
  assert.deepEqual(nameVersions(result.packages), [...expected].sort())
  assert.ok(!result.analyzedPaths.includes('app/package.json'), 'the app itself is not a dependency')
  const lodash = result.packages.find((p) => p.name === 'lodash')
  assert.equal(lodash?.purl, 'pkg:npm/lodash@4.17.15')
  assert.deepEqual(lodash?.licenses, ['MIT'])
  assert.equal(lodash?.locations[0]?.path, 'app/node_modules/lodash/package.json')
})

test('required() takes installed manifests only, scoped and nested', () => {
  const want = (p: string): boolean => npmPackageJsonAnalyzer.required(p, { path: p, size: 1, mode: 0o644, uid: 0, gid: 0 })
  assert.equal(want('app/node_modules/@babel/core/package.json'), true)
  assert.equal(want('node_modules/a/node_modules/b/package.json'), true)
  assert.equal(want('app/package.json'), false)
  assert.equal(want('app/node_modules/a/test/fixture/package.json'), false)
  assert.equal(want('app/node_modules/.package-lock.json'), false)
})

test('scoped name, legacy licence shapes, hostile content', async () => {
  const analyze = async (body: string) =>
    npmPackageJsonAnalyzer.analyze(inputFor('node_modules/@scope/pkg/package.json', new TextEncoder().encode(body)))
  const ok = await analyze('{"name":"@scope/pkg","version":"1.0.0","license":{"type":"BSD-3-Clause"},"licenses":[{"type":"MIT"}]}')
  assert.equal(ok?.packages?.[0]?.purl, 'pkg:npm/%40scope/pkg@1.0.0')
  assert.deepEqual(ok?.packages?.[0]?.licenses, ['BSD-3-Clause', 'MIT'])
  assert.equal(await analyze('{"private":true}'), undefined)
  assert.match((await analyze('{"name":'))?.unknowns?.[0]?.reason ?? '', /invalid JSON/)
  assert.match((await analyze('[1,2]'))?.unknowns?.[0]?.reason ?? '', /not a JSON object/)
  assert.match((await analyze('{"name":"../../etc","version":"1"}'))?.unknowns?.[0]?.reason ?? '', /invalid npm package name/)
  const deep = '['.repeat(100000) + ']'.repeat(100000)
  assert.ok((await analyze(deep))?.unknowns?.length === 1)
})
