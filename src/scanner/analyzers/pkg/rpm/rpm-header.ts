/**
 * The rpm header blob as the package databases store it (no lead, no `8e ad e8` magic):
 *
 *   il: uint32 BE   number of index entries
 *   dl: uint32 BE   length of the data store
 *   il × { tag: int32, type: uint32, offset: int32, count: uint32 }   (16 bytes each, BE)
 *   dl bytes of data
 *
 * Every entry is bounds-checked against the data store before use, with rpm's own limits
 * (at most 0xffff entries, data at most 256 MiB): a hostile header yields an error string,
 * never an exception, and never an allocation larger than the blob itself.
 */
export const RPM_TYPE = { CHAR: 1, INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 } as const

const MAX_ENTRIES = 0xffff
const MAX_DATA = 0x0fffffff

interface Entry {
  readonly type: number
  readonly offset: number
  readonly count: number
}

export class RpmHeader {
  readonly #data: Uint8Array
  readonly #view: DataView
  readonly #entries: Map<number, Entry>

  private constructor(data: Uint8Array, entries: Map<number, Entry>) {
    this.#data = data
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength)
    this.#entries = entries
  }

  /** Parses a header blob; returns a reason string when it is malformed. */
  static parse(blob: Uint8Array): RpmHeader | string {
    if (blob.byteLength < 8) return 'header shorter than 8 bytes'
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength)
    const il = view.getUint32(0)
    const dl = view.getUint32(4)
    if (il === 0 || il > MAX_ENTRIES) return `header index count ${il} out of range`
    if (dl > MAX_DATA) return `header data length ${dl} out of range`
    const dataStart = 8 + il * 16
    if (dataStart + dl > blob.byteLength) return `header claims ${dataStart + dl} bytes, blob has ${blob.byteLength}`
    const data = blob.subarray(dataStart, dataStart + dl)
    const entries = new Map<number, Entry>()
    for (let i = 0; i < il; i++) {
      const at = 8 + i * 16
      const tag = view.getInt32(at)
      const type = view.getUint32(at + 4)
      const offset = view.getInt32(at + 8)
      const count = view.getUint32(at + 12)
      if (offset < 0 || offset > dl || count > dl) return `header entry ${i} (tag ${tag}) out of range`
      // The first occurrence wins, as rpm's sorted lookup does for the region's own copy.
      if (!entries.has(tag)) entries.set(tag, { type, offset, count })
    }
    return new RpmHeader(data, entries)
  }

  has(tag: number): boolean {
    return this.#entries.has(tag)
  }

  /** A STRING (or the first I18NSTRING/STRING_ARRAY element); undefined when absent or bad. */
  string(tag: number): string | undefined {
    const e = this.#entries.get(tag)
    if (!e) return undefined
    if (e.type !== RPM_TYPE.STRING && e.type !== RPM_TYPE.I18NSTRING && e.type !== RPM_TYPE.STRING_ARRAY) return undefined
    return this.#strings(e.offset, 1)?.[0]
  }

  /** A STRING_ARRAY; undefined when absent, of another type, or running past the data. */
  stringArray(tag: number): string[] | undefined {
    const e = this.#entries.get(tag)
    if (!e || e.type !== RPM_TYPE.STRING_ARRAY) return undefined
    return this.#strings(e.offset, e.count)
  }

  /** INT8/16/32/64 values (INT64 as number: rpm sizes stay far below 2^53). */
  ints(tag: number): number[] | undefined {
    const e = this.#entries.get(tag)
    if (!e) return undefined
    const width = e.type === RPM_TYPE.INT8 || e.type === RPM_TYPE.CHAR ? 1 : e.type === RPM_TYPE.INT16 ? 2 : e.type === RPM_TYPE.INT32 ? 4 : e.type === RPM_TYPE.INT64 ? 8 : 0
    if (width === 0 || e.offset + width * e.count > this.#data.byteLength) return undefined
    const out: number[] = []
    for (let i = 0; i < e.count; i++) {
      const at = e.offset + i * width
      out.push(
        width === 1 ? this.#view.getUint8(at)
          : width === 2 ? this.#view.getUint16(at)
            : width === 4 ? this.#view.getUint32(at)
              : Number(this.#view.getBigUint64(at)),
      )
    }
    return out
  }

  #strings(offset: number, count: number): string[] | undefined {
    const out: string[] = []
    let at = offset
    for (let i = 0; i < count; i++) {
      const end = this.#data.indexOf(0, at)
      if (end === -1) return undefined
      out.push(decoder.decode(this.#data.subarray(at, end)))
      at = end + 1
    }
    return out
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false })
