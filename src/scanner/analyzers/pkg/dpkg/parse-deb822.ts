/**
 * deb822 control-file parser (dpkg status, status.d entries): paragraphs separated by blank
 * lines, `Field: value`, continuation lines start with a space or tab. Field names are
 * case-insensitive (deb-control(5)), so keys are lower-cased. Returns each paragraph with the
 * 1-based line it starts on; lines that are neither fields nor continuations are reported.
 */
export interface Deb822Paragraph {
  readonly fields: Map<string, string>
  readonly line: number
}

export interface Deb822Result {
  readonly paragraphs: Deb822Paragraph[]
  readonly badLines: number[]
}

export function parseDeb822(text: string): Deb822Result {
  const paragraphs: Deb822Paragraph[] = []
  const badLines: number[] = []
  let fields: Map<string, string> | undefined
  let start = 0
  let last: string | undefined
  let lineNo = 0
  for (const raw of text.split('\n')) {
    lineNo++
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (line.trim() === '') {
      if (fields) paragraphs.push({ fields, line: start })
      fields = undefined
      last = undefined
      continue
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (fields && last !== undefined) fields.set(last, `${fields.get(last) ?? ''}\n${line.slice(1)}`)
      else badLines.push(lineNo)
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) {
      badLines.push(lineNo)
      continue
    }
    if (!fields) {
      fields = new Map()
      start = lineNo
    }
    last = line.slice(0, colon).toLowerCase()
    fields.set(last, line.slice(colon + 1).trim())
  }
  if (fields) paragraphs.push({ fields, line: start })
  return { paragraphs, badLines }
}
