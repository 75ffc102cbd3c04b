import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Analyzer } from '../../analyzer.ts'
import { inputFor, nameVersions } from '../lang-test-helpers.ts'
import { parsePnpmKey, pnpmLockAnalyzer } from './pnpm-lock-analyzer.ts'
import { yarnLockAnalyzer } from './yarn-lock-analyzer.ts'

const testdata = join(import.meta.dirname, 'testdata')
const analyzeFile = async (analyzer: Analyzer, file: string, as: string) =>
  analyzer.analyze(inputFor(as, readFileSync(join(testdata, file))))
const text = (s: string): Uint8Array => new TextEncoder().encode(s)

test('yarn classic: specifier lists, scoped names, npm aliases, file: deps skipped', async () => {
  const out = await analyzeFile(yarnLockAnalyzer, 'yarn-v1.lock', 'app/yarn.lock')
  assert.deepEqual(nameVersions(out?.packages ?? []), [
    '@babel/code-frame@7.12.13',
    'js-tokens@4.0.0',
    'lodash@4.17.20',
    'string-width@4.2.3',
  ])
  assert.equal(out?.packages?.[0]?.purl, 'pkg:npm/%40babel/code-frame@7.12.13')
  assert.equal(out?.packages?.[0]?.locations[0]?.path, 'app/yarn.lock')
})

test('yarn berry: workspace and patch entries skipped', async () => {
  const out = await analyzeFile(yarnLockAnalyzer, 'yarn-berry.lock', 'yarn.lock')
  assert.deepEqual(nameVersions(out?.packages ?? []), ['@types/node@20.11.5', 'resolve@1.22.8', 'undici-types@5.26.5'])
})

test('pnpm 5.4 keys with peer suffixes, dev flag', async () => {
  const out = await analyzeFile(pnpmLockAnalyzer, 'pnpm-lock-v5.yaml', 'pnpm-lock.yaml')
  assert.deepEqual(nameVersions(out?.packages ?? []), ['@babel/runtime@7.20.13', 'react-dom@17.0.2', 'typescript@4.9.5'])
  assert.equal(out?.packages?.find((p) => p.name === 'typescript')?.metadata?.['dev'], 'true')
  assert.equal(out?.packages?.find((p) => p.name === 'react-dom')?.metadata, undefined)
})

test('pnpm 6.0 keys, explicit name/version for git tarballs', async () => {
  const out = await analyzeFile(pnpmLockAnalyzer, 'pnpm-lock-v6.yaml', 'pnpm-lock.yaml')
  assert.deepEqual(nameVersions(out?.packages ?? []), ['@emotion/react@11.11.1', 'from-git@1.0.0', 'react@18.2.0', 'vitest@0.34.6'])
  assert.equal(out?.packages?.find((p) => p.name === '@emotion/react')?.purl, 'pkg:npm/%40emotion/react@11.11.1')
})

test('pnpm 9.0 keys', async () => {
  const out = await analyzeFile(pnpmLockAnalyzer, 'pnpm-lock-v9.yaml', 'pnpm-lock.yaml')
  assert.deepEqual(nameVersions(out?.packages ?? []), ['@emotion/react@11.11.1', 'react@18.2.0'])
})

test('pnpm key shapes', () => {
  assert.deepEqual(parsePnpmKey('/@babel/core/7.0.0_@babel+x@1.0.0', true), { name: '@babel/core', version: '7.0.0' })
  assert.deepEqual(parsePnpmKey('/@a/b@1.0.0(c@2.0.0)(d@3.0.0)', false), { name: '@a/b', version: '1.0.0' })
  assert.equal(parsePnpmKey('github.com/user/repo/abc123', false), undefined)
})

test('hostile YAML and garbage: unknowns, alias bombs refused', async () => {
  const bomb = ['lockfileVersion: "6.0"', 'a: &a ["x","x","x","x","x","x","x","x","x"]']
  for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)
  const out = await pnpmLockAnalyzer.analyze(inputFor('pnpm-lock.yaml', text(bomb.join('\n'))))
  assert.match(out?.unknowns?.[0]?.reason ?? '', /invalid YAML/)
  const broken = await pnpmLockAnalyzer.analyze(inputFor('pnpm-lock.yaml', text('packages: [unclosed')))
  assert.match(broken?.unknowns?.[0]?.reason ?? '', /invalid YAML/)
  const berry = await yarnLockAnalyzer.analyze(inputFor('yarn.lock', text('__metadata:\n  version: 8\n"a@npm:1": [')))
  assert.match(berry?.unknowns?.[0]?.reason ?? '', /invalid YAML/)
  const binary = await yarnLockAnalyzer.analyze(inputFor('yarn.lock', new Uint8Array([0, 1, 2, 255, 10, 65, 58])))
  assert.match(binary?.unknowns?.[0]?.reason ?? '', /not a yarn.lock/)
})
