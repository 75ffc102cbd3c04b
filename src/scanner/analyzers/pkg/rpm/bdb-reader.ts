/**
 * Reads the values of a Berkeley DB hash database (rpm's `var/lib/rpm/Packages`, BDB hash
 * format v8-v10, as written by RHEL/CentOS 5-8 and Amazon Linux 2).
 *
 * Layout (all integers in the file's byte order, found from the magic at offset 12):
 *   page 0, hash metadata: pagesize @20, type @25 (8 = hash meta), last_pgno @32,
 *     max_bucket @72, spares[32] @96 (bucket b lives on page b + spares[ceil(log2(b+1))]).
 *   hash page (type 13, or 2 for unsorted): 26-byte header (next_pgno @16, entries @20,
 *     type @25), then `entries` uint16 item offsets; items alternate key, value.
 *     item byte 0: 1 = inline data, 3 = off-page (pgno @4, total length @8).
 *   overflow page (type 7): 26-byte header, next_pgno @16, used bytes @22 (hf_offset).
 *
 * Walks bucket chains from the metadata, like a DB cursor (and so `rpm -qa`) does. Every page
 * is visited at most once, so loops in page chains end; every offset is bounds-checked.
 */
const HASH_MAGIC = 0x061561
const P_HASH_UNSORTED = 2
const P_OVERFLOW = 7
const P_HASHMETA = 8
const P_HASH = 13
const H_KEYDATA = 1
const H_OFFPAGE = 3
const PAGE_HEADER = 26

export type DbItem = { readonly blob: Uint8Array } | { readonly error: string }

export function* readBdbHash(file: Uint8Array): Generator<DbItem> {
  if (file.byteLength < 512) return yield { error: 'Berkeley DB file shorter than one page' }
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const le = dv.getUint32(12, true) === HASH_MAGIC
  if (!le && dv.getUint32(12, false) !== HASH_MAGIC) return yield { error: 'not a Berkeley DB hash file (bad magic)' }
  const u32 = (at: number): number => dv.getUint32(at, le)
  const u16 = (at: number): number => dv.getUint16(at, le)
  const pageSize = u32(20)
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return yield { error: `bad page size ${pageSize}` }
  if (file[25] !== P_HASHMETA) return yield { error: 'page 0 is not a hash metadata page' }
  if (file[24] !== 0) return yield { error: 'encrypted Berkeley DB is not supported' }
  const pageCount = Math.floor(file.byteLength / pageSize)
  const lastPgno = u32(32)
  if (lastPgno >= pageCount) yield { error: `database truncated: last page ${lastPgno}, file has ${pageCount}` }
  const maxBucket = u32(72)
  if (maxBucket >= pageCount) return yield { error: `max bucket ${maxBucket} beyond the file` }
  const pageAt = (pgno: number): number | undefined => (pgno > 0 && pgno < pageCount ? pgno * pageSize : undefined)

  const visited = new Set<number>()
  for (let bucket = 0; bucket <= maxBucket; bucket++) {
    const spare = u32(96 + 4 * Math.ceil(Math.log2(bucket + 1)))
    let pgno = bucket + spare
    while (pgno !== 0) {
      const at = pageAt(pgno)
      if (at === undefined) { yield { error: `bucket ${bucket}: page ${pgno} out of range` }; break }
      if (visited.has(pgno)) { yield { error: `bucket ${bucket}: page ${pgno} visited twice (loop)` }; break }
      visited.add(pgno)
      const type = file[at + 25]
      if (type !== P_HASH && type !== P_HASH_UNSORTED) { yield { error: `page ${pgno} is not a hash page` }; break }
      yield* hashPageValues(file, at, pageSize, u16, u32, (p, len) => readOverflow(file, p, len, pageSize, pageAt, u16, u32, visited))
      pgno = u32(at + 16)
    }
  }
}

function* hashPageValues(
  file: Uint8Array, at: number, pageSize: number,
  u16: (at: number) => number, u32: (at: number) => number,
  overflow: (pgno: number, length: number) => Uint8Array | string,
): Generator<DbItem> {
  const entries = u16(at + 20)
  if (PAGE_HEADER + entries * 2 > pageSize) return yield { error: `hash page at ${at}: ${entries} entries do not fit` }
  const itemStart = (i: number): number => u16(at + PAGE_HEADER + 2 * i)
  // Items are packed from the end of the page downwards: item i ends where item i-1 starts.
  for (let i = 1; i < entries; i += 2) {
    const start = itemStart(i)
    const end = itemStart(i - 1)
    if (start < PAGE_HEADER || start >= end || end > pageSize) { yield { error: `hash page at ${at}: item ${i} out of bounds` }; continue }
    const kind = file[at + start]
    if (kind === H_KEYDATA) {
      const key = file.subarray(at + itemStart(i - 1), at + (i >= 2 ? itemStart(i - 2) : pageSize))
      if (isZeroKey(key)) continue
      yield { blob: file.subarray(at + start + 1, at + end) }
    } else if (kind === H_OFFPAGE) {
      if (end - start < 12) { yield { error: `hash page at ${at}: short off-page item` }; continue }
      const r = overflow(u32(at + start + 4), u32(at + start + 8))
      yield typeof r === 'string' ? { error: r } : { blob: r }
    } else {
      yield { error: `hash page at ${at}: unsupported item type ${kind}` }
    }
  }
}

// rpm keeps a bookkeeping record under key 0 (the next header instance number): not a package.
function isZeroKey(key: Uint8Array): boolean {
  return key[0] === H_KEYDATA && key.byteLength === 5 && key[1] === 0 && key[2] === 0 && key[3] === 0 && key[4] === 0
}

function readOverflow(
  file: Uint8Array, first: number, length: number, pageSize: number,
  pageAt: (pgno: number) => number | undefined,
  u16: (at: number) => number, u32: (at: number) => number, visited: Set<number>,
): Uint8Array | string {
  // A value can never be longer than the file: refuse before allocating.
  if (length > file.byteLength) return `overflow value of ${length} bytes is larger than the file`
  const out = new Uint8Array(length)
  let filled = 0
  let pgno = first
  while (filled < length) {
    const at = pageAt(pgno)
    if (at === undefined) return `overflow page ${pgno} out of range`
    if (visited.has(pgno)) return `overflow page ${pgno} visited twice (loop)`
    visited.add(pgno)
    if (file[at + 25] !== P_OVERFLOW) return `page ${pgno} is not an overflow page`
    const used = Math.min(u16(at + 22), pageSize - PAGE_HEADER, length - filled)
    out.set(file.subarray(at + PAGE_HEADER, at + PAGE_HEADER + used), filled)
    filled += used
    if (used === 0) return `overflow page ${pgno} is empty`
    pgno = u32(at + 16)
    if (pgno === 0 && filled < length) return `overflow chain ends after ${filled} of ${length} bytes`
  }
  return out
}
