import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { analyzeTree, extractLayer, inputFor, nameVersions, run, tempDir } from '../lang-test-helpers.ts'
import { normalizePythonName } from './parse-python-metadata.ts'
import { pythonPackageAnalyzer } from './python-package-analyzer.ts'

const DIST = 'usr/lib/python3/dist-packages'
const LIST_DISTRIBUTIONS = [
  'import importlib.metadata as m, json, sys',
  'print(json.dumps(sorted(f"{d.metadata[\'Name\']}@{d.version}" for d in m.distributions(path=[sys.argv[1]]))))',
].join('\n')

test('python-app layer 2: inventory equals what python3 importlib.metadata reports', async (t) => {
  const dir = tempDir(t)
  extractLayer('python-app', 1, dir, [`${DIST}/*`])
  const expected = JSON.parse(run('python3', ['-c', LIST_DISTRIBUTIONS, join(dir, DIST)])) as string[]
  assert.ok(expected.length >= 9, `python3 found only ${expected.length} distributions`)

  const result = await analyzeTree([pythonPackageAnalyzer], dir)
  assert.deepEqual(result.unknowns, [])
  assert.deepEqual(nameVersions(result.packages), [...expected].sort())
  // The README's list, so that a python3 that sees nothing cannot make the test pass.
  for (const nv of ['requests@2.28.1', 'urllib3@1.26.12', 'Jinja2@3.1.2', 'MarkupSafe@2.1.2', 'idna@3.3', 'certifi@2022.9.24', 'chardet@5.1.0', 'charset-normalizer@3.0.1', 'six@1.16.0']) {
    const [name, version] = nv.split('@') as [string, string]
    const found = result.packages.find((p) => normalizePythonName(p.name) === normalizePythonName(name) && p.version === version)
    assert.ok(found, `${nv} missing`)
  }
  const jinja = result.packages.find((p) => p.name === 'Jinja2')
  assert.equal(jinja?.purl, 'pkg:pypi/jinja2@3.1.2')
  assert.equal(jinja?.locations[0]?.path, `${DIST}/Jinja2-3.1.2.egg-info/PKG-INFO`)
  const cn = result.packages.find((p) => p.version === '3.0.1')
  assert.equal(cn?.purl, 'pkg:pypi/charset-normalizer@3.0.1')
})

test('licence sources: License-Expression, License, classifiers; continuation lines', async () => {
  const analyze = async (path: string, body: string) => pythonPackageAnalyzer.analyze(inputFor(path, new TextEncoder().encode(body)))
  const pep639 = await analyze('x/site-packages/a-1.dist-info/METADATA', 'Metadata-Version: 2.4\nName: Foo.Bar_baz\nVersion: 1.0\nLicense-Expression: MIT OR Apache-2.0\nLicense: ignored\n\nLicense: body is not headers\n')
  assert.deepEqual(pep639?.packages?.[0]?.licenses, ['MIT OR Apache-2.0'])
  assert.equal(pep639?.packages?.[0]?.purl, 'pkg:pypi/foo-bar-baz@1.0')
  const classic = await analyze('x/dist-packages/b.egg-info', 'Metadata-Version: 1.1\nName: b\nVersion: 2\nLicense: Copyright (c) 2000\n        all rights reserved\nClassifier: License :: OSI Approved :: BSD License\nClassifier: Programming Language :: Python\n')
  assert.deepEqual(classic?.packages?.[0]?.licenses, ['BSD License'])
  const unknown = await analyze('x/c.dist-info/METADATA', 'Name: c\nVersion: 3\nLicense: UNKNOWN\n')
  assert.deepEqual(unknown?.packages?.[0]?.licenses, [])
  const broken = await analyze('x/d.dist-info/METADATA', '\u0000\u0001garbage')
  assert.match(broken?.unknowns?.[0]?.reason ?? '', /no Name\/Version/)
})

test('required(): dist-info METADATA, egg-info dir or file only', () => {
  const want = (p: string): boolean => pythonPackageAnalyzer.required(p, { path: p, size: 1, mode: 0o644, uid: 0, gid: 0 })
  assert.equal(want('usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO'), true)
  assert.equal(want('usr/lib/python3/dist-packages/x-1.egg-info'), true)
  assert.equal(want('venv/lib/python3.12/site-packages/x-1.dist-info/METADATA'), true)
  assert.equal(want('venv/lib/python3.12/site-packages/x-1.dist-info/RECORD'), false)
  assert.equal(want('src/PKG-INFO'), false)
})
