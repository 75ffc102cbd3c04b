/** What the SBOM encoders need: the image identity and its inventory. Pure data, no I/O. */
import type { Digest } from '../../oci/digest.ts'
import type { OsInfo, PackageRecord } from '../model/package.ts'

export interface SbomImage {
  /** The reference the user gave (e.g. `oci:images/alpine:3.19`, `registry/repo:tag`). */
  readonly reference: string
  /** Repository-ish name used as the SBOM subject's name (e.g. `test/alpine`). */
  readonly name: string
  readonly manifestDigest: Digest
  readonly configDigest?: Digest
  readonly tag?: string
  readonly architecture?: string
  readonly os?: string
}

export interface SbomInput {
  readonly image: SbomImage
  readonly os?: OsInfo
  readonly packages: readonly PackageRecord[]
}

/** Injected so that output is reproducible in tests (no Date.now()/randomUUID() in encoders). */
export interface SbomContext {
  readonly now: Date
  /** A fresh random UUID (v4) for serial numbers and document namespaces. */
  readonly uuid: string
  readonly toolName: string
  readonly toolVersion: string
}

/** purl of the image itself (purl spec `oci` type): pkg:oci/NAME@sha256%3A...?tag=... */
export function imagePurl(image: SbomImage): string {
  const last = image.name.split('/').pop() ?? image.name
  const params = new URLSearchParams()
  if (image.architecture) params.set('arch', image.architecture)
  if (image.tag) params.set('tag', image.tag)
  const q = params.toString()
  return `pkg:oci/${encodeURIComponent(last)}@${encodeURIComponent(image.manifestDigest)}${q ? `?${q}` : ''}`
}
