/**
 * Conformance for every language analyzer: unique names, and analyze() never throws on
 * corrupted versions of the real test files (truncations, flipped bytes, random bytes).
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { installedLangAnalyzers, lockfileLangAnalyzers } from './lang-analyzers.ts'
import { inputFor } from './lang-test-helpers.ts'

const all = [...installedLangAnalyzers, ...lockfileLangAnalyzers]

test('analyzer names are unique, versions and size limits are set', () => {
  assert.equal(new Set(all.map((a) => a.name)).size, all.length)
  for (const a of all) {
    assert.ok(Number.isInteger(a.version) && a.version > 0, a.name)
    assert.ok(a.maxFileSize > 0 && a.maxFileSize <= 512 * 1024 * 1024, a.name)
  }
})

/** A seeded generator so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0
    return s / 2 ** 32
  }
}

test('corrupted inputs give results or unknowns, never a throw', async () => {
  const dirs = ['npm', 'php', 'dotnet', 'ruby', 'rust'].map((d) => join(import.meta.dirname, d, 'testdata'))
  const samples = dirs.flatMap((d) => readdirSync(d).map((f) => readFileSync(join(d, f))))
  const random = rng(20260101)
  for (const sample of samples) {
    for (let round = 0; round < 12; round++) {
      const bytes = Buffer.from(sample.subarray(0, Math.floor(random() * sample.length) + 1))
      for (let i = 0; i < 8; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256)
      for (const analyzer of all) {
        const out = await analyzer.analyze(inputFor('x', bytes, { mode: 0o755 }))
        for (const u of out?.unknowns ?? []) assert.equal(u.analyzer, analyzer.name)
      }
    }
  }
  const noise = Buffer.alloc(64 * 1024)
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(random() * 256)
  noise.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])
  for (const analyzer of all) await analyzer.analyze(inputFor('x', noise, { mode: 0o755 }))
})
