import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { inputFor } from '../lang-test-helpers.ts'
import { dotnetDepsAnalyzer } from './dotnet-deps-analyzer.ts'

test('deps.json: NuGet packages only, the project itself skipped', async () => {
  const bytes = readFileSync(join(import.meta.dirname, 'testdata', 'MyApp.deps.json'))
  const out = await dotnetDepsAnalyzer.analyze(inputFor('app/MyApp.deps.json', bytes))
  assert.deepEqual(out?.packages?.map((p) => `${p.name} ${p.version} ${p.purl} ${p.type}`), [
    'Newtonsoft.Json 13.0.1 pkg:nuget/Newtonsoft.Json@13.0.1 nuget',
    'Serilog 3.1.1 pkg:nuget/Serilog@3.1.1 nuget',
  ])
  assert.equal(out?.packages?.[0]?.locations[0]?.path, 'app/MyApp.deps.json')
})

test('bad deps.json', async () => {
  const text = (s: string) => new TextEncoder().encode(s)
  assert.match((await dotnetDepsAnalyzer.analyze(inputFor('a.deps.json', text('{'))))?.unknowns?.[0]?.reason ?? '', /invalid JSON/)
  assert.match((await dotnetDepsAnalyzer.analyze(inputFor('a.deps.json', text('{"targets":{}}'))))?.unknowns?.[0]?.reason ?? '', /libraries/)
  const odd = await dotnetDepsAnalyzer.analyze(inputFor('a.deps.json', text('{"libraries":{"NoVersion":{"type":"package"},"/1.0":{"type":"package"},"A/B/C":{"type":"package"}}}')))
  assert.equal(odd, undefined)
})
