/**
 * Writes an OCI image layout with `count` gzip layers, each a tar holding one file of
 * `layerMiB` MiB of random bytes (random, so no compression can shortcut the transfer: the
 * compressed layer is as big as the file). Layers are gzip like real images, so skopeo pushes
 * them as they are instead of compressing them on the fly, which would make the client's gzip
 * the bottleneck. Streams to disk; never holds a layer in memory.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { once } from 'node:events'
import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0, 100, 'utf8')
  h.write('0000644\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  h.write(size.toString(8).padStart(11, '0') + '\0', 124)
  h.write('00000000000\0', 136)
  h.write('        ', 148)
  h.write('0', 156)
  h.write('ustar\0', 257)
  h.write('00', 263)
  let sum = 0
  for (const b of h) sum += b
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  return h
}

async function writeBlob(dir: string, chunks: AsyncIterable<Buffer>): Promise<{ digest: string; size: number }> {
  const tmp = join(dir, `tmp-${randomBytes(6).toString('hex')}`)
  const out = createWriteStream(tmp)
  const hash = createHash('sha256')
  let size = 0
  for await (const c of chunks) {
    hash.update(c)
    size += c.length
    if (!out.write(c)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  const hex = hash.digest('hex')
  await rename(tmp, join(dir, hex))
  return { digest: `sha256:${hex}`, size }
}

async function* layerBytes(index: number, bytes: number): AsyncIterable<Buffer> {
  yield tarHeader(`data-${index}.bin`, bytes)
  const chunk = 1 << 20
  for (let done = 0; done < bytes; done += chunk) yield randomBytes(Math.min(chunk, bytes - done))
  const pad = (512 - (bytes % 512)) % 512
  yield Buffer.alloc(pad + 1024)
}

async function* once1(b: Buffer): AsyncIterable<Buffer> {
  yield b
}

/** Gzips `tar` (level 1: the data is random anyway) and records the uncompressed digest (diff_id). */
function gzipLayer(tar: AsyncIterable<Buffer>): { readonly gz: AsyncIterable<Buffer>; readonly diffId: () => string } {
  const hash = createHash('sha256')
  async function* hashed(): AsyncIterable<Buffer> {
    for await (const c of tar) {
      hash.update(c)
      yield c
    }
  }
  const gz = Readable.from(hashed()).pipe(createGzip({ level: 1 }))
  return { gz, diffId: () => `sha256:${hash.digest('hex')}` }
}

export async function makeBigImage(dir: string, count: number, layerMiB: number, tag = 'big'): Promise<void> {
  const blobs = join(dir, 'blobs', 'sha256')
  await mkdir(blobs, { recursive: true })
  const layers: Array<{ digest: string; size: number }> = []
  const diffIds: string[] = []
  for (let i = 0; i < count; i++) {
    const { gz, diffId } = gzipLayer(layerBytes(i, layerMiB << 20))
    layers.push(await writeBlob(blobs, gz))
    diffIds.push(diffId())
  }
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layers.map((_, i) => ({ created_by: `bench layer ${i}` })),
  }))
  const cfg = await writeBlob(blobs, once1(config))
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l })),
  }))
  const man = await writeBlob(blobs, once1(manifest))
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  await writeFile(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...man, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  }))
}
