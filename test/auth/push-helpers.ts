// Minimal authenticated push over inject(): two blobs (monolithic POST) and an OCI manifest.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { digestOf } from '../../src/oci/digest.ts'
import { MediaType } from '../../src/oci/media-types.ts'

export async function pushImage(app: FastifyInstance, repo: string, tag: string, authorization: string): Promise<LightMyRequestResponse> {
  const config = `{"architecture":"amd64","os":"linux","tag":"${tag}"}`
  const layer = `layer of ${repo}:${tag}`
  for (const blob of [config, layer]) {
    const res = await app.inject({
      method: 'POST', url: `/v2/${repo}/blobs/uploads/?digest=${digestOf(blob)}`, payload: blob,
      headers: { authorization, 'content-type': 'application/octet-stream' },
    })
    if (res.statusCode !== 201) return res
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: digestOf(config), size: config.length },
    layers: [{ mediaType: MediaType.ociLayerGzip, digest: digestOf(layer), size: layer.length }],
  })
  return app.inject({ method: 'PUT', url: `/v2/${repo}/manifests/${tag}`, payload: manifest, headers: { authorization, 'content-type': MediaType.ociManifest } })
}

export function layerDigest(repo: string, tag: string): string {
  return digestOf(`layer of ${repo}:${tag}`)
}
