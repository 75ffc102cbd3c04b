/**
 * Parser for apk's installed database (`lib/apk/db/installed`): stanzas separated by blank
 * lines, one `X:value` field per line. Used here: P name, V version, A arch, o origin (the
 * source package advisories name), L licence, C checksum, F directory + R file (a file belongs
 * to the last F above it). Other fields (maintainer, URL, size, ...) are ignored.
 */
export interface ApkEntry {
  name?: string
  version?: string
  arch?: string
  origin?: string
  license?: string
  checksum?: string
  files: string[]
  /** 1-based line where the stanza starts, for error messages. */
  line: number
}

export function parseApkDb(text: string): ApkEntry[] {
  const out: ApkEntry[] = []
  let cur: ApkEntry | undefined
  let dir = ''
  let lineNo = 0
  for (const line of text.split('\n')) {
    lineNo++
    if (line.trim() === '') {
      if (cur) out.push(cur)
      cur = undefined
      dir = ''
      continue
    }
    cur ??= { files: [], line: lineNo }
    if (line.length < 2 || line[1] !== ':') continue
    const value = line.slice(2)
    switch (line[0]) {
      case 'P': cur.name = value; break
      case 'V': cur.version = value; break
      case 'A': cur.arch = value; break
      case 'o': cur.origin = value; break
      case 'L': cur.license = value; break
      case 'C': cur.checksum = value; break
      case 'F': dir = value; break
      case 'R': cur.files.push(dir === '' ? value : `${dir}/${value}`); break
      default: break
    }
  }
  if (cur) out.push(cur)
  return out
}
