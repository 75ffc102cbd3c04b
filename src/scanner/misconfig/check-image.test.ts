// Image checks on synthetic configs and layer summaries (the real-image tests are in
// test/misconfig/); each rule's positive and negative case.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Digest } from '../../oci/digest.ts'
import type { LayerFileIndex, LayerFileSummary } from '../image/apply-layers.ts'
import type { ImageConfig } from '../image/source.ts'
import { checkImage } from './check-image.ts'
import { parseCreatedBy } from './history-instructions.ts'

const d = (c: string): Digest => `sha256:${c.repeat(64)}` as Digest
const file = (path: string, mode: number, size = 10, extra: Partial<LayerFileSummary> = {}): LayerFileSummary =>
  ({ path, type: 'file', size, mode, uid: 0, gid: 0, deletedLater: false, replacedLater: false, ...extra })

function config(c: Record<string, unknown>, history: string[] = [], layers = 2): ImageConfig {
  return { architecture: 'amd64', os: 'linux', config: c, rootfs: { type: 'layers', diff_ids: Array.from({ length: layers }, (_, i) => d(String(i % 10))) }, history: history.map((h) => ({ created_by: h })) }
}

describe('history parsing', () => {
  it('reads classic, buildah and BuildKit created_by lines', () => {
    assert.deepEqual(parseCreatedBy('/bin/sh -c #(nop)  ENV A=b'), { keyword: 'ENV', args: 'A=b' })
    assert.deepEqual(parseCreatedBy('/bin/sh -c apt-get update'), { keyword: 'RUN', args: 'apt-get update' })
    assert.deepEqual(parseCreatedBy('|1 TOKEN=x /bin/sh -c make'), { keyword: 'RUN', args: 'make' })
    assert.deepEqual(parseCreatedBy('RUN /bin/sh -c curl x | sh # buildkit'), { keyword: 'RUN', args: 'curl x | sh' })
    assert.deepEqual(parseCreatedBy('USER 1000'), { keyword: 'USER', args: '1000' })
    assert.equal(parseCreatedBy('debuerreotype 0.15'), undefined)
  })
})

describe('image misconfiguration checks', () => {
  const layers: LayerFileIndex[] = [
    { diffId: d('a'), whiteouts: [], opaqueDirs: [], files: [
      file('usr/bin/passwd', 0o104755), file('usr/bin/sudo', 0o104755), file('var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease', 0o644, 5000),
      file('opt/big.bin', 0o644, 20 * 1024 * 1024, { deletedLater: true }), file('etc/app.conf', 0o666),
      { ...file('tmp', 0o1777), type: 'directory' }, { ...file('usr/bin/sh', 0o777), type: 'symlink' },
    ] },
    { diffId: d('b'), whiteouts: ['opt/big.bin'], opaqueDirs: [], files: [] },
  ]
  const bad = config({ Env: ['PATH=/usr/bin', 'DB_PASSWORD=mysecretpassword'], ExposedPorts: { '22/tcp': {} } }, [
    '/bin/sh -c #(nop) ADD https://example.com/x.tgz /x', '/bin/sh -c curl -sL https://example.com/i.sh | bash',
    '/bin/sh -c apt-get install -y python3', 'FROM debian:latest',
  ], 60)

  it('reports every problem with its rule id, severity and location', () => {
    const found = checkImage({ config: bad, layerFiles: layers })
    const ids = new Set(found.map((f) => f.id))
    for (const id of ['CIS-DI-0001', 'CIS-DI-0006', 'CIS-DI-0008', 'CIS-DI-0009', 'CIS-DI-0010', 'DKL-DI-0005', 'DKL-DI-0006', 'DRY-DI-0001', 'DRY-DI-0002', 'DRY-DI-0003', 'DRY-DI-0004', 'DRY-DI-0005', 'DRY-DI-0006', 'DRY-DI-0007']) {
      assert.ok(ids.has(id), `missing ${id}`)
    }
    const env = found.find((f) => f.id === 'CIS-DI-0010')
    assert.deepEqual([env?.severity, env?.location], ['CRITICAL', { kind: 'config', field: 'config.Env[1]' }])
    assert.match(env?.evidence ?? '', /DB_PASSWORD=myse\*\*\*\*/)
    const setuid = found.filter((f) => f.id === 'CIS-DI-0008').map((f) => (f.location?.kind === 'file' ? f.location.path : ''))
    assert.deepEqual(setuid, ['usr/bin/passwd', 'usr/bin/sudo'])
    const ww = found.filter((f) => f.id === 'DRY-DI-0005').map((f) => (f.location?.kind === 'file' ? f.location.path : ''))
    assert.deepEqual(ww, ['etc/app.conf'])
    assert.match(found.find((f) => f.id === 'DRY-DI-0006')?.evidence ?? '', /^20971520 bytes in 1 files/)
    assert.ok(!JSON.stringify(found).includes('mysecretpassword'))
  })

  it('a non-root image with a healthcheck and nothing else passes', () => {
    const good = config({ User: '1000', Healthcheck: { Test: ['CMD', '/health'] } }, ['/bin/sh -c apt-get install -y --no-install-recommends x'])
    assert.deepEqual(checkImage({ config: good, layerFiles: [] }), [])
  })

  it('hostile configs (megabytes of near-matches) are checked quickly', () => {
    const huge = config({ Env: [`A_PASSWORD="${'x'.repeat(4 << 20)}`], Labels: { k: 'AKIA'.repeat(1 << 20) } }, [
      `/bin/sh -c ${'curl '.repeat(800_000)}| tee x | sh`, `/bin/sh -c ${'apt-get install '.repeat(200_000)}`, `ARG ${'A=" '.repeat(500_000)}`,
      `|1 ${'a=b=c=d=e=f=g=h '.repeat(40)}x`,
    ])
    const t0 = performance.now()
    const found = checkImage({ config: huge })
    assert.ok(performance.now() - t0 < 20_000, `took ${Math.round(performance.now() - t0)} ms`)
    assert.ok(found.some((f) => f.id === 'DRY-DI-0001'))
  })

  it('USER root and HEALTHCHECK NONE count as missing', () => {
    const found = checkImage({ config: config({ User: 'root:root', Healthcheck: { Test: ['NONE'] } }) }).map((f) => f.evidence)
    assert.deepEqual(found, ['config.User is "root:root"', 'config.Healthcheck is disabled (NONE)'])
  })
})
