/** Glue: ELF bytes → Go version and parsed module info (undefined when not a Go ELF binary). */
import { type GoModInfo, parseModInfo, readGoBuildInfo } from './parse-go-buildinfo.ts'
import { isElf, parseElf } from './read-elf.ts'

export interface GoBinaryInfo {
  readonly goVersion: string
  readonly mod: GoModInfo
}

export function parseGoBinaryInfo(bytes: Uint8Array): GoBinaryInfo | string | undefined {
  if (!isElf(bytes)) return undefined
  const elf = parseElf(bytes)
  if (typeof elf === 'string') return elf
  const build = readGoBuildInfo(elf)
  if (build === undefined || typeof build === 'string') return build
  return { goVersion: build.goVersion, mod: parseModInfo(build.modInfo) }
}
