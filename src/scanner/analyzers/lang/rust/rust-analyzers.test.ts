import assert from 'node:assert/strict'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { deflateSync } from 'node:zlib'
import { inputFor, run, tempDir } from '../lang-test-helpers.ts'
import { cargoAuditableAnalyzer } from './cargo-auditable-analyzer.ts'
import { cargoLockAnalyzer } from './cargo-lock-analyzer.ts'

test('Cargo.lock: [[package]] tables, local crates marked, other tables ignored', async () => {
  const out = await cargoLockAnalyzer.analyze(inputFor('src/Cargo.lock', readFileSync(join(import.meta.dirname, 'testdata', 'Cargo.lock'))))
  assert.deepEqual(out?.packages?.map((p) => `${p.purl} ${p.metadata?.['source']}`), [
    'pkg:cargo/cfg-if@1.0.0 registry+https://github.com/rust-lang/crates.io-index',
    'pkg:cargo/demo@0.1.0 local',
    'pkg:cargo/log@0.4.20 registry+https://github.com/rust-lang/crates.io-index',
  ])
  const none = await cargoLockAnalyzer.analyze(inputFor('Cargo.lock', new TextEncoder().encode('garbage = [')))
  assert.match(none?.unknowns?.[0]?.reason ?? '', /no \[\[package\]\]/)
})

/** A real ELF executable (the system's `true`) with a `.dep-v0` section added by objcopy, as cargo-auditable does. */
function auditableBinary(dir: string, section: Uint8Array): Uint8Array {
  copyFileSync('/bin/true', join(dir, 'plain'))
  writeFileSync(join(dir, 'dep.z'), section)
  run('objcopy', ['--add-section', `.dep-v0=${join(dir, 'dep.z')}`, join(dir, 'plain'), join(dir, 'audited')])
  return readFileSync(join(dir, 'audited'))
}

test('cargo-auditable: the .dep-v0 section of an ELF binary', async (t) => {
  const dir = tempDir(t)
  const deps = {
    packages: [
      { name: 'demo', version: '0.1.0', source: 'local', dependencies: [1, 2], root: true },
      { name: 'cfg-if', version: '1.0.0', source: 'crates.io' },
      { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
    ],
  }
  const bin = auditableBinary(dir, deflateSync(JSON.stringify(deps)))
  const out = await cargoAuditableAnalyzer.analyze(inputFor('usr/bin/demo', bin, { mode: 0o755 }))
  assert.deepEqual(out?.packages?.map((p) => `${p.purl} ${JSON.stringify(p.metadata)}`), [
    'pkg:cargo/demo@0.1.0 {"source":"local","root":"true"}',
    'pkg:cargo/cfg-if@1.0.0 {"source":"crates.io"}',
    'pkg:cargo/cc@1.0.83 {"source":"crates.io","kind":"build"}',
  ])
  // The same binary without the section, and with a corrupt one.
  assert.equal(await cargoAuditableAnalyzer.analyze(inputFor('bin/true', readFileSync(join(dir, 'plain')), { mode: 0o755 })), undefined)
  const bad = auditableBinary(dir, new TextEncoder().encode('not zlib at all'))
  assert.match((await cargoAuditableAnalyzer.analyze(inputFor('x', bad, { mode: 0o755 })))?.unknowns?.[0]?.reason ?? '', /\.dep-v0/)
  // A zlib bomb: 64 MiB of zeros compress to ~64 KiB; inflation stops at the 16 MiB limit.
  const bomb = auditableBinary(dir, deflateSync(Buffer.alloc(64 * 1024 * 1024)))
  assert.match((await cargoAuditableAnalyzer.analyze(inputFor('x', bomb, { mode: 0o755 })))?.unknowns?.[0]?.reason ?? '', /\.dep-v0/)
})
