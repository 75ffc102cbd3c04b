/**
 * Reads rpm's NDB package database (`usr/lib/sysimage/rpm/Packages.db`, SUSE since 15 SP3).
 * All integers little-endian.
 *
 *   file header (32 bytes): magic "RpmP" @0, version 0 @4, generation @8, slot pages @12
 *   slots: from byte 32 up to slotPages × 4096, 16 bytes each:
 *     magic "Slot" @0, pkgIdx @4 (0 = free), blkOff @8, blkCnt @12 (in 16-byte blocks)
 *   blob at blkOff × 16: magic "BlbS" @0, pkgIdx @4, generation @8, length @12, then the
 *     header blob; a 12-byte tail (checksum, length, "BlbE") ends the block range.
 *
 * Packages are returned in pkgIdx order, which is how rpm's ndb iterator lists them.
 */
import type { DbItem } from './bdb-reader.ts'

const PKGDB_MAGIC = 0x506d7052 // "RpmP"
const SLOT_MAGIC = 0x746f6c53 // "Slot"
const BLOB_MAGIC = 0x53626c42 // "BlbS"
const PAGE = 4096
const SLOT = 16
const BLK = 16
const BLOB_HEAD = 16
const BLOB_TAIL = 12

export function* readNdb(file: Uint8Array): Generator<DbItem> {
  if (file.byteLength < 32) return yield { error: 'NDB file shorter than its header' }
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const u32 = (at: number): number => dv.getUint32(at, true)
  if (u32(0) !== PKGDB_MAGIC) return yield { error: 'not an rpm NDB database (bad magic)' }
  if (u32(4) !== 0) return yield { error: `unsupported NDB version ${u32(4)}` }
  const slotPages = u32(12)
  const slotEnd = Math.min(slotPages * PAGE, file.byteLength)
  if (slotPages === 0 || slotPages * PAGE > file.byteLength) yield { error: `NDB slot area (${slotPages} pages) exceeds the file` }
  const slots: { idx: number; off: number; cnt: number }[] = []
  for (let at = 32; at + SLOT <= slotEnd; at += SLOT) {
    if (u32(at) !== SLOT_MAGIC) { yield { error: `bad slot magic at ${at}` }; break }
    const idx = u32(at + 4)
    if (idx !== 0) slots.push({ idx, off: u32(at + 8), cnt: u32(at + 12) })
  }
  slots.sort((a, b) => a.idx - b.idx)
  for (const s of slots) {
    const start = s.off * BLK
    const end = start + s.cnt * BLK
    if (end > file.byteLength || s.cnt * BLK < BLOB_HEAD + BLOB_TAIL) { yield { error: `package ${s.idx}: blob outside the file` }; continue }
    if (u32(start) !== BLOB_MAGIC || u32(start + 4) !== s.idx) { yield { error: `package ${s.idx}: bad blob header` }; continue }
    const len = u32(start + 12)
    if (len > end - start - BLOB_HEAD - BLOB_TAIL) { yield { error: `package ${s.idx}: blob length ${len} exceeds its blocks` }; continue }
    yield { blob: file.subarray(start + BLOB_HEAD, start + BLOB_HEAD + len) }
  }
}
