import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { inputFor } from '../lang-test-helpers.ts'
import { gemspecAnalyzer } from './gemspec-analyzer.ts'

const analyzeFile = async (file: string) =>
  gemspecAnalyzer.analyze(
    inputFor(`usr/local/bundle/specifications/${file}`, readFileSync(join(import.meta.dirname, 'testdata', file))),
  )

test('installed gemspec written by RubyGems', async () => {
  const out = await analyzeFile('rake-13.0.6.gemspec')
  const rake = out?.packages?.[0]
  assert.equal(rake?.name, 'rake')
  assert.equal(rake?.version, '13.0.6')
  assert.equal(rake?.purl, 'pkg:gem/rake@13.0.6')
  assert.equal(rake?.type, 'gem')
  assert.deepEqual(rake?.licenses, ['MIT'])
})

test('single quotes, Gem::Version.new, licence lists; strings inside other values are not assignments', async () => {
  const out = await analyzeFile('dual-1.2.0.gemspec')
  assert.deepEqual(out?.packages?.map((p) => `${p.name}@${p.version} ${p.licenses.join(',')}`), ['dual@1.2.0 Ruby,BSD-2-Clause'])
})

test('required() and specs that are not literal', async () => {
  const meta = { path: '', size: 1, mode: 0o644, uid: 0, gid: 0 }
  assert.equal(gemspecAnalyzer.required('var/lib/gems/3.1.0/specifications/rake-13.0.6.gemspec', meta), true)
  assert.equal(gemspecAnalyzer.required('src/app/app.gemspec', meta), false)
  const computed = 'Gem::Specification.new do |s|\n  s.name = File.basename(__dir__)\n  s.version = VERSION\nend\n'
  const out = await gemspecAnalyzer.analyze(inputFor('specifications/x.gemspec', new TextEncoder().encode(computed)))
  assert.match(out?.unknowns?.[0]?.reason ?? '', /no literal name\/version/)
  const huge = `  s.name = "${'a'.repeat(100000)}`
  const slow = await gemspecAnalyzer.analyze(inputFor('specifications/y.gemspec', new TextEncoder().encode(huge.repeat(20))))
  assert.ok(slow?.unknowns?.length === 1)
})
