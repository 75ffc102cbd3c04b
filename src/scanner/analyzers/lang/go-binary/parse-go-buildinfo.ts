/**
 * Go build info embedded by the linker (what `go version -m` prints), from the bytes of an ELF
 * file. Layout (Go's debug/buildinfo): a 32-byte header starting with the magic
 * "\xff Go buildinf:", then the pointer size (byte 14) and flags (byte 15: bit 0 big-endian,
 * bit 1 "inline strings").
 * - Go 1.18+ (inline): after the header, two uvarint-length-prefixed strings: the Go version and
 *   the module info.
 * - Before 1.18: at offset 16, two pointers to Go string headers (data pointer, length) that
 *   hold the version and the module info, resolved through the ELF section addresses.
 * The module info is framed by two 16-byte sentinels that are stripped.
 */
import { type ElfFile, readVirtual, sectionData } from './read-elf.ts'

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1')
const HEADER = 32
const MAX_STRING = 16 * 1024 * 1024

export interface GoBuildInfo {
  readonly goVersion: string
  readonly modInfo: string
}

/** Finds and decodes the build info; undefined when the binary has none (not Go, or built without modules). */
export function readGoBuildInfo(elf: ElfFile): GoBuildInfo | string | undefined {
  const data = sectionData(elf, '.go.buildinfo') ?? findMagic(elf.bytes)
  if (data === undefined || data.length < HEADER || !MAGIC.equals(data.subarray(0, MAGIC.length))) return undefined
  const ptrSize = data[14] ?? 0
  const flags = data[15] ?? 0
  const bigEndian = (flags & 1) !== 0
  if ((flags & 2) !== 0) {
    const version = readVarString(data, HEADER)
    if (version === undefined) return 'truncated Go version in build info'
    const mod = readVarString(data, version.end)
    if (mod === undefined) return 'truncated module info in build info'
    return { goVersion: version.text, modInfo: stripSentinels(mod.text) }
  }
  if (ptrSize !== 4 && ptrSize !== 8) return `unsupported pointer size ${ptrSize} in Go build info`
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const ptr = (v: DataView, off: number): bigint =>
    ptrSize === 8 ? v.getBigUint64(off, !bigEndian) : BigInt(v.getUint32(off, !bigEndian))
  const readGoString = (addr: bigint): string | undefined => {
    const header = readVirtual(elf, addr, ptrSize * 2)
    if (header === undefined) return undefined
    const hv = new DataView(header.buffer, header.byteOffset, header.byteLength)
    const len = ptr(hv, ptrSize)
    if (len > BigInt(MAX_STRING)) return undefined
    const bytes = readVirtual(elf, ptr(hv, 0), Number(len))
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes)
  }
  const goVersion = readGoString(ptr(view, 16))
  const modInfo = readGoString(ptr(view, 16 + ptrSize))
  if (goVersion === undefined || modInfo === undefined) return 'Go build info pointers do not resolve'
  return { goVersion, modInfo: stripSentinels(modInfo) }
}

/** Stripped binaries without section names: Go aligns the header to 16 bytes. */
function findMagic(bytes: Uint8Array): Uint8Array | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = buf.indexOf(MAGIC)
  while (at >= 0 && at % 16 !== 0) at = buf.indexOf(MAGIC, at + 1)
  return at < 0 ? undefined : bytes.subarray(at, Math.min(bytes.length, at + MAX_STRING))
}

function readVarString(data: Uint8Array, start: number): { text: string; end: number } | undefined {
  let len = 0
  let shift = 0
  let at = start
  for (;;) {
    const b = data[at++]
    if (b === undefined || shift > 28) return undefined
    len += (b & 0x7f) * 2 ** shift
    shift += 7
    if ((b & 0x80) === 0) break
  }
  if (len > MAX_STRING || at + len > data.length) return undefined
  return { text: new TextDecoder().decode(data.subarray(at, at + len)), end: at + len }
}

function stripSentinels(mod: string): string {
  return mod.length >= 33 && mod[mod.length - 17] === '\n' ? mod.slice(16, -16) : mod
}

export interface GoModule {
  readonly path: string
  readonly version: string
  readonly sum?: string
  readonly replace?: GoModule
}

export interface GoModInfo {
  readonly path?: string
  readonly main?: GoModule
  readonly deps: GoModule[]
  readonly settings: Map<string, string>
}

/** Parses the tab-separated module info lines: path, mod, dep, => (replaces the line before), build. */
export function parseModInfo(text: string): GoModInfo {
  const info: { path?: string; main?: GoModule; deps: GoModule[]; settings: Map<string, string> } = {
    deps: [],
    settings: new Map(),
  }
  let last: 'main' | 'dep' | undefined
  for (const line of text.split('\n')) {
    const [kind = '', ...fields] = line.split('\t')
    const mod = (): GoModule => {
      const [path = '', version = '', sum] = fields
      return sum ? { path, version, sum } : { path, version }
    }
    if (kind === 'path') info.path = fields[0] ?? ''
    else if (kind === 'mod') (info.main = mod()), (last = 'main')
    else if (kind === 'dep') info.deps.push(mod()), (last = 'dep')
    else if (kind === '=>') {
      if (last === 'main' && info.main) info.main = { ...info.main, replace: mod() }
      const prev = info.deps.at(-1)
      if (last === 'dep' && prev) info.deps[info.deps.length - 1] = { ...prev, replace: mod() }
    } else if (kind === 'build') {
      const setting = fields.join('\t')
      const eq = setting.indexOf('=')
      if (eq > 0) info.settings.set(setting.slice(0, eq), setting.slice(eq + 1))
    }
  }
  return info
}
