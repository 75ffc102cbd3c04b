// A minimal tar writer for tests that need bytes GNU tar refuses to write (hostile names, absurd
// sizes, bad checksums). Tests that need ordinary layers use GNU tar itself.
export interface RawEntry {
  readonly name: string
  readonly type?: string
  readonly data?: Buffer | string
  /** Size to write in the header (defaults to the data length); lets tests lie. */
  readonly size?: number
  /** Write the size field as GNU base-256 (for values over 8 GiB). */
  readonly base256Size?: boolean
  readonly linkName?: string
  readonly mode?: number
}

function octal(b: Buffer, off: number, len: number, v: number): void {
  b.write(v.toString(8).padStart(len - 1, '0') + '\0', off, len, 'latin1')
}

export function tarHeader(e: RawEntry): Buffer {
  const b = Buffer.alloc(512)
  const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data)
  b.write(e.name, 0, 100, 'utf8')
  octal(b, 100, 8, e.mode ?? 0o644)
  octal(b, 108, 8, 0)
  octal(b, 116, 8, 0)
  const size = e.size ?? data.length
  if (e.base256Size) {
    b[124] = 0x80
    let v = BigInt(size)
    for (let i = 135; i > 124; i--) {
      b[i] = Number(v & 0xffn)
      v >>= 8n
    }
  } else octal(b, 124, 12, size)
  octal(b, 136, 12, 0)
  b.write(e.type ?? '0', 156, 1, 'latin1')
  if (e.linkName) b.write(e.linkName, 157, 100, 'utf8')
  b.write('ustar\0', 257, 6, 'latin1')
  b.write('00', 263, 2, 'latin1')
  return fixChecksum(b)
}

/** Recomputes a header's checksum (after a test edited raw header bytes). */
export function fixChecksum(b: Buffer): Buffer {
  b.fill(0x20, 148, 156)
  let sum = 0
  for (const x of b) sum += x
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1')
  return b
}

/** A tar stream; `end: false` leaves out the two zero blocks. */
export function tarBytes(entries: readonly RawEntry[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    parts.push(tarHeader(e))
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data)
    parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  if (opts.end !== false) parts.push(Buffer.alloc(1024))
  return Buffer.concat(parts)
}

/** A PAX extended header record set for the next entry. */
export function paxEntry(records: Record<string, string>): RawEntry {
  let body = ''
  for (const [k, v] of Object.entries(records)) {
    const rest = ` ${k}=${v}\n`
    let len = Buffer.byteLength(rest) + 1
    while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest)
    body += `${len}${rest}`
  }
  return { name: 'PaxHeader', type: 'x', data: body }
}
