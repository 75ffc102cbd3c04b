/**
 * Platform selection in an image index: `os/arch[/variant]` as users type it, the host's own
 * platform as the default, and the matching rule (variant compared only when asked for; arm64
 * without a variant means v8, as containerd normalises it).
 */
import type { Platform } from '../../oci/descriptor.ts'
import { ImageError } from './image-errors.ts'

export interface PlatformWanted {
  readonly os: string
  readonly architecture: string
  readonly variant?: string
}

const NODE_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }

export function hostPlatform(): PlatformWanted {
  const os = process.platform === 'win32' ? 'windows' : process.platform
  return { os, architecture: NODE_ARCH[process.arch] ?? process.arch }
}

export function parsePlatformSpec(spec: string): PlatformWanted {
  const parts = spec.split('/')
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
    throw new ImageError('SOURCE_INVALID', `invalid platform '${spec.slice(0, 80)}': expected os/arch[/variant] or 'all'`)
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined]
  return { os, architecture, ...(variant ? { variant } : {}) }
}

function normVariant(p: { architecture: string; variant?: string | undefined }): string | undefined {
  if (p.architecture === 'arm64' && (p.variant === undefined || p.variant === '')) return 'v8'
  return p.variant
}

export function platformMatches(p: Platform | undefined, want: PlatformWanted): boolean {
  if (!p || p.os !== want.os || p.architecture !== want.architecture) return false
  return want.variant === undefined || normVariant(p) === normVariant(want)
}

export function formatPlatform(p: PlatformWanted | Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`
}

/** Index entries that describe runnable images (attestations use os "unknown"). */
export function isImagePlatform(p: Platform | undefined): boolean {
  return p !== undefined && p.os !== 'unknown' && p.architecture !== 'unknown'
}
