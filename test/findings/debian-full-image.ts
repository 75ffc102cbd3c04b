/**
 * A full (not slim) Debian bookworm image for the secret scanner: the shared
 * debian-bookworm-slim layer (blob reused as is) plus a layer holding what
 * `debuerreotype-slimify` removed and the scanner reads, the real
 * `usr/share/lintian/overrides/*` files of the same 88 packages
 * (src/scanner/analyzers/secret/testdata/debian-lintian-overrides, see its README).
 * The other removed files (usr/share/doc, man, locale) are in directories the scanner skips.
 */
import { copyFile, link, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { compress, gnuTar } from '../../src/scanner/image/testing/layout-builder.ts'
import { IMAGES_DIR, REPO_ROOT } from '../../src/testkit/repo-paths.ts'

export const LINTIAN_OVERRIDES_DIR = join(REPO_ROOT, 'src', 'scanner', 'analyzers', 'secret', 'testdata', 'debian-lintian-overrides')

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

async function putBlob(dir: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha(data)
  await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), data)
  return { digest, size: data.length }
}

type Json = Record<string, unknown>

/** Writes the layout under `work` and returns its `oci:` reference (tag `bookworm`). */
export async function buildFullDebianImage(work: string): Promise<string> {
  const slim = join(IMAGES_DIR, 'debian-bookworm-slim')
  const blob = (digest: string): string => join(slim, 'blobs', 'sha256', digest.replace(/^sha256:/, ''))
  const index = JSON.parse(await readFile(join(slim, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }
  const manifest = JSON.parse(await readFile(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as { config: { digest: string }; layers: Json[] }
  const config = JSON.parse(await readFile(blob(manifest.config.digest), 'utf8')) as Json & { rootfs: { diff_ids: string[] }; history: Json[] }

  const dir = join(work, 'debian-full')
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true })
  for (const layer of manifest.layers) {
    const digest = String(layer['digest'])
    const to = join(dir, 'blobs', 'sha256', digest.slice(7))
    await link(blob(digest), to).catch(async () => await copyFile(blob(digest), to))
  }
  const tree: Record<string, string> = {}
  for (const name of (await readdir(LINTIAN_OVERRIDES_DIR)).filter((n) => n !== 'README.md').sort()) {
    tree[`usr/share/lintian/overrides/${name}`] = await readFile(join(LINTIAN_OVERRIDES_DIR, name), 'utf8')
  }
  const tar = await gnuTar(work, tree)
  const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...(await putBlob(dir, await compress(tar, 'gzip'))) }
  const fullConfig = {
    ...config,
    rootfs: { type: 'layers', diff_ids: [...config.rootfs.diff_ids, sha(tar)] },
    history: [...config.history, { created: config['created'], created_by: 'COPY usr/share/lintian/overrides (removed by debuerreotype-slimify)' }],
  }
  const configDesc = { mediaType: 'application/vnd.oci.image.config.v1+json', ...(await putBlob(dir, Buffer.from(JSON.stringify(fullConfig)))) }
  const m = await putBlob(dir, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: configDesc, layers: [...manifest.layers, layer] })))
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': 'bookworm' } }] }))
  return `oci:${dir}:bookworm`
}
