import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { inputFor } from '../lang-test-helpers.ts'
import { composerAnalyzer } from './composer-analyzer.ts'

const testdata = join(import.meta.dirname, 'testdata')
const analyze = async (file: string, as: string) => composerAnalyzer.analyze(inputFor(as, readFileSync(join(testdata, file))))
const rows = (packages: readonly { purl: string; licenses: readonly string[]; metadata?: Readonly<Record<string, string>> }[]) =>
  packages.map((p) => `${p.purl} ${p.licenses.join(',')}${p.metadata?.['dev'] ? ' dev' : ''}`)

test('composer.lock: packages and packages-dev', async () => {
  const out = await analyze('composer.lock', 'app/composer.lock')
  assert.deepEqual(rows(out?.packages ?? []), [
    'pkg:composer/guzzlehttp/guzzle@7.8.1 MIT',
    'pkg:composer/symfony/console@v6.4.0 MIT',
    'pkg:composer/phpunit/phpunit@10.5.5 BSD-3-Clause dev',
  ])
  assert.equal(out?.packages?.[0]?.name, 'guzzlehttp/guzzle')
})

test('installed.json, Composer 1 array and Composer 2 object with dev-package-names', async () => {
  const v1 = await analyze('installed-v1.json', 'app/vendor/composer/installed.json')
  assert.deepEqual(rows(v1?.packages ?? []), ['pkg:composer/monolog/monolog@1.25.1 MIT', 'pkg:composer/psr/log@1.1.0 MIT'])
  const v2 = await analyze('installed-v2.json', 'app/vendor/composer/installed.json')
  assert.deepEqual(rows(v2?.packages ?? []), ['pkg:composer/psr/log@3.0.0 MIT', 'pkg:composer/phpunit/phpunit@10.5.5 BSD-3-Clause dev'])
})

test('required() and bad input', async () => {
  const meta = { path: '', size: 1, mode: 0o644, uid: 0, gid: 0 }
  assert.equal(composerAnalyzer.required('srv/vendor/composer/installed.json', meta), true)
  assert.equal(composerAnalyzer.required('srv/installed.json', meta), false)
  const text = (s: string) => new TextEncoder().encode(s)
  assert.match((await composerAnalyzer.analyze(inputFor('composer.lock', text('{"packages": ['))))?.unknowns?.[0]?.reason ?? '', /invalid JSON/)
  assert.match((await composerAnalyzer.analyze(inputFor('composer.lock', text('{"packages": {"a": 1}}'))))?.unknowns?.[0]?.reason ?? '', /not an array/)
  const odd = await composerAnalyzer.analyze(inputFor('composer.lock', text('{"packages": [{"name": "no-vendor", "version": "1"}, 7, null]}')))
  assert.equal(odd, undefined)
})
