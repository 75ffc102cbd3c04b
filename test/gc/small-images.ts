/**
 * Tiny OCI image layouts for the garbage collection tests: real gzip'ed tar layers (one file
 * each) and a real image config, so skopeo and the registry treat them like any image; images
 * share layers by being built from the same named layer contents.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

export interface BuiltBlob {
  readonly digest: string
  readonly size: number
}

export interface BuiltImage {
  readonly dir: string
  readonly tag: string
  readonly manifest: BuiltBlob
  readonly config: BuiltBlob
  readonly layers: readonly BuiltBlob[]
  /** Every blob the image consists of: manifest, config, layers. */
  readonly blobs: readonly BuiltBlob[]
}

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

/** A ustar archive with one regular file (enough for any layer walker). */
function tarOf(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512)
  const field = (value: string, offset: number, length: number): void => void header.write(value, offset, length, 'ascii')
  const octal = (n: number, length: number): string => `${n.toString(8).padStart(length - 1, '0')}\0`
  field(name, 0, 100)
  field(octal(0o644, 8), 100, 8)
  field(octal(0, 8), 108, 8)
  field(octal(0, 8), 116, 8)
  field(octal(content.length, 12), 124, 12)
  field(octal(0, 12), 136, 12)
  header.fill(' ', 148, 156)
  field('0', 156, 1)
  field('ustar\0', 257, 6)
  field('00', 263, 2)
  let sum = 0
  for (const byte of header) sum += byte
  field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8)
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512)
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)])
}

/** Layer content is derived from `seed` only, so the same seed gives the same layer digest. */
export function layerOf(seed: string, extraBytes = 0): { readonly tar: Buffer; readonly gz: Buffer } {
  const content = Buffer.concat([Buffer.from(`layer ${seed}\n`), extraBytes > 0 ? randomBytesFrom(seed, extraBytes) : Buffer.alloc(0)])
  const tar = tarOf(`files/${seed.replace(/[^A-Za-z0-9._-]/g, '_')}`, content)
  return { tar, gz: gzipSync(tar, { level: 1 }) }
}

/** Deterministic incompressible bytes from a seed (sha256 in counter mode). */
function randomBytesFrom(seed: string, n: number): Buffer {
  const out = Buffer.alloc(n)
  for (let i = 0, off = 0; off < n; i++, off += 32) createHash('sha256').update(`${seed}/${i}`).digest().copy(out, off)
  return out
}

/**
 * Writes an OCI layout at `dir` holding one image tagged `tag`, made of the layers with the given
 * seeds (`[seed, extra incompressible bytes]`). The config is unique to the image (`unique`).
 */
export async function writeImage(dir: string, tag: string, layerSeeds: ReadonlyArray<readonly [string, number]>, unique = randomBytes(8).toString('hex')): Promise<BuiltImage> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true })
  const put = async (bytes: Buffer): Promise<BuiltBlob> => {
    const digest = sha256(bytes)
    await writeFile(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes)
    return { digest, size: bytes.length }
  }
  const built = layerSeeds.map(([seed, extra]) => layerOf(seed, extra))
  const layers: BuiltBlob[] = []
  for (const l of built) layers.push(await put(l.gz))
  const config = await put(Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z',
    config: { Labels: { 'gc-test': unique } },
    rootfs: { type: 'layers', diff_ids: built.map((l) => sha256(l.tar)) },
  })))
  const manifest = await put(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
  })))
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  await writeFile(join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifest.digest, size: manifest.size, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  }))
  return { dir, tag, manifest, config, layers, blobs: [manifest, config, ...layers] }
}

/** Digests of the blobs in a Drydock data directory's storage (blobs/<alg>/<xx>/<hex>/data). */
export async function storedDigests(dataDir: string): Promise<Set<string>> {
  const { readdir } = await import('node:fs/promises')
  const root = join(dataDir, 'storage', 'blobs')
  const out = new Set<string>()
  const list = async (p: string): Promise<string[]> => readdir(p).catch(() => [])
  for (const alg of await list(root)) {
    for (const prefix of await list(join(root, alg))) {
      for (const hex of await list(join(root, alg, prefix))) {
        if ((await list(join(root, alg, prefix, hex))).includes('data')) out.add(`${alg}:${hex}`)
      }
    }
  }
  return out
}
