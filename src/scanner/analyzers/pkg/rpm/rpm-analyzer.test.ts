// rpm on the real rpm databases of the shared images, compared exactly with rpm itself where
// Debian's rpm 4.18 can read the format (BerkeleyDB via bdb_ro, SQLite), and with an
// independent reference list for NDB, which Debian's rpm is built without (testdata/README.md).
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { PackageRecord } from '../../../model/package.ts'
import { withOsPurl } from '../../os/os-package-purl.ts'
import { analysisInput, extractLayer, tool } from '../../os/testing/image-files.ts'
import { rpmAnalyzer } from './rpm-analyzer.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
const QF = '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{SOURCERPM}\\n'
const row = (p: PackageRecord) =>
  `${p.name}\t${p.epoch ?? 0}:${p.version.replace(/^\d+:/, '')}\t${p.metadata?.['sourceRpm'] ?? '(none)'}`

async function rpmQuery(dbpath: string, backend: string | undefined, qf: string): Promise<string[]> {
  const define = backend ? ['--define', `_db_backend ${backend}`] : []
  const out = await tool('rpm', [...define, `--dbpath=${dbpath}`, '-qa', '--qf', qf])
  // rpm -qa lists imported signing keys as gpg-pubkey pseudo-packages; we skip them on purpose.
  return out.split('\n').filter((l) => l !== '' && !l.startsWith('gpg-pubkey\t'))
}

/** Multiset equality with a short message: a 26,000-line deepEqual diff is too slow to print. */
function sameLines(actual: readonly string[], expected: readonly string[], what: string): void {
  const count = new Map<string, number>()
  for (const l of expected) count.set(l, (count.get(l) ?? 0) + 1)
  const extra: string[] = []
  for (const l of actual) {
    const n = count.get(l) ?? 0
    if (n === 0) extra.push(l)
    else count.set(l, n - 1)
  }
  const missing = [...count].filter(([, n]) => n > 0).map(([l]) => l)
  assert.ok(extra.length === 0 && missing.length === 0,
    `${what} differ: ${extra.length} extra (${extra.slice(0, 5).join(' | ')}), ${missing.length} missing (${missing.slice(0, 5).join(' | ')})`)
  assert.equal(actual.length, expected.length)
}

async function analyzeDb(image: string, path: string) {
  const x = await extractLayer(image, 0, (p) => p === path)
  const bytes = x.files.get(path)
  assert.ok(bytes, `${path} not in ${image}`)
  return { x, result: await rpmAnalyzer.analyze(analysisInput(path, bytes)) }
}

describe('rpm analyzer on the shared rpm images', () => {
  for (const [image, path, backend, count] of [
    ['centos-7-rpmdb', 'var/lib/rpm/Packages', 'bdb_ro', 144],
    ['cbl-mariner-2.0-rpmdb', 'var/lib/rpm/rpmdb.sqlite', 'sqlite', 129],
  ] as const) {
    it(`${image}: ${path} equals rpm -qa (${backend})`, async () => {
      const { x, result } = await analyzeDb(image, path)
      try {
        assert.equal(result?.unknowns, undefined)
        const pkgs = result?.packages ?? []
        const dbpath = join(x.dir, dirname(path))
        assert.deepEqual(pkgs.map(row).sort(), (await rpmQuery(dbpath, backend, QF)).sort())
        assert.equal(pkgs.length, count)
        // Source package split, checked against rpm's own %{SOURCERPM} for every package.
        for (const p of pkgs) {
          assert.equal(`${p.sourceName}-${p.sourceVersion}.src.rpm`, p.metadata?.['sourceRpm'], p.name)
        }
        // Installed files: DIRNAMES/DIRINDEXES/BASENAMES joined exactly as rpm prints FILENAMES.
        const files = await rpmQuery(dbpath, backend, '[%{=NAME}\\t%{FILENAMES}\\n]')
        const ours = pkgs.flatMap((p) => (p.installedFiles ?? []).map((f) => `${p.name}\t/${f}`))
        sameLines(ours, files, 'installed files')
      } finally {
        await x.cleanup()
      }
    })
  }

  it('centos-7-rpmdb: source package, epoch and purl', async () => {
    const { x, result } = await analyzeDb('centos-7-rpmdb', 'var/lib/rpm/Packages')
    await x.cleanup()
    const bind = result?.packages?.find((p) => p.name === 'bind-license')
    assert.equal(bind?.epoch, 32)
    assert.equal(bind?.sourceName, 'bind')
    assert.equal(bind?.sourceVersion, '9.9.4-61.el7_5.1')
    const os = { family: 'centos', version: '7.5.1804', release: '7' } as const
    assert.equal(withOsPurl(bind!, os).purl, 'pkg:rpm/centos/bind-license@9.9.4-61.el7_5.1?arch=noarch&distro=centos-7.5.1804&epoch=32')
  })

  it('sle-15.3-bci-rpmdb: NDB Packages.db equals the independent reference list', async () => {
    const path = 'usr/lib/sysimage/rpm/Packages.db'
    const { x, result } = await analyzeDb('sle-15.3-bci-rpmdb', path)
    try {
      assert.equal(result?.unknowns, undefined)
      const expected = (await readFile(join(HERE, 'testdata/sle15-bci-packages.tsv'), 'utf8')).trim().split('\n')
      const ours = (result?.packages ?? []).map((p) => `${p.name}\t${p.version}\t${p.arch}`)
      assert.deepEqual(ours, expected) // same order too: NDB lists in package-index order
      // If this machine's rpm ever gains the NDB backend, hold us to it as well.
      const probe = await rpmQuery(join(x.dir, dirname(path)), 'ndb', QF).catch(() => [])
      if (probe.length > 0) assert.deepEqual((result?.packages ?? []).map(row).sort(), probe.sort())
    } finally {
      await x.cleanup()
    }
  })
})
