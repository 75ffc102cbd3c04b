// OS detection on every shared test image: the OS analyzers see only the regular files of the
// layer (symlinks such as CentOS etc/redhat-release are never handed over), resolveOs merges.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { OsCandidate, OsInfo } from '../../model/package.ts'
import { osReleaseAnalyzer } from './os-release-analyzer.ts'
import { releaseFileAnalyzer } from './release-file-analyzer.ts'
import { resolveOs } from './resolve-os.ts'
import { analysisInput, extractLayer, layerBlobs } from './testing/image-files.ts'

const ANALYZERS = [osReleaseAnalyzer, releaseFileAnalyzer]
const meta = (path: string) => ({ path, size: 0, mode: 0o100644, uid: 0, gid: 0 })

async function detect(image: string): Promise<OsInfo | undefined> {
  const candidates: OsCandidate[] = []
  const layers = (await layerBlobs(image)).length
  for (let i = 0; i < layers; i++) {
    const x = await extractLayer(image, i, (p) => ANALYZERS.some((a) => a.required(p, meta(p))))
    try {
      for (const [path, bytes] of x.files) {
        for (const a of ANALYZERS.filter((a) => a.required(path, meta(path)))) {
          const r = await a.analyze(analysisInput(path, bytes))
          if (r?.osCandidate) candidates.push(r.osCandidate)
        }
      }
    } finally {
      await x.cleanup()
    }
  }
  return resolveOs(candidates)
}

// Expected values are the facts documented in testdata/images/README.md.
const EXPECTED: Record<string, OsInfo | undefined> = {
  'alpine-3.19': { family: 'alpine', version: '3.19.4', release: '3.19', prettyName: 'Alpine Linux v3.19' },
  'alpine-3.20': { family: 'alpine', version: '3.20.3', release: '3.20', prettyName: 'Alpine Linux v3.20' },
  'debian-bookworm-slim': { family: 'debian', version: '12.15', release: '12', codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
  'python-app': { family: 'debian', version: '12.15', release: '12', codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
  'node-app-on-debian': { family: 'debian', version: '12.15', release: '12', codename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
  'centos-7-rpmdb': { family: 'centos', version: '7.5.1804', release: '7', prettyName: 'CentOS Linux 7 (Core)' },
  'cbl-mariner-2.0-rpmdb': { family: 'mariner', version: '2.0.20220124', release: '2.0', prettyName: 'CBL-Mariner/Linux' },
  'sle-15.3-bci-rpmdb': { family: 'sles', version: '15.3', release: '15.3', prettyName: 'SUSE Linux Enterprise Server 15 SP3' },
  busybox: undefined,
  'node-app-vuln': undefined,
}

describe('OS detection on the shared images', () => {
  for (const [image, expected] of Object.entries(EXPECTED)) {
    it(`${image} → ${expected ? `${expected.family} ${expected.version}` : 'no OS'}`, async () => {
      assert.deepEqual(await detect(image), expected)
    })
  }
})
