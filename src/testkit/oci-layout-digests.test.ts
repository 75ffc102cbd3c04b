import assert from 'node:assert/strict'
import { cp, mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { blobPath, layoutRoot, reachableDigests } from './oci-layout-digests.ts'
import { IMAGES_DIR, requireTestdata } from './repo-paths.ts'

requireTestdata()

test('walks a nested index down to the shared layer', async () => {
  const dir = join(IMAGES_DIR, 'multiarch-busybox')
  const root = await layoutRoot(dir, '1')
  const all = await reachableDigests(dir, root)
  // index + 2 manifests + their configs + 1 layer referenced by both
  assert.ok(all.has(root.digest))
  assert.ok(all.size >= 5, `unexpected blob count ${all.size}`)
})

test('a blob whose bytes do not match its digest is reported, not compared', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-layout-test-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await cp(join(IMAGES_DIR, 'busybox'), dir, { recursive: true, dereference: true })
  const root = await layoutRoot(dir, '1')
  const manifest = JSON.parse(await readFile(blobPath(dir, root.digest), 'utf8')) as { layers: { digest: string }[] }
  const layer = manifest.layers[0]?.digest
  assert.ok(layer)
  const fh = await open(blobPath(dir, layer), 'r+')
  await fh.write(Buffer.from([0xff]), 0, 1, 100)
  await fh.close()
  await assert.rejects(reachableDigests(dir, root), new RegExp(`blob ${layer} .* hashes to sha256:`))
})

test('an unknown ref and a malformed digest are errors', async () => {
  await assert.rejects(layoutRoot(join(IMAGES_DIR, 'busybox'), 'no-such-ref'), /0 entries for ref no-such-ref/)
  assert.throws(() => blobPath('/x', 'sha256:../../etc/passwd'), /malformed digest/)
})
