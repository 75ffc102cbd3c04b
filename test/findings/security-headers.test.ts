/**
 * DRY-DI-0008 end to end: an image whose layers hold Debian bookworm's real nginx and HAProxy
 * configuration (src/scanner/misconfig/web-server/testdata), with the default site enabled by a
 * symlink as the package's postinst does. The pipeline walks it, the config files are read from
 * the layers that provide them, and the finding points at the file, layer and line. A second
 * layer adding the headers at http level clears the nginx finding.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseImageSource } from '../../src/scanner/image/parse-image-source.ts'
import { gnuTar, writeLayout, type TreeNode } from '../../src/scanner/image/testing/layout-builder.ts'
import type { MisconfigFinding } from '../../src/scanner/misconfig/finding.ts'
import { findImageSecretsAndMisconfigs } from '../../src/scanner/misconfig/image-findings.ts'
import { analyzeImage } from '../../src/scanner/pipeline/analyze-image.ts'
import { webServerFixtureTree } from './web-server-image.ts'

const HAPROXY_SITE = 'frontend www\n    bind :80\n    http-response set-header X-Frame-Options DENY\n    default_backend app\n\nbackend app\n    server app1 127.0.0.1:8080\n'

async function headerFindings(reference: string): Promise<MisconfigFinding[]> {
  const source = await parseImageSource(reference)
  try {
    const inventory = await analyzeImage(source, { analyzers: [] })
    const { misconfigs } = await findImageSecretsAndMisconfigs(source, inventory)
    return misconfigs.filter((m) => m.id === 'DRY-DI-0008')
  } finally {
    await source.close()
  }
}

describe('DRY-DI-0008 security headers in an image with Debian\'s nginx and HAProxy configs', () => {
  let work = ''
  let base: Record<string, TreeNode> = {}
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'drydock-headers-'))
    base = {
      ...(await webServerFixtureTree()),
      'etc/nginx/sites-enabled/default': { symlink: '/etc/nginx/sites-available/default' },
      'etc/haproxy/conf.d/10-www.cfg': HAPROXY_SITE,
    }
  })
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true })
  })

  it('reports the default nginx site and the HAProxy frontend, with file, layer and line', async () => {
    const ref = await writeLayout(join(work, 'one'), [{ tar: await gnuTar(join(work, 'one'), base), compression: 'gzip' }])
    const found = await headerFindings(ref)
    assert.deepEqual(found.map((f) => [f.severity, f.evidence]), [
      ['MEDIUM', 'nginx /etc/nginx/sites-enabled/default:21 server _ (listen 80, [::]:80): missing X-Content-Type-Options, X-Frame-Options, Strict-Transport-Security'],
      ['MEDIUM', 'HAProxy /etc/haproxy/conf.d/10-www.cfg:1 frontend www: missing X-Content-Type-Options, Strict-Transport-Security'],
    ])
    // The symlink's target is the file that holds the server block.
    const nginx = found[0]?.location
    assert.ok(nginx?.kind === 'file')
    assert.deepEqual([nginx.path, nginx.line, nginx.layerIndex], ['etc/nginx/sites-available/default', 21, 0])
    assert.match(nginx.diffId ?? '', /^sha256:[0-9a-f]{64}$/)
  })

  it('a later layer setting the headers at http level clears the nginx finding', async () => {
    const headers = {
      'etc/nginx/conf.d/security-headers.conf': 'add_header X-Content-Type-Options nosniff always;\nadd_header X-Frame-Options DENY always;\nadd_header Strict-Transport-Security "max-age=31536000" always;\n',
    }
    const ref = await writeLayout(join(work, 'two'), [
      { tar: await gnuTar(join(work, 'two'), base), compression: 'gzip' },
      { tar: await gnuTar(join(work, 'two'), headers), compression: 'gzip' },
    ])
    assert.deepEqual((await headerFindings(ref)).map((f) => f.evidence), [
      'HAProxy /etc/haproxy/conf.d/10-www.cfg:1 frontend www: missing X-Content-Type-Options, Strict-Transport-Security',
    ])
  })
})
