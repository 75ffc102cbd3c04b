/**
 * Test fixture: a registry app on real parts (SQLite in a temp dir, filesystem or memory blobs)
 * plus small push helpers built on inject(). Tests own the fixture and must call close().
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { digestOf, type Digest } from '../../oci/digest.ts'
import { MediaType } from '../../oci/media-types.ts'
import { buildApp } from '../app.ts'
import { DEFAULT_CONFIG, type RegistryConfig } from '../config/config.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import { fakeClock, type FakeClock } from '../ports.ts'
import { FilesystemDriver } from '../storage/filesystem/filesystem-driver.ts'

export interface RegistryFixture {
  readonly app: FastifyInstance
  readonly clock: FakeClock
  readonly dataDir: string
  readonly config: RegistryConfig
  /** Builds a second app on the same data dir (a "restart"), closing the first one. */
  restart(): Promise<FastifyInstance>
  close(): Promise<void>
}

export async function startFixture(overrides: Partial<RegistryConfig> = {}): Promise<RegistryFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'drydock-registry-'))
  const config: RegistryConfig = {
    ...DEFAULT_CONFIG,
    storage: { dataDir },
    log: { level: 'silent' },
    ...overrides,
  }
  const clock = fakeClock()
  let store = new SqliteStore(join(dataDir, 'metadata.db'))
  const make = (): FastifyInstance => buildApp(config, { store, driver: new FilesystemDriver(join(dataDir, 'storage')), clock })
  let app = make()
  const fixture = {
    get app() {
      return app
    },
    clock,
    dataDir,
    config,
    restart: async () => {
      await app.close()
      await store.close()
      store = new SqliteStore(join(dataDir, 'metadata.db'))
      app = make()
      return app
    },
    close: async () => {
      await app.close()
      await store.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
  return fixture
}

/** Pushes a blob with a monolithic POST ?digest=; returns its digest. */
export async function pushBlob(app: FastifyInstance, name: string, content: string | Buffer): Promise<Digest> {
  const body = Buffer.from(content)
  const digest = digestOf(body)
  const res = await app.inject({
    method: 'POST',
    url: `/v2/${name}/blobs/uploads/?digest=${digest}`,
    payload: body,
    headers: { 'content-type': 'application/octet-stream' },
  })
  if (res.statusCode !== 201) throw new Error(`pushBlob failed: ${res.statusCode} ${res.body}`)
  return digest
}

export interface TestImage {
  readonly manifest: Buffer
  readonly digest: Digest
}

/** Pushes a config + one layer, and builds (but does not push) an OCI manifest for them. */
export async function imageManifest(app: FastifyInstance, name: string, seed: string, extra: Record<string, unknown> = {}): Promise<TestImage> {
  const config = `{"architecture":"amd64","os":"linux","seed":"${seed}"}`
  const layer = `layer-${seed}`
  const configDigest = await pushBlob(app, name, config)
  const layerDigest = await pushBlob(app, name, layer)
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: configDigest, size: config.length },
    layers: [{ mediaType: MediaType.ociLayerGzip, digest: layerDigest, size: layer.length }],
    ...extra,
  }))
  return { manifest, digest: digestOf(manifest) }
}

export async function putManifest(app: FastifyInstance, name: string, ref: string, body: Buffer, mediaType: string = MediaType.ociManifest) {
  return app.inject({ method: 'PUT', url: `/v2/${name}/manifests/${ref}`, payload: body, headers: { 'content-type': mediaType } })
}
