// `drydock scan` runs DRY-DI-0008 (web server config lacks security headers): an image whose
// layer holds Debian's nginx config with the default site enabled and no security headers is
// reported with the file and line; the registry's scan of the same image is covered in
// test/scan-on-push/scan-without-db.test.ts (both go through scanImage's `source`).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { gnuTar, writeLayout } from '../../src/scanner/image/testing/layout-builder.ts'
import { nginxWithoutHeadersTree } from '../findings/web-server-image.ts'
import { cliSandbox, show, type CliSandbox } from './cli-harness.ts'

let box: CliSandbox
let ref = ''

before(async () => {
  box = await cliSandbox()
  const dir = join(box.dir, 'layout')
  ref = await writeLayout(dir, [{ tar: await gnuTar(dir, await nginxWithoutHeadersTree()), compression: 'gzip' }], 'web')
})
after(async () => {
  await box?.close()
})

test('drydock scan reports an nginx site without security headers (DRY-DI-0008)', async () => {
  const r = await box.run(['scan', ref, '--scanners', 'misconfig', '--format', 'json'])
  assert.equal(r.code, 0, show(r))
  const found = (JSON.parse(r.stdout)['findings'] as Array<{ id: string; evidence: string; location: { path?: string; line?: number } }>)
    .filter((f) => f.id === 'DRY-DI-0008')
  assert.deepEqual(found.map((f) => [f.evidence, f.location.path, f.location.line]), [[
    'nginx /etc/nginx/sites-enabled/default:21 server _ (listen 80, [::]:80): missing X-Content-Type-Options, X-Frame-Options, Strict-Transport-Security',
    'etc/nginx/sites-available/default', 21,
  ]])
})
