import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { inputFor, nameVersions } from '../lang-test-helpers.ts'
import { npmPackageLockAnalyzer } from './npm-package-lock-analyzer.ts'

const testdata = join(import.meta.dirname, 'testdata')
const analyzeFile = async (file: string) =>
  npmPackageLockAnalyzer.analyze(inputFor(`app/${file}`, readFileSync(join(testdata, file))))

test('lockfileVersion 1: nested dependencies, dev flag, aliases left out', async () => {
  const out = await analyzeFile('package-lock-v1.json')
  assert.deepEqual(nameVersions(out?.packages ?? []), ['@babel/code-frame@7.12.13', 'debug@2.6.9', 'ms@2.0.0', 'ms@2.1.3'])
  const babel = out?.packages?.find((p) => p.name === '@babel/code-frame')
  assert.equal(babel?.purl, 'pkg:npm/%40babel/code-frame@7.12.13')
  assert.equal(babel?.metadata?.['dev'], 'true')
  assert.equal(out?.packages?.find((p) => p.name === 'debug')?.metadata?.['dev'], undefined)
})

test('lockfileVersion 2: packages section wins, root and workspace links skipped', async () => {
  const out = await analyzeFile('package-lock-v2.json')
  assert.deepEqual(nameVersions(out?.packages ?? []), ['@types/node@20.11.5', 'express@4.18.2', 'ms@2.0.0'])
  const types = out?.packages?.find((p) => p.name === '@types/node')
  assert.equal(types?.metadata?.['dev'], 'true')
  assert.deepEqual(types?.licenses, ['MIT'])
})

test('lockfileVersion 3: aliased install reported under its real name', async () => {
  const out = await analyzeFile('package-lock-v3.json')
  assert.deepEqual(nameVersions(out?.packages ?? []), ['@isaacs/cliui@8.0.2', 'string-width@4.2.3'])
  assert.equal(out?.packages?.find((p) => p.name === 'string-width')?.metadata?.['optional'], 'true')
})

test('required() and broken lockfiles', async () => {
  const meta = { path: '', size: 1, mode: 0o644, uid: 0, gid: 0 }
  assert.equal(npmPackageLockAnalyzer.required('app/package-lock.json', meta), true)
  assert.equal(npmPackageLockAnalyzer.required('app/npm-shrinkwrap.json', meta), true)
  assert.equal(npmPackageLockAnalyzer.required('app/node_modules/x/package-lock.json', meta), false)
  const bad = await npmPackageLockAnalyzer.analyze(inputFor('package-lock.json', new TextEncoder().encode('{"lockfileVersion": 3')))
  assert.match(bad?.unknowns?.[0]?.reason ?? '', /invalid JSON/)
  const empty = await npmPackageLockAnalyzer.analyze(inputFor('package-lock.json', new TextEncoder().encode('{}')))
  assert.match(empty?.unknowns?.[0]?.reason ?? '', /neither/)
  // 10 000 levels of v1 nesting: bounded, no stack overflow.
  let nested = '{}'
  for (let i = 0; i < 10000; i++) nested = `{"a":{"version":"1.0.${i}","dependencies":${nested}}}`
  const deep = await npmPackageLockAnalyzer.analyze(inputFor('package-lock.json', new TextEncoder().encode(`{"dependencies":${nested}}`)))
  assert.ok((deep?.packages?.length ?? 0) <= 66)
})
