import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { inputFor, run, tempDir } from '../lang-test-helpers.ts'
import { goBinaryAnalyzer } from './go-binary-analyzer.ts'
import { goModuleProxy, offlineGoEnv } from '../../../../testkit/go-offline.ts'

function write(path: string, body: string): void {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, body)
}

test('a Go binary built here: main module, deps, local replace and stdlib match `go version -m`', async (t) => {
  const root = tempDir(t)
  const proxy = goModuleProxy(root, [{ path: 'example.com/dep', version: 'v1.0.0', go: '1.18', files: { 'dep.go': 'package dep\n\nfunc Name() string { return "dep" }\n' } }])
  write(join(root, 'lib', 'go.mod'), 'module example.com/lib\n\ngo 1.18\n')
  write(join(root, 'lib', 'lib.go'), 'package lib\n\nfunc Hello() string { return "hello" }\n')
  write(
    join(root, 'app', 'go.mod'),
    'module example.com/app\n\ngo 1.18\n\nrequire (\n\texample.com/dep v1.0.0\n\texample.com/lib v1.2.3\n)\n\nreplace example.com/lib => ../lib\n',
  )
  write(
    join(root, 'app', 'main.go'),
    'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/dep"\n\t"example.com/lib"\n)\n\nfunc main() { fmt.Println(lib.Hello(), dep.Name()) }\n',
  )
  const env = offlineGoEnv(root, proxy)
  const binary = join(root, 'app', 'app-bin')
  run('go', ['build', '-o', binary, '.'], { cwd: join(root, 'app'), env })
  const goReport = run('go', ['version', '-m', binary], { env })

  // Expected result from go's own report, by the rules documented in go-binary-analyzer.ts.
  const lines = goReport.split('\n').map((l) => l.trim().split('\t'))
  const goVersion = /: (go\S+)/.exec(goReport)?.[1] ?? ''
  const expected: string[] = []
  for (const [i, [kind, path = '', version = '', sum = '']] of lines.entries()) {
    const next = lines[i + 1]
    if (kind === 'mod') expected.push(`${path}@${version === '(devel)' ? '' : version}`)
    if (kind === 'dep') expected.push(`${path}@${version}${sum ? ` ${sum}` : ''}${next?.[0] === '=>' ? ` replacedBy=${next[1]}` : ''}`)
  }
  expected.push(`stdlib@v${goVersion.slice(2)}`)
  assert.ok(expected.some((e) => e.startsWith('example.com/dep@v1.0.0 h1:')), goReport)
  assert.ok(expected.includes('example.com/lib@v1.2.3 replacedBy=../lib'), goReport)

  const content = readFileSync(binary)
  chmodSync(binary, 0o755)
  assert.equal(goBinaryAnalyzer.required('app/app-bin', { path: 'app/app-bin', size: content.length, mode: 0o755, uid: 0, gid: 0 }), true)
  const out = await goBinaryAnalyzer.analyze(inputFor('app/app-bin', content, { mode: 0o755 }))
  assert.deepEqual(out?.unknowns, undefined)
  const got = (out?.packages ?? []).map((p) => {
    const m = p.metadata ?? {}
    return `${p.name}@${p.version}${m['h1'] ? ` ${m['h1']}` : ''}${m['replacedBy'] ? ` replacedBy=${m['replacedBy']}` : ''}`
  })
  assert.deepEqual(got.sort(), expected.sort())
  const dep = out?.packages?.find((p) => p.name === 'example.com/dep')
  assert.equal(dep?.purl, 'pkg:golang/example.com/dep@v1.0.0')
  assert.equal(dep?.metadata?.['goVersion'], goVersion)
  assert.equal(out?.packages?.find((p) => p.name === 'example.com/app')?.metadata?.['main'], 'true')
  assert.equal(out?.packages?.find((p) => p.name === 'stdlib')?.purl, `pkg:golang/stdlib@v${goVersion.slice(2)}`)
})

test('non-Go and hostile executables', async () => {
  const analyze = async (bytes: Uint8Array) => goBinaryAnalyzer.analyze(inputFor('bin/x', bytes, { mode: 0o755 }))
  assert.equal(await analyze(new TextEncoder().encode('#!/bin/sh\necho hi\n'.repeat(100))), undefined)
  assert.equal(goBinaryAnalyzer.required('etc/passwd', { path: 'etc/passwd', size: 5000, mode: 0o644, uid: 0, gid: 0 }), false)
  // ELF header whose section table points far past the end of the file.
  const elf = new Uint8Array(4096)
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])
  const view = new DataView(elf.buffer)
  view.setBigUint64(0x28, 0xffffffffn, true)
  view.setUint16(0x3a, 64, true)
  view.setUint16(0x3c, 30, true)
  assert.match((await analyze(elf))?.unknowns?.[0]?.reason ?? '', /out of bounds/)
  // No section table, but a build info magic with an inline string that claims to be huge.
  const fake = new Uint8Array(4096)
  fake.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])
  fake.set(Buffer.from('\xff Go buildinf:', 'latin1'), 1024)
  fake[1024 + 14] = 8
  fake[1024 + 15] = 2
  fake.set([0xff, 0xff, 0xff, 0x7f], 1024 + 32)
  assert.match((await analyze(fake))?.unknowns?.[0]?.reason ?? '', /truncated Go version/)
})
