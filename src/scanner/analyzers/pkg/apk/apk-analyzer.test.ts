// apk on the real Alpine images, checked against the database's own records (an awk over the
// P:/V:/o: lines) and the counts and versions listed in testdata/images/README.md.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { analysisInput, extractLayer, tool } from '../../os/testing/image-files.ts'
import { withOsPurl } from '../../os/os-package-purl.ts'
import { mutate, prng } from '../../os/testing/mutate.ts'
import { apkAnalyzer } from './apk-analyzer.ts'

const DB = 'lib/apk/db/installed'

const README_FACTS: Record<string, { count: number; versions: Record<string, string> }> = {
  'alpine-3.19': { count: 15, versions: { busybox: '1.36.1-r19', libcrypto3: '3.1.7-r0', libssl3: '3.1.7-r0', musl: '1.2.4_git20230717-r4', zlib: '1.3.1-r0' } },
  'alpine-3.20': { count: 14, versions: { busybox: '1.36.1-r29', libcrypto3: '3.3.2-r0', libssl3: '3.3.2-r0', musl: '1.2.5-r0', zlib: '1.3.1-r1' } },
}

describe('apk analyzer on the Alpine images', () => {
  for (const [image, facts] of Object.entries(README_FACTS)) {
    it(image, async () => {
      const x = await extractLayer(image, 0, (p) => p === DB)
      try {
        const bytes = x.files.get(DB)
        assert.ok(bytes, `${DB} not found in ${image}`)
        const r = await apkAnalyzer.analyze(analysisInput(DB, bytes))
        assert.equal(r?.unknowns, undefined)
        const pkgs = r?.packages ?? []
        // awk over the database itself: name, version and origin of every stanza.
        const awk = await tool('awk', ['-F:', '/^P:/{p=substr($0,3)} /^V:/{v=substr($0,3)} /^o:/{o=substr($0,3)} /^$/{if(p!="")print p"\\t"v"\\t"o; p="";v="";o=""} END{if(p!="")print p"\\t"v"\\t"o}', join(x.dir, DB)])
        const expected = awk.trim().split('\n').sort()
        assert.deepEqual(pkgs.map((p) => `${p.name}\t${p.version}\t${p.sourceName}`).sort(), expected)
        assert.equal(pkgs.length, facts.count)
        for (const [name, version] of Object.entries(facts.versions)) {
          assert.equal(pkgs.find((p) => p.name === name)?.version, version, name)
        }
        const ssl = pkgs.find((p) => p.name === 'libssl3')
        assert.equal(ssl?.sourceName, 'openssl')
        assert.equal(ssl?.arch, 'x86_64')
        assert.ok(ssl?.installedFiles?.some((f) => /^usr\/lib\/libssl\.so\.3$/.test(f) || /^lib\/libssl\.so\.3$/.test(f)), 'libssl3 owns libssl.so.3')
        assert.ok(pkgs.find((p) => p.name === 'busybox')?.installedFiles?.includes('bin/busybox'))
        assert.equal(ssl?.purl, `pkg:apk/alpine/libssl3@${ssl?.version}?arch=x86_64`)
        const v = image === 'alpine-3.19' ? '3.19.4' : '3.20.3'
        const withOs = withOsPurl(ssl!, { family: 'alpine', version: v, release: v.slice(0, 4) })
        assert.equal(withOs.purl, `pkg:apk/alpine/libssl3@${ssl?.version}?arch=x86_64&distro=alpine-${v}`)
      } finally {
        await x.cleanup()
      }
    })
  }

  it('reports stanzas without P:/V: and survives garbage', async () => {
    const text = 'P:ok\nV:1-r0\nF:usr/bin\nR:ok\n\nV:2-r0\nA:x86_64\n\n\n\nP:\n'
    const r = await apkAnalyzer.analyze(analysisInput(DB, new TextEncoder().encode(text)))
    assert.deepEqual(r?.packages?.map((p) => [p.name, p.installedFiles]), [['ok', ['usr/bin/ok']]])
    assert.equal(r?.unknowns?.length, 2)
    const junk = new Uint8Array(100_000).map((_, i) => (i * 2654435761) % 251)
    await assert.doesNotReject(async () => apkAnalyzer.analyze(analysisInput(DB, junk)))
  })

  it('seeded mutations of the real database: no throw, bounded time', async () => {
    const x = await extractLayer('alpine-3.19', 0, (p) => p === DB)
    await x.cleanup()
    const src = x.files.get(DB)!
    const rnd = prng(0xa1b)
    for (let i = 0; i < 50; i++) {
      const t = performance.now()
      const r = await apkAnalyzer.analyze(analysisInput(DB, mutate(src, rnd)))
      assert.ok(r?.packages)
      assert.ok(performance.now() - t < 1000)
    }
  })
})
