/** Media types Drydock understands (OCI image spec and Docker image manifest v2 schema 2). */
export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  dockerPluginConfig: 'application/vnd.docker.plugin.v1+json',
} as const

export type KnownMediaType = (typeof MediaType)[keyof typeof MediaType]

/** Manifest media types the registry accepts on PUT and serves on GET. */
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
])

export function isIndexMediaType(mt: string): boolean {
  return mt === MediaType.ociIndex || mt === MediaType.dockerManifestList
}

export function isImageManifestMediaType(mt: string): boolean {
  return mt === MediaType.ociManifest || mt === MediaType.dockerManifest
}

/**
 * Non-distributable ("foreign") layers: their content is fetched from the descriptor's `urls`,
 * never pushed, so a registry accepts a manifest that references them without the blob (OCI image
 * spec "Non-distributable layers"; Docker's foreign layers). They cannot be scanned from here.
 */
export function isNonDistributableLayer(mt: string): boolean {
  return mt.startsWith('application/vnd.oci.image.layer.nondistributable.') || mt.startsWith('application/vnd.docker.image.rootfs.foreign.')
}

/** Config media types whose blob is an image config (what clients run); artifacts use others. */
export function isImageConfigMediaType(mt: string): boolean {
  return mt === MediaType.ociConfig || mt === MediaType.dockerConfig
}

export type LayerCompression = 'gzip' | 'zstd' | 'none'

/** How a layer blob is compressed, from its media type; undefined when it is not a layer we can read. */
export function layerCompression(mt: string): LayerCompression | undefined {
  if (mt.endsWith('+gzip') || mt.endsWith('.tar.gzip') || mt === MediaType.dockerLayerGzip) return 'gzip'
  if (mt.endsWith('+zstd')) return 'zstd'
  if (mt.endsWith('.tar') || mt === 'application/vnd.docker.image.rootfs.diff.tar') return 'none'
  return undefined
}
