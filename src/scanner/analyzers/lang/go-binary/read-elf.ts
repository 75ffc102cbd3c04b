/**
 * A minimal, bounds-checked ELF reader: the header, the section table and section contents, and
 * reads by virtual address (needed for Go's pre-1.18 build info, which stores pointers).
 * Every offset read from the file is checked against the buffer; a bad file gives `undefined`
 * or an error message, never an out-of-range read. Shared with the cargo-auditable analyzer.
 */

export interface ElfSection {
  readonly name: string
  readonly type: number
  readonly addr: bigint
  readonly offset: number
  readonly size: number
}

export interface ElfFile {
  readonly is64: boolean
  readonly littleEndian: boolean
  readonly sections: readonly ElfSection[]
  readonly bytes: Uint8Array
}

const SHT_NOBITS = 8
const MAX_SECTIONS = 65535

/** True when the content starts with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 52 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46
}

/** Parses the section table; returns an error message for a malformed file. */
export function parseElf(bytes: Uint8Array): ElfFile | string {
  if (!isElf(bytes)) return 'not an ELF file'
  const is64 = bytes[4] === 2
  const littleEndian = bytes[5] === 1
  if ((bytes[4] !== 1 && !is64) || (bytes[5] !== 1 && bytes[5] !== 2)) return 'unknown ELF class or byte order'
  if (is64 && bytes.length < 64) return 'truncated ELF header'
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const word = (off: number): number =>
    is64 ? Number(view.getBigUint64(off, littleEndian)) : view.getUint32(off, littleEndian)
  const shoff = word(is64 ? 0x28 : 0x20)
  const shentsize = view.getUint16(is64 ? 0x3a : 0x2e, littleEndian)
  const shnum = view.getUint16(is64 ? 0x3c : 0x30, littleEndian)
  const shstrndx = view.getUint16(is64 ? 0x3e : 0x32, littleEndian)
  if (shnum === 0) return { is64, littleEndian, sections: [], bytes }
  if (shnum > MAX_SECTIONS || shentsize < (is64 ? 64 : 40) || shoff + shnum * shentsize > bytes.length) {
    return 'ELF section table out of bounds'
  }
  const raw: { nameOff: number; type: number; addr: bigint; offset: number; size: number }[] = []
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize
    raw.push({
      nameOff: view.getUint32(at, littleEndian),
      type: view.getUint32(at + 4, littleEndian),
      addr: is64 ? view.getBigUint64(at + 16, littleEndian) : BigInt(view.getUint32(at + 12, littleEndian)),
      offset: word(at + (is64 ? 24 : 16)),
      size: word(at + (is64 ? 32 : 20)),
    })
  }
  const strtab = raw[shstrndx]
  const sections = raw.map((s) => ({
    name: strtab ? cString(bytes, strtab.offset + s.nameOff, strtab.offset + strtab.size) : '',
    type: s.type,
    addr: s.addr,
    offset: s.offset,
    size: s.size,
  }))
  return { is64, littleEndian, sections, bytes }
}

function cString(bytes: Uint8Array, start: number, end: number): string {
  const limit = Math.min(end, bytes.length, start + 256)
  let i = start
  while (i < limit && bytes[i] !== 0) i++
  return start < limit ? new TextDecoder().decode(bytes.subarray(start, i)) : ''
}

/** The file bytes of a named section, or undefined when missing, NOBITS or out of bounds. */
export function sectionData(elf: ElfFile, name: string): Uint8Array | undefined {
  const s = elf.sections.find((x) => x.name === name)
  if (!s || s.type === SHT_NOBITS || s.offset + s.size > elf.bytes.length) return undefined
  return elf.bytes.subarray(s.offset, s.offset + s.size)
}

/** `length` bytes at virtual address `addr`, from the section that maps it. */
export function readVirtual(elf: ElfFile, addr: bigint, length: number): Uint8Array | undefined {
  for (const s of elf.sections) {
    if (s.type === SHT_NOBITS || s.addr === 0n || addr < s.addr) continue
    const rel = addr - s.addr
    if (rel + BigInt(length) > BigInt(s.size)) continue
    const start = s.offset + Number(rel)
    if (start + length > elf.bytes.length) return undefined
    return elf.bytes.subarray(start, start + length)
  }
  return undefined
}
