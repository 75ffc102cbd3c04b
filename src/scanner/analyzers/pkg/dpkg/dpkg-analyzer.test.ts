// dpkg on the real Debian images, compared exactly with dpkg-query reading the same database.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { OwnedFiles, PackageRecord } from '../../../model/package.ts'
import { withOsPurl } from '../../os/os-package-purl.ts'
import { analysisInput, extractLayer, tool } from '../../os/testing/image-files.ts'
import { mutate, prng } from '../../os/testing/mutate.ts'
import { dpkgAnalyzer } from './dpkg-analyzer.ts'
import { joinOwnedFiles } from './parse-dpkg-list.ts'

const STATUS = 'var/lib/dpkg/status'
const meta = (path: string) => ({ path, size: 0, mode: 0o100644, uid: 0, gid: 0 })
const row = (p: PackageRecord) => `${p.name}\t${p.version}\t${p.sourceName}\t${p.sourceVersion}`

async function dpkgQuery(admindir: string): Promise<string[]> {
  const out = await tool('dpkg-query', [`--admindir=${admindir}`, '-W', '-f', '${db:Status-Status}\t${Package}\t${Version}\t${source:Package}\t${source:Version}\n'])
  // Our rule is dpkg's own: a package counts when its status word is "installed".
  return out.split('\n').filter((l) => l.startsWith('installed\t')).map((l) => l.slice('installed\t'.length)).sort()
}

describe('dpkg analyzer on the Debian images', () => {
  for (const [image, layer, count] of [['debian-bookworm-slim', 0, 88], ['python-app', 1, 122]] as const) {
    it(`${image} layer ${layer}: status equals dpkg-query`, async () => {
      const x = await extractLayer(image, layer, (p) => p === STATUS)
      try {
        const bytes = x.files.get(STATUS)
        assert.ok(bytes, `${STATUS} not in ${image} layer ${layer}`)
        const r = await dpkgAnalyzer.analyze(analysisInput(STATUS, bytes))
        assert.equal(r?.unknowns, undefined)
        const ours = (r?.packages ?? []).map(row).sort()
        assert.deepEqual(ours, await dpkgQuery(join(x.dir, 'var/lib/dpkg')))
        assert.equal(ours.length, count)
        assert.deepEqual(r?.osCandidate, { source: STATUS, distroless: false })
        const zlib = r?.packages?.find((p) => p.name === 'zlib1g')
        assert.equal(zlib?.version, '1:1.2.13.dfsg-1')
        assert.equal(zlib?.epoch, 1)
        assert.equal(zlib?.sourceName, 'zlib')
        assert.equal(withOsPurl(zlib!, { family: 'debian', version: '12.15', release: '12' }).purl, 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12')
      } finally {
        await x.cleanup()
      }
    })
  }

  it('info/*.list files, joined to their packages, equal dpkg-query -L', async () => {
    const x = await extractLayer('debian-bookworm-slim', 0, (p) => p.startsWith('var/lib/dpkg/'))
    try {
      const owned: OwnedFiles[] = []
      let packages: PackageRecord[] = []
      for (const [path, bytes] of x.files) {
        if (!dpkgAnalyzer.required(path, meta(path))) continue
        const r = await dpkgAnalyzer.analyze(analysisInput(path, bytes))
        owned.push(...(r?.ownedFiles ?? []))
        if (path === STATUS) packages = [...(r?.packages ?? [])]
      }
      const joined = joinOwnedFiles(packages, owned)
      assert.equal(joined.length, 88)
      const admindir = join(x.dir, 'var/lib/dpkg')
      for (const p of joined) {
        const listed = (await tool('dpkg-query', [`--admindir=${admindir}`, '-L', p.name]))
          .split('\n').filter((l) => l.startsWith('/') && l !== '/.').map((l) => l.slice(1))
        assert.deepEqual(p.installedFiles ?? [], listed, p.name)
      }
    } finally {
      await x.cleanup()
    }
  })

  it('distroless status.d: one file per package, same records as the status file', async () => {
    const x = await extractLayer('debian-bookworm-slim', 0, (p) => p === STATUS)
    try {
      const text = new TextDecoder().decode(x.files.get(STATUS))
      const full = await dpkgAnalyzer.analyze(analysisInput(STATUS, x.files.get(STATUS)!))
      const records: string[] = []
      for (const para of text.split(/\n\n+/).filter((s) => s.trim() !== '')) {
        const name = /^Package: (.+)$/m.exec(para)?.[1] ?? ''
        const path = `var/lib/dpkg/status.d/${name}`
        assert.ok(dpkgAnalyzer.required(path, meta(path)))
        const r = await dpkgAnalyzer.analyze(analysisInput(path, new TextEncoder().encode(`${para}\n`)))
        assert.equal(r?.osCandidate?.distroless, true)
        records.push(...(r?.packages ?? []).map(row))
      }
      assert.equal(dpkgAnalyzer.required('var/lib/dpkg/status.d/libc6.md5sums', meta('x')), false)
      assert.deepEqual(records.sort(), (full?.packages ?? []).map(row).sort())
    } finally {
      await x.cleanup()
    }
  })

  it('skips packages that are not installed, reads held ones, reports malformed paragraphs', async () => {
    const text = [
      'Package: a\nStatus: install ok installed\nVersion: 1.0-1\nSource: srca (0.9-2)\nDescription: x\n multi\n line',
      'Package: b\nStatus: deinstall ok config-files\nVersion: 2.0',
      'Package: c\nStatus: hold ok installed\nVersion: 3.0\nSource: srcc',
      'Package: d\nStatus: install ok installed',
      'Package: e\nStatus: install ok half-installed\nVersion: 5',
      'garbage line without colon',
    ].join('\n\n')
    const r = await dpkgAnalyzer.analyze(analysisInput(STATUS, new TextEncoder().encode(text)))
    assert.deepEqual(r?.packages?.map(row), ['a\t1.0-1\tsrca\t0.9-2', 'c\t3.0\tsrcc\t3.0'])
    assert.equal(r?.unknowns?.length, 2)
  })

  it('seeded mutations of the real status file: no throw, bounded time', async () => {
    const x = await extractLayer('debian-bookworm-slim', 0, (p) => p === STATUS)
    await x.cleanup()
    const src = x.files.get(STATUS)!
    const rnd = prng(0xdeb)
    for (let i = 0; i < 50; i++) {
      const t = performance.now()
      const r = await dpkgAnalyzer.analyze(analysisInput(STATUS, mutate(src, rnd)))
      assert.ok(r?.packages)
      assert.ok(performance.now() - t < 1000)
    }
    const list = await dpkgAnalyzer.analyze(analysisInput('var/lib/dpkg/info/x:amd64.list', mutate(src, rnd)))
    assert.equal(list?.ownedFiles?.[0]?.packageName, 'x')
  })
})
