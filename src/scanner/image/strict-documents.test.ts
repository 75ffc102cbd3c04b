// The scanner reads manifests, indexes and image configs with the registry's strict JSON rules
// (oci/strict-json.ts), so a scan can never read a document differently from what the registry
// validated and from what Go clients pull (issue #12, hole 1).
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { MediaType } from '../../oci/media-types.ts'
import { openOciLayout } from './oci-layout/oci-layout-store.ts'
import { isImageError } from './image-errors.ts'

const sha = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`
const dirs: string[] = []
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

/** Writes a one-image OCI layout from raw JSON texts (so hostile spellings survive). */
async function layout(configText: string, manifestTail = ''): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'drydock-strict-'))
  dirs.push(dir)
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true })
  const blob = async (text: string): Promise<{ digest: string; size: number }> => {
    await writeFile(join(dir, 'blobs', 'sha256', sha(text).slice(7)), text)
    return { digest: sha(text), size: Buffer.byteLength(text) }
  }
  const config = await blob(configText)
  const manifest = await blob(`{"schemaVersion":2,"mediaType":"${MediaType.ociManifest}","config":${JSON.stringify({ mediaType: MediaType.ociConfig, ...config })},"layers":[]${manifestTail}}`)
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MediaType.ociManifest, ...manifest }] }))
  return dir
}

const CLEAN = `{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}`

describe('scanner: strict manifests and configs', () => {
  it('control: a clean image resolves and its config reads', async () => {
    const source = openOciLayout('test', await layout(CLEAN), undefined)
    const [image] = await source.resolve({ platform: 'linux/amd64' })
    assert.ok(image)
    assert.deepEqual((await source.readConfig(image.manifest)).rootfs, { type: 'layers', diff_ids: [] })
  })

  it('a config with "RootFS" next to "rootfs" is refused, not read one way', async () => {
    const source = openOciLayout('test', await layout(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"RootFS":{"type":"layers","diff_ids":["sha256:${'b'.repeat(64)}"]}}`), undefined)
    const [image] = await source.resolve({ platform: 'linux/amd64' })
    assert.ok(image)
    await assert.rejects(source.readConfig(image.manifest), (err: unknown) => isImageError(err) && err.code === 'SOURCE_INVALID' && /"RootFS"/.test(err.message))
  })

  it('a config with a duplicate key is refused', async () => {
    const source = openOciLayout('test', await layout(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"os":"windows"}`), undefined)
    const [image] = await source.resolve({ platform: 'linux/amd64' })
    assert.ok(image)
    await assert.rejects(source.readConfig(image.manifest), (err: unknown) => isImageError(err) && /duplicate key "os"/.test(err.message))
  })

  it('a manifest with "Layers" next to "layers" is refused', async () => {
    const source = openOciLayout('test', await layout(CLEAN, `,"Layers":[]`), undefined)
    await assert.rejects(source.resolve({ platform: 'linux/amd64' }), /"Layers"/)
  })
})
