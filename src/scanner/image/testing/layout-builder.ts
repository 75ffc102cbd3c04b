// Builds small OCI image layouts in a temp dir for tests: layer trees archived with GNU tar,
// compressed with the gzip / zstd command-line tools, written as blobs with a config and manifest.
import { createHash } from 'node:crypto'
import { mkdir, symlink, link, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { runBuffer, runWithInput } from './layer-fixtures.ts'

export type TreeNode = string | { readonly symlink: string } | { readonly hardlink: string } | { readonly dir: true }

/** Archives a tree with GNU tar (paths in the given order, no ./ prefix, root-owned). */
export async function gnuTar(workDir: string, tree: Readonly<Record<string, TreeNode>>): Promise<Buffer> {
  const root = join(workDir, `tree-${createHash('sha256').update(JSON.stringify(tree)).digest('hex').slice(0, 12)}`)
  await mkdir(root, { recursive: true })
  for (const [path, node] of Object.entries(tree)) {
    const full = join(root, path)
    await mkdir(dirname(full), { recursive: true })
    if (typeof node === 'string') await writeFile(full, node)
    else if ('symlink' in node) await symlink(node.symlink, full)
    else if ('hardlink' in node) await link(join(root, node.hardlink), full)
    else await mkdir(full, { recursive: true })
  }
  return await runBuffer('tar', ['--format=pax', '--owner=0', '--group=0', '--numeric-owner', '--no-recursion', '-cf', '-', '-C', root, ...Object.keys(tree)])
}

export type Compression = 'gzip' | 'zstd' | 'none'

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`
const MEDIA: Record<Compression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
}

export async function compress(tar: Buffer, c: Compression): Promise<Buffer> {
  if (c === 'gzip') return await runWithInput('gzip', ['-c', '-n'], tar)
  if (c === 'zstd') return await runWithInput('zstd', ['-c', '-q'], tar)
  return tar
}

async function writeBlob(dir: string, data: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha(data)
  const path = join(dir, 'blobs', 'sha256', digest.slice(7))
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, data)
  return { digest, size: data.length }
}

/**
 * Writes an OCI layout with one image tagged `tag`; returns the `oci:` reference. A layer's
 * `claimedDiffId` goes into the config instead of the real one (hostile-image tests).
 */
export async function writeLayout(dir: string, layers: readonly { tar: Buffer; compression: Compression; claimedDiffId?: string }[], tag = 'test'): Promise<string> {
  await mkdir(dir, { recursive: true })
  const descs = []
  const diffIds = []
  for (const l of layers) {
    const blob = await writeBlob(dir, await compress(l.tar, l.compression))
    descs.push({ mediaType: MEDIA[l.compression], ...blob })
    diffIds.push(l.claimedDiffId ?? sha(l.tar))
  }
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds } }))
  const configDesc = { mediaType: 'application/vnd.oci.image.config.v1+json', ...(await writeBlob(dir, config)) }
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: configDesc, layers: descs }))
  const m = await writeBlob(dir, manifest)
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, annotations: { 'org.opencontainers.image.ref.name': tag } }] }))
  return `oci:${dir}:${tag}`
}
